import { test, expect, login, expectAccessible } from './fixtures.js'

// The demo clock stands on Tuesday 1 December 2026, 07:10 (playwright.config.ts). anna.lind
// has Elsa (4B, fritids) and Olle (preschool); karin.berg's answer about the outing is unread.

test.describe('the family at a glance (issue 18)', () => {
  test('anna sees Elsa and Olle, follows an Att göra item and sees it gone, reports both absent in one go', async ({ page, jsEnabled }) => {
    await login(page, 'anna.lind')
    await expect(page.getByRole('heading', { level: 1, name: 'Familjen' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Elsa Lind' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Olle Lind' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Att göra' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // The unread answer from staff is waiting; reading it is doing it.
    const item = page.getByRole('link', { name: 'Elsa: Läs meddelandet från personalen: Utflykten på torsdag' })
    await item.click()
    await expect(page.getByRole('heading', { level: 1, name: 'Utflykten på torsdag' })).toBeVisible()
    await page.getByRole('link', { name: /Hubben/ }).first().click()
    await expect(page.getByRole('heading', { level: 1, name: 'Familjen' })).toBeVisible()
    await expect(page.getByRole('link', { name: /Läs meddelandet från personalen/ })).toHaveCount(0)

    // Both children absent today, in one report: Elsa under the school's rules, Olle the preschool's.
    await page.getByRole('link', { name: 'Anmäl frånvaro' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Anmäl frånvaro för flera barn' })).toBeVisible()
    await expect(page.getByText('Skriv inga uppgifter om hälsa eller sjukdom här.')).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Elsa är borta tisdag 1 december').check()
    await page.getByLabel('Olle är borta tisdag 1 december').check()
    await page.getByLabel('Hela dagen').check()
    await page.getByRole('group', { name: 'Orsak för Elsa' }).getByLabel('Sjukdom').check()
    await page.getByRole('group', { name: 'Orsak för Olle' }).getByLabel('Sjukdom').check()
    await page.getByRole('button', { name: 'Anmäl frånvaro' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Familjen' })).toBeVisible()
    await expect(page.getByRole('status')).toContainText('Frånvaron är anmäld för Elsa, Olle.')
    await expect(page.getByText('Frånvaro anmäld i dag, hela dagen.')).toHaveCount(2)
    await expectAccessible(page, jsEnabled)
  })

  test('the accessibility statement is a footer link away', async ({ page, jsEnabled }) => {
    await page.goto('/login')
    await page.getByRole('link', { name: 'Tillgänglighetsredogörelse' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Tillgänglighetsredogörelse' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Tillsyn' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
  })
})
