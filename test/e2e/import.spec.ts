import path from 'node:path'
import { test, expect, login, expectAccessible, devMail } from './fixtures.js'

const EXAMPLE = path.resolve('docs/ss12000-example.json')

test.describe('import and accounts', () => {
  test('the admin uploads a file, reads the report and sends an activation link again', async ({ page, jsEnabled, request }) => {
    await login(page, 'admin')
    await page.goto('/staff')
    await page.getByRole('link', { name: 'Import och konton' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Import och konton' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // Nothing chosen: the message is at the field.
    await page.getByRole('button', { name: 'Läs in' }).click()
    await expect(page.locator('#file-error')).toContainText('Välj en fil att läsa in.')
    await expectAccessible(page, jsEnabled)

    await page.getByLabel('SS 12000-fil (JSON)').setInputFiles(EXAMPLE)
    await page.getByRole('button', { name: 'Läs in' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Import: Klar' })).toBeVisible()
    await expect(page.getByText('Filen är inläst.')).toBeVisible()
    await expect(page.getByRole('row', { name: /Vårdnadshavare 1 0 0/ })).toBeVisible()
    await expect(page.getByText('Aktiveringsmejl skickade: 1')).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.getByRole('link', { name: 'Tillbaka till import och konton' }).click()
    await page.getByRole('link', { name: 'Solbackaskolan' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Personer på Solbackaskolan' })).toBeVisible()
    const jonas = page.getByRole('row', { name: /Jonas Nilsson/ })
    await expect(jonas).toContainText('Länk skickad, giltig till 15 december 2026')
    await expectAccessible(page, jsEnabled)

    await jonas.getByRole('button', { name: 'Skicka aktiveringslänk till Jonas Nilsson' }).click()
    await expect(page.getByText('En aktiveringslänk har skickats till Jonas Nilsson.')).toBeVisible()
    await expect.poll(async () => (await devMail(request)).filter((m) => m.to === 'jonas.nilsson@example.com').length).toBe(2)
  })
})
