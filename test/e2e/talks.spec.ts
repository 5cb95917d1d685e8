import { test, expect, login, logout, expectAccessible, openChild } from './fixtures.js'

// The clock is frozen on Tuesday 1 December 2026. The demo world: karin.berg (4B's mentor)
// has talks on Tuesday 8 and Wednesday 9 December in Klassrum 4B, bookable until Monday
// 7 December; per.holm digital ones on Thursday 10 December; Sam's family booked karin's 14:30.
const TIME = 'tisdag 8 december 14:00–14:20'

test.describe('development talks', () => {
  test('anna books karin\'s time with a message; karin sees the message; anna cancels and writes to karin', async ({ page, jsEnabled }) => {
    const message = `Vi vill prata om läsningen (${jsEnabled ? 'js' : 'nojs'} ${Date.now() % 100000})`

    await login(page, 'anna.lind')
    await openChild(page, 'Elsa Lind')
    await expect(page.getByText('Boka en tid senast måndag 7 december')).toBeVisible()
    await page.getByRole('link', { name: 'Utvecklingssamtal', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Utvecklingssamtal' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: /Karin Berg.*Elsas mentor/ })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // Forgetting to choose a time is refused at the field, the message kept.
    const karinForm = page.locator('form', { has: page.getByRole('group', { name: 'Välj en tid hos Karin Berg' }) })
    await karinForm.getByLabel('Meddelande till pedagogen (frivilligt)').fill(message)
    await karinForm.getByRole('button', { name: 'Boka' }).click()
    await expect(page.getByRole('alert')).toContainText('Välj en tid')
    await expect(karinForm.getByLabel('Meddelande till pedagogen (frivilligt)')).toHaveValue(message)
    await expectAccessible(page, jsEnabled)

    await karinForm.getByLabel(TIME).check()
    await karinForm.getByRole('button', { name: 'Boka' }).click()
    await expect(page.getByRole('status')).toContainText('Tiden är bokad')
    await expect(page.getByRole('heading', { level: 4, name: 'Er bokade tid' })).toBeVisible()
    await expect(page.getByText('tisdag 8 december 14:00–14:20')).toBeVisible()
    await expect(page.getByText(message)).toBeVisible()
    await expect(page.getByRole('link', { name: 'Lägg till i min kalender (.ics)' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await logout(page)

    // karin.berg sees the booking and its message in the round's overview.
    await login(page, 'karin.berg')
    await page.goto('/staff')
    await page.getByRole('link', { name: 'Utvecklingssamtal' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Utvecklingssamtal' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: /Karin Berg, tisdag 8 december/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Samtal med 4B: Karin Berg' })).toBeVisible()
    const item = page.getByRole('listitem').filter({ hasText: TIME })
    await expect(item).toContainText('Elsa Lind')
    await expect(item).toContainText('Bokad av Anna Lind')
    await expect(item).toContainText(message)
    await expectAccessible(page, jsEnabled)
    await logout(page)

    // anna cancels and follows the suggested message to karin.
    await login(page, 'anna.lind')
    await openChild(page, 'Elsa Lind')
    await page.getByRole('link', { name: 'Utvecklingssamtal', exact: true }).click()
    await page.getByRole('button', { name: 'Avboka' }).click()
    await expect(page.getByRole('status')).toContainText('Tiden är avbokad')
    await expect(page.getByText('Vill du berätta för Karin Berg varför ni avbokade')).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: 'Skriv ett meddelande till Karin Berg' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Nytt meddelande' })).toBeVisible()
    await expect(page.getByLabel(/Karin Berg/)).toBeChecked()
    await expectAccessible(page, jsEnabled)
  })
})
