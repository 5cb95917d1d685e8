import { test, expect, login, logout, expectAccessible, openChild } from './fixtures.js'

// The clock is frozen on Tuesday 1 December 2026 (week 49): next week is week 50.
const WEEK_50 = ['måndag 7 december', 'tisdag 8 december', 'onsdag 9 december', 'torsdag 10 december', 'fredag 11 december']

test.describe('care schedule (fritidsschema)', () => {
  test('a guardian registers next week every other week with a comment; staff see the new comment until they open it', async ({ page, jsEnabled }) => {
    // A comment of its own per run, so a retry sees a new comment again.
    const comment = `Morfar hämtar ${Date.now() % 100000}`

    await login(page, 'anna.lind')
    await openChild(page, 'Elsa Lind')
    await page.getByRole('link', { name: 'Fritidsschema' }).click()
    await expect(page.getByRole('heading', { level: 1, name: /Fritidsschema/ })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: /Vecka 49/ })).toBeVisible()
    await expect(page.getByText(/Schemat kan inte ändras samma dag/)).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.getByRole('link', { name: /Nästa vecka/ }).click()
    await expect(page.getByRole('heading', { level: 2, name: /Vecka 50/ })).toBeVisible()
    await expect(page).toHaveURL(/week=2026-W50/)
    await page.getByRole('link', { name: 'Lägg till/Ändra vecka' }).click()
    await expect(page.getByRole('heading', { level: 1, name: /Lägg till\/Ändra vecka 50/ })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // First a mistake: home before arrival on Monday. The message is at the field, the typed values kept.
    const day = (name: string) => page.getByRole('group', { name })
    await day(WEEK_50[0]!).getByLabel('Kommer').fill('16:00')
    await day(WEEK_50[0]!).getByLabel('Går hem').fill('08:00')
    await page.getByRole('button', { name: 'Spara' }).click()
    await expect(page.getByRole('alert')).toContainText('Något behöver rättas')
    await expect(page.getByRole('link', { name: /senare än tiden för att komma/ })).toBeVisible()
    await expect(day(WEEK_50[0]!).getByLabel('Kommer')).toHaveValue('16:00')
    await expectAccessible(page, jsEnabled)

    for (const [i, name] of WEEK_50.entries()) {
      await day(name).getByLabel('Kommer').fill('07:30')
      await day(name).getByLabel('Går hem').fill(i === 4 ? '15:00' : '16:00')
    }
    await page.getByLabel('Upprepa registreringarna för denna vecka').check()
    await page.getByLabel('Var hur många veckor?').fill('2')
    await page.getByLabel('Antal veckor').fill('6')
    await page.getByRole('button', { name: 'Spara' }).click()
    // Every other week for six weeks from week 50: weeks 50, 52 and 1 (2026 has a week 53).
    await expect(page.getByRole('status')).toContainText('Schemat sparades för 3 veckor: vecka 50, 52 och 1')
    await expect(page.getByRole('link', { name: /onsdag 9 december.*07:30–16:00/ })).toBeVisible()
    await expect(page.getByRole('link', { name: /fredag 11 december.*07:30–15:00/ })).toBeVisible()

    // A comment on Wednesday: the day shows a bubble in the week.
    await page.getByRole('link', { name: /onsdag 9 december/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: /onsdag 9 december/ })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Kommentar (frivillig)').fill(comment)
    await page.getByRole('button', { name: 'Spara' }).click()
    await expect(page.getByRole('status')).toContainText('Sparat för onsdag 9 december')
    await expect(page.getByRole('link', { name: /onsdag 9 december.*Har kommentar/ })).toBeVisible()
    await expect(page.getByRole('link', { name: /tisdag 8 december.*Har kommentar/ })).toHaveCount(0)
    await expectAccessible(page, jsEnabled)

    // Week 51 was left alone (the seeded times are still there).
    await page.getByRole('link', { name: /Nästa vecka/ }).click()
    await expect(page.getByRole('link', { name: /måndag 14 december.*07:15–16:30/ })).toBeVisible()
    await logout(page)

    // Staff: the new-comment marker, until someone opens the comment.
    await login(page, 'lena.ek')
    await page.getByRole('link', { name: 'Fritidsschema och tidsregistrering' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Schema och närvarotider' })).toBeVisible()
    await expect(page.getByText(/nya? kommentar/)).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: 'Fritids Solbacka' }).click()
    await expect(page.getByRole('heading', { level: 1, name: /Fritids Solbacka, tisdag 1 december/ })).toBeVisible()
    await expect(page.getByRole('table').first()).toContainText('Elsa Lind')
    await expect(page.getByRole('heading', { level: 2, name: 'Antal barn per halvtimme' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.getByLabel('Datum').fill('2026-12-09')
    await page.getByRole('button', { name: 'Visa' }).click()
    await expect(page.getByRole('heading', { level: 1, name: /Fritids Solbacka, onsdag 9 december/ })).toBeVisible()
    const elsa = page.getByRole('row', { name: /Elsa Lind/ })
    await expect(elsa).toContainText('07:30–16:00')
    await expect(elsa.getByRole('link', { name: 'Ny kommentar' })).toBeVisible()
    await expect(elsa.getByText('Ny', { exact: true })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await elsa.getByRole('link', { name: 'Ny kommentar' }).click()
    await expect(page.getByRole('heading', { level: 1, name: /Elsa Lind, onsdag 9 december/ })).toBeVisible()
    await expect(page.getByText(comment, { exact: true })).toBeVisible()
    await expect(page.getByText('Kommentaren var ny och är nu markerad som läst.')).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.getByRole('link', { name: 'Tillbaka till listan' }).click()
    const after = page.getByRole('row', { name: /Elsa Lind/ })
    await expect(after.getByRole('link', { name: 'Kommentar', exact: true })).toBeVisible()
    await expect(after.getByRole('link', { name: 'Ny kommentar' })).toHaveCount(0)
    await expect(after.getByText('Ny', { exact: true })).toHaveCount(0)
  })

  test('a guardian copies a week to a sibling in care: "Samma tider även för" Olle', async ({ page, jsEnabled }) => {
    // Week 53 (28 December - 1 January): no other journey writes it. A start time of its own per
    // project and run, so a retry shows the copy and not what was there before.
    const start = `0${7 + (Date.now() % 3)}:${jsEnabled ? '05' : '35'}`
    await login(page, 'anna.lind')
    await openChild(page, 'Elsa Lind')
    await page.getByRole('link', { name: 'Fritidsschema' }).click()
    await expect(page.getByRole('heading', { level: 1, name: /Fritidsschema/ })).toBeVisible()
    const elsaBase = new URL(page.url()).pathname
    await page.goto(`${elsaBase}/weeks/2026-W53`)
    await expect(page.getByRole('heading', { level: 1, name: /Lägg till\/Ändra vecka 53/ })).toBeVisible()
    const olle = page.getByRole('checkbox', { name: 'Olle' })
    await expect(page.getByRole('group', { name: 'Samma tider även för' })).toBeVisible()
    await expect(olle).not.toBeChecked()
    await expectAccessible(page, jsEnabled)

    const day = (name: string) => page.getByRole('group', { name })
    for (const name of ['måndag 28 december', 'tisdag 29 december', 'onsdag 30 december', 'torsdag 31 december']) {
      await day(name).getByLabel('Kommer').fill(start)
      await day(name).getByLabel('Går hem').fill('15:30')
    }
    await day('fredag 1 januari').getByLabel('Kommer').fill('')
    await day('fredag 1 januari').getByLabel('Går hem').fill('')
    await olle.check()
    const olleId = await olle.getAttribute('value')
    await page.getByRole('button', { name: 'Spara' }).click()
    await expect(page.getByRole('status')).toContainText('Schemat sparades för vecka 53, även för Olle.')
    await expect(page.getByRole('link', { name: new RegExp(`onsdag 30 december.*${start}–15:30`) })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // Olle's week shows the same times; the empty Friday is empty for Olle too.
    await page.goto(`/children/${olleId}/care-schedule?week=2026-W53`)
    await expect(page.getByRole('heading', { level: 1, name: /Tidsregistrering/ })).toBeVisible()
    await expect(page.getByRole('link', { name: new RegExp(`måndag 28 december.*${start}–15:30`) })).toBeVisible()
    await expect(page.getByRole('link', { name: new RegExp(`torsdag 31 december.*${start}–15:30`) })).toBeVisible()
    await expect(page.getByRole('link', { name: /fredag 1 januari.*Ingen tid/ })).toBeVisible()
    await expectAccessible(page, jsEnabled)
  })

  test('today cannot be changed: the guardian is told to write or call', async ({ page, jsEnabled }) => {
    await login(page, 'erik.lind')
    await page.getByRole('link', { name: /Min profil/ }).click()
    await page.getByRole('link', { name: /Olle Lind/ }).click()
    await page.getByRole('link', { name: 'Tidsregistrering' }).click()
    await expect(page.getByRole('heading', { level: 1, name: /Tidsregistrering/ })).toBeVisible()
    await page.getByRole('link', { name: /tisdag 1 december/ }).click()
    await expect(page.getByText('Den här dagen går inte att ändra längre.')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Spara' })).toHaveCount(0)
    await expect(page.getByRole('link', { name: 'Skriv ett meddelande' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
  })
})
