import { test, expect, login, expectAccessible } from './fixtures.js'

// BankID's step-up against the simulator that `npm start` runs in development: anna.lind
// asks for strong authentication, approves on the simulator's phone page (a second tab,
// as a phone would be) and lands where she was going. With JavaScript htmx polls the
// order; without it the page refreshes itself.
test.describe('bankid', () => {
  test('anna identifies with Mobilt BankID on the simulator and lands on next', async ({ page, context, jsEnabled }) => {
    await login(page, 'anna.lind')
    await page.goto('/bankid?next=/profile')
    await expect(page.getByRole('heading', { level: 1, name: 'Legitimera dig med BankID' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'BankID på den här enheten' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Öppna BankID-simulatorn' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.getByRole('button', { name: 'Mobilt BankID på annan enhet' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Legitimering med BankID' })).toBeVisible()
    await expect(page.getByRole('img', { name: 'QR-kod för BankID' })).toBeVisible()
    await expect(page.getByText('Starta BankID-appen.')).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // The phone: the simulator's page in another tab.
    const phone = await context.newPage()
    await phone.goto('/dev/bankid')
    await expect(phone.getByRole('heading', { level: 1, name: 'BankID-simulatorn (telefonen)' })).toBeVisible()
    const order = phone.locator('section.card').last()
    await order.getByLabel('Legitimera som').selectOption({ label: 'Anna Lind (19850314-****)' })
    await order.getByRole('button', { name: 'Godkänn' }).click()
    await expect(phone.getByText('Godkänd. Gå tillbaka till Hubben.')).toBeVisible()
    await expectAccessible(phone, jsEnabled)
    await phone.close()

    // Back in Hubben: the order page notices by itself (htmx, or the meta refresh).
    await expect(page).toHaveURL(/\/profile$/, { timeout: 15_000 })
    await expect(page.getByText('Du har legitimerat dig med BankID.')).toBeVisible()
    // With the step-up, the BankID page goes straight on.
    await page.goto('/bankid?next=/profile')
    await expect(page).toHaveURL(/\/profile$/)
  })

  test('cancelling an order goes back to the BankID page', async ({ page }) => {
    await login(page, 'erik.lind')
    await page.goto('/bankid?next=/profile')
    await page.getByRole('button', { name: 'Mobilt BankID på annan enhet' }).click()
    await expect(page.getByRole('img', { name: 'QR-kod för BankID' })).toBeVisible()
    await page.getByRole('button', { name: 'Avbryt' }).click()
    await expect(page.getByText('Legitimeringen avbröts.')).toBeVisible()
    await expect(page.getByRole('heading', { level: 1, name: 'Legitimera dig med BankID' })).toBeVisible()
  })
})
