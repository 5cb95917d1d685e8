import { test, expect, login, expectAccessible } from './fixtures.js'

// karin.berg is the mentor of 4B (Elsa Lind, Sam Nilsson). The guardians' and pupils' pages
// are behind the BankID step-up; until the BankID pages are in, this journey checks that
// they send the person there, and walks the staff side (no step-up: staff read on the staff
// side, audited).
test.describe('assessments and documentation', () => {
  test('karin publishes an assessment for Elsa, changes and unpublishes it, writes a portfolio entry and the IUP', async ({ page, jsEnabled }) => {
    const subject = jsEnabled ? 'Musik' : 'Slöjd'
    await login(page, 'karin.berg')
    await page.goto('/staff')
    await page.getByRole('link', { name: 'Bedömningar' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Bedömningar' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: 'Elsa Lind' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Bedömningar för Elsa Lind' })).toBeVisible()
    await expect(page.getByRole('cell', { name: 'Utkast: inte klar' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.getByRole('link', { name: 'Ny bedömning' }).click()
    await expect(page.getByLabel('Termin')).toHaveValue('HT2026')
    await page.getByLabel('Ämne').fill(subject)
    await page.getByLabel('Datum').fill('2026-12-32')
    await page.getByRole('button', { name: 'Publicera' }).click()
    await expect(page.getByText('Skriv ett datum som 2026-12-01').first()).toBeVisible()
    await expect(page.getByLabel('Ämne')).toHaveValue(subject)
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Datum').fill('2026-11-30')
    await page.getByLabel('Bedömning', { exact: true }).fill('Når målen')
    await page.getByLabel('Kommentar').fill('Sjunger med glädje och håller takten.')
    await page.getByRole('button', { name: 'Publicera' }).click()
    await expect(page.getByText('Bedömningen är publicerad.')).toBeVisible()
    const row = page.getByRole('row', { name: new RegExp(subject) })
    await expect(row).toContainText('publicerad')

    await row.getByRole('link', { name: subject }).click()
    await page.getByLabel('Bedömning', { exact: true }).fill('Når målen med god marginal')
    await page.getByRole('button', { name: 'Spara' }).click()
    await expect(page.getByText('Bedömningen är ändrad.')).toBeVisible()
    await page.getByRole('row', { name: new RegExp(subject) }).getByRole('link', { name: subject }).click()
    await page.getByRole('button', { name: 'Avpublicera' }).click()
    await expect(page.getByText('Bedömningen är avpublicerad.')).toBeVisible()
    await expect(page.getByRole('row', { name: new RegExp(subject) })).toContainText('avpublicerad')

    await page.goto('/staff')
    await page.getByRole('link', { name: 'Dokumentation' }).click()
    await page.getByRole('link', { name: 'Elsa Lind' }).click()
    await expect(page.getByRole('heading', { level: 3, name: 'Min berättelse om vikingarna' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: 'Nytt inlägg i portfolion' }).click()
    await page.getByLabel('Rubrik').fill(`Körsång ${subject}`)
    await page.getByLabel('Text').fill('Elsa sjöng i kören på luciafirandet.')
    await expectAccessible(page, jsEnabled)
    await page.getByRole('button', { name: 'Publicera' }).click()
    await expect(page.getByText('Inlägget är publicerat.')).toBeVisible()
    await expect(page.getByRole('heading', { level: 3, name: `Körsång ${subject}` })).toBeVisible()

    await page.getByRole('link', { name: 'Skriv utvecklingsplan (IUP)' }).click()
    await expect(page.getByLabel('Mål: det här ska eleven utveckla')).toContainText('Skriva texter med styckeindelning')
    await page.getByLabel('Så kan ni stötta hemma').fill(`Sjung tillsammans (${subject}).`)
    await page.getByRole('button', { name: 'Spara utvecklingsplanen' }).click()
    await expect(page.getByText('Utvecklingsplanen är sparad.')).toBeVisible()
  })

  test('a guardian who opens Bedömningar or Dokumentation is sent to BankID first', async ({ page }) => {
    await login(page, 'anna.lind')
    await page.getByRole('heading', { level: 2, name: 'Elsa Lind' }).getByRole('link').click()
    await page.getByRole('link', { name: 'Bedömningar' }).click()
    await expect(page).toHaveURL(/\/bankid\?next=%2Fchildren%2F\d+%2Fassessments$/)
    await page.goBack()
    await page.getByRole('link', { name: 'Dokumentation' }).click()
    await expect(page).toHaveURL(/\/bankid\?next=%2Fchildren%2F\d+%2Fdocumentation$/)
  })
})
