import { test, expect, login, expectAccessible, openChild } from './fixtures.js'
import type { Page } from '@playwright/test'

// The demo clock stands on Tuesday 1 December 2026, 07:10 (playwright.config.ts).

interface DevSms { to: string; message: string; sentAt: string }

function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length
}

async function openElsa(page: Page) {
  await login(page, 'anna.lind')
  await openChild(page, 'Elsa Lind')
}

test.describe('school days: timetable, absence and the SMS rule', () => {
  test('anna reports Elsa absent for two of tomorrow\'s lessons and sees them in the history', async ({ page, jsEnabled }) => {
    await openElsa(page)
    const tile = page.locator('.tile--absence')
    await tile.getByRole('link', { name: 'Anmäl frånvaro' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Anmäl frånvaro' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.getByRole('link', { name: /I morgon onsdag 2 december/ }).click()
    await expect(page.getByRole('group', { name: 'Lektioner onsdag 2 december' })).toBeVisible()
    await page.getByLabel('Vissa lektioner').check()
    await page.getByLabel('09:10–10:00 Matematik').check()
    await page.getByLabel('10:20–11:10 Musik').check()
    // Forgetting the reason: the message is at the field, the ticks are kept.
    await page.getByRole('button', { name: 'Anmäl frånvaro' }).click()
    await expect(page.getByRole('alert')).toContainText('Välj en orsak.')
    await expect(page.getByLabel('09:10–10:00 Matematik')).toBeChecked()
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Sjukdom').check()
    await page.getByRole('button', { name: 'Anmäl frånvaro' }).click()

    await expect(page.getByRole('heading', { level: 1, name: 'Anmäld frånvaro' })).toBeVisible()
    await expect(page.getByRole('status')).toContainText('Frånvaron är anmäld.')
    await expect(page.getByText('09:10–10:00 Matematik')).toBeVisible()
    await expect(page.getByText('10:20–11:10 Musik')).toBeVisible()
    await expect(page.getByText('kan inte ändras i Hubben')).toBeVisible()
    await expect(page.getByRole('link', { name: 'Skriv ett meddelande till Karin Berg' })).toHaveAttribute('href', /\/messages\/new\?to=\d+$/)
    await expectAccessible(page, jsEnabled)

    await page.getByRole('link', { name: 'Tillbaka till frånvaro' }).click()
    const item = page.locator('.absence-list__item').filter({ hasText: 'onsdag 2 december 2026' })
    await expect(item).toContainText('Matematik 09:10, Musik 10:20')
    await expect(item).toContainText('Anmäld av vårdnadshavare')
    await expectAccessible(page, jsEnabled)

    // Reporting the same again tells her it is already reported.
    await page.getByRole('link', { name: 'Anmäl frånvaro' }).click()
    await expect(page.getByRole('group', { name: 'Lektioner tisdag 1 december' })).toBeVisible()
    await page.getByRole('link', { name: /I morgon onsdag 2 december/ }).click()
    await expect(page.getByRole('group', { name: 'Lektioner onsdag 2 december' })).toBeVisible()
    await page.getByLabel('Vissa lektioner').check()
    await page.getByLabel('09:10–10:00 Matematik').check()
    await page.getByLabel('Annat').check()
    await page.getByRole('button', { name: 'Anmäl frånvaro' }).click()
    await expect(page.getByRole('status')).toContainText('redan anmäld')
  })

  test('anna reports Olle\'s preschool absence with a comment', async ({ page, jsEnabled }) => {
    await openElsa(page)
    await page.getByRole('link', { name: /Min profil/ }).click()
    await page.getByRole('link', { name: /Olle Lind/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Olle Lind' })).toBeVisible()
    await page.locator('.tile--absence').getByRole('link', { name: 'Anmäl frånvaro' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Anmäl frånvaro' })).toBeVisible()
    await expect(page.getByText('Skriv inga uppgifter om hälsa eller sjukdom här.')).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByLabel(/I morgon, onsdag 2 december/).check()
    await page.getByLabel('Ledighet').check()
    await page.getByLabel('Kommentar (frivillig)').fill('Ledig, farmor hämtar på tisdag')
    await page.getByRole('button', { name: 'Anmäl frånvaro' }).click()
    await expect(page.getByRole('status')).toContainText('Frånvaron är anmäld.')
    await expect(page.getByText('Ledig, farmor hämtar på tisdag')).toBeVisible()
    await expect(page.getByText('Kontakta förskolan')).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: 'Tillbaka till frånvaro' }).click()
    await expect(page.locator('.absence-list__item').filter({ hasText: 'onsdag 2 december 2026' })).toContainText('Hela dagen')
  })

  test('karin registers Elsa invalid for a lesson and one SMS leaves per guardian', async ({ page, jsEnabled, request }) => {
    const before = (await (await request.get('/dev/sms.json')).json()) as DevSms[]
    await login(page, 'karin.berg')
    await page.getByRole('link', { name: 'Frånvaro och närvaro' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Frånvaro och närvaro' })).toBeVisible()
    await page.getByLabel('Grupp').selectOption({ label: '4B (Solbackaskolan)' })
    await page.getByRole('button', { name: 'Visa' }).click()
    await expect(page.getByRole('heading', { level: 2, name: '4B, tisdag 1 december 2026' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.getByRole('link', { name: '08:10–09:00 Matematik' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Närvaro: Matematik' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('group', { name: /Elsa Lind/ }).getByLabel('Frånvarande, ogiltigt').check()
    await page.getByRole('button', { name: 'Spara närvaro' }).click()
    await expect(page.getByRole('status')).toContainText('Närvaron är sparad.')
    await expect(page.locator('.absence-list__item').filter({ hasText: '08:10–09:00 Matematik' })).toContainText('Registrerad, 1 frånvarande.')

    const fresh = async () => ((await (await request.get('/dev/sms.json')).json()) as DevSms[]).slice(0, -before.length || undefined)
    await expect.poll(async () => (await fresh()).length, { timeout: 15_000 }).toBe(2)
    const sent = await fresh()
    expect(sent.map((s) => s.to).sort()).toEqual(['+46701234567', '+46709876543'])
    expect(sent[0]!.message).toContain('Elsa har fått ogiltig frånvaro på en lektion tisdag 1 december')
    expect(sent[0]!.message).not.toMatch(/\d{8}|Lind/)

    // A second invalid lesson the same day: no second SMS.
    await page.getByRole('link', { name: '09:10–10:00 Svenska' }).click()
    await page.getByRole('group', { name: /Elsa Lind/ }).getByLabel('Frånvarande, ogiltigt').check()
    await page.getByRole('button', { name: 'Spara närvaro' }).click()
    await expect(page.getByRole('status')).toContainText('Närvaron är sparad.')
    await page.waitForTimeout(3000)
    expect((await fresh()).length).toBe(2)
  })

  test('the timetable: a week, a lesson\'s details, and one A4 page in print', async ({ page, jsEnabled }) => {
    await openElsa(page)
    await page.locator('.tile--timetable').getByRole('link', { name: 'Schema' }).click()
    await expect(page.getByRole('heading', { level: 2, name: /Vecka 49/ })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: 'Nästa vecka' }).click()
    await expect(page.getByRole('heading', { level: 2, name: /Vecka 50/ })).toBeVisible()
    await expect(page.locator('.lesson--cancelled')).toContainText('Musik')
    await page.getByRole('link', { name: 'Till denna vecka' }).click()
    await expect(page.getByRole('heading', { level: 2, name: /Vecka 49/ })).toBeVisible()

    const weekUrl = page.url()
    await page.locator('section', { hasText: 'torsdag 3 december' }).getByRole('link', { name: /Engelska/ }).click()
    if (jsEnabled) {
      // htmx puts the details beside the week; the address stays.
      await expect(page.locator('#lesson-detail').getByRole('heading', { level: 2, name: 'Engelska' })).toBeVisible()
      await expect(page.locator('#lesson-detail')).toContainText('Biblioteket (ändrad sal)')
      expect(page.url()).toBe(weekUrl)
    } else {
      await expect(page.getByRole('heading', { level: 1, name: 'Engelska' })).toBeVisible()
      await expect(page.getByText('Biblioteket (ändrad sal)')).toBeVisible()
      await page.getByRole('link', { name: 'Tillbaka till veckan' }).click()
    }
    await expectAccessible(page, jsEnabled)

    // Printing the normal page uses the print stylesheet: one page.
    const weekPdf = await page.pdf({ format: 'A4' })
    expect(pdfPages(weekPdf)).toBe(1)

    await page.getByRole('link', { name: 'Utskriftsvänligt schema' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Schema för Elsa Lind, vecka 49' })).toBeVisible()
    await expect(page.getByText(/Klass 4B · Solbackaskolan/)).toBeVisible()
    await expect(page.getByRole('navigation')).toHaveCount(0)
    if (jsEnabled) await expect(page.getByRole('button', { name: 'Skriv ut' })).toBeVisible()
    else await expect(page.getByRole('button', { name: 'Skriv ut' })).toBeHidden()
    await expectAccessible(page, jsEnabled)
    const pdf = await page.pdf({ format: 'A4' })
    expect(pdfPages(pdf)).toBe(1)
    console.log(`timetable print page: 1 A4 page, PDF ${pdf.length} bytes (normal week page printed: ${weekPdf.length} bytes)`)
  })

  test('a pupil sees absences without the button', async ({ page, jsEnabled }) => {
    await login(page, 'elsa.lind')
    await page.locator('.tile--absence').getByRole('link', { name: 'Frånvaro' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Frånvaro' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Anmäl frånvaro' })).toHaveCount(0)
    await expect(page.getByText('Frånvaro anmäls av din vårdnadshavare.')).toBeVisible()
    await expectAccessible(page, jsEnabled)
  })
})
