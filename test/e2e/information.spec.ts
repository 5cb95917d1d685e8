import { test, expect, login, logout, expectAccessible } from './fixtures.js'

// A 1×1 PNG: the news item's image (an attachment chosen in the form).
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8cfc0f01f0005000201' + 'e221bc330000000049454e44ae426082', 'hex')

test.describe('information', () => {
  test('karin publishes a news item with an image; anna opens it from the bell and downloads a file', async ({ page, jsEnabled }) => {
    const title = `Simskola för 4B (${jsEnabled ? 'js' : 'nojs'} ${Date.now() % 100000})`

    await login(page, 'karin.berg')
    await page.goto('/staff')
    await page.getByRole('link', { name: 'Information: nyheter, filer och länkar' }).click()
    await page.getByRole('link', { name: 'Skriv en nyhet' }).click()
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Vem nyheten är till').selectOption({ label: '4B (Solbackaskolan)' })
    // Forgetting the title: the message at the field, the text kept.
    await page.getByLabel('Text').fill('Ta med badkläder på torsdag.\n\nMer om simskolan: https://example.org/simskola')
    await page.getByRole('button', { name: 'Publicera' }).click()
    await expect(page.getByRole('alert')).toBeVisible()
    await expect(page.getByLabel('Text')).toHaveValue(/Ta med badkläder/)
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Rubrik').fill(title)
    await page.getByLabel('Bild (frivillig)').setInputFiles({ name: 'simhall.png', mimeType: 'image/png', buffer: PNG })
    await page.getByLabel('Beskrivning av bilden').fill('Simhallen')
    await page.getByRole('button', { name: 'Publicera' }).click()
    await expect(page.getByRole('status')).toContainText('Nyheten är publicerad')
    await expect(page.getByText(title, { exact: true })).toBeVisible()
    await logout(page)

    await login(page, 'anna.lind')
    await page.goto('/notifications')
    await page.getByRole('link', { name: new RegExp(`Ny nyhet: ${title.replace(/[()]/g, '\\$&')}`) }).first().click()
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
    await expect(page.getByRole('link', { name: 'https://example.org/simskola' })).toBeVisible()
    await expect(page.getByRole('img', { name: 'Simhallen' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.getByRole('link', { name: 'Tillbaka till nyheterna' }).click()
    await expect(page.getByRole('link', { name: 'Nyheter' })).toHaveAttribute('aria-current', 'page')
    await page.getByRole('link', { name: 'Filer' }).click()
    await expect(page.getByRole('link', { name: 'Filer' })).toHaveAttribute('aria-current', 'page')
    await expect(page).toHaveURL(/\/information\/files$/)
    await expectAccessible(page, jsEnabled)
    const download = page.waitForEvent('download')
    await page.getByRole('link', { name: 'Läsårstider 2026/2027' }).click()
    expect((await download).suggestedFilename()).toBe('lasarstider-2026-2027.pdf')
    await page.getByRole('link', { name: 'Länkar' }).click()
    await expect(page.getByRole('link', { name: 'Skolverket: för vårdnadshavare' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
  })
})
