import { test, expect, login, logout, expectAccessible, openChild } from './fixtures.js'

test.describe('the frame and access', () => {
  test('login, start page, child switch, language switch, logout', async ({ page, jsEnabled }) => {
    await page.goto('/')
    await expect(page).toHaveURL(/\/login$/)
    await expect(page.locator('html')).toHaveAttribute('lang', 'sv')
    await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // A wrong password: one generic message, the username kept.
    await page.getByLabel('Användarnamn').fill('anna.lind')
    await page.getByLabel('Lösenord').fill('fel lösenord')
    await page.getByRole('button', { name: 'Logga in' }).click()
    await expect(page.getByRole('alert')).toContainText('Användarnamnet eller lösenordet stämmer inte')
    await expect(page.getByLabel('Användarnamn')).toHaveValue('anna.lind')
    await expectAccessible(page, jsEnabled)

    await login(page, 'anna.lind')
    // Two children: the family page first (issue 18), then Elsa's start page.
    await expect(page.getByRole('heading', { level: 1, name: 'Familjen' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await openChild(page, 'Elsa Lind')
    await expect(page.getByRole('link', { name: /Min profil.*Anna Lind · Elsa Lind/ })).toBeVisible()
    await expect(page.getByRole('link', { name: /ny notis|nya notiser/ })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Schema', exact: true })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Fritidsschema' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // Switch child in Min profil: Olle is a preschool child.
    await page.getByRole('link', { name: /Min profil/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Min profil' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: /Olle Lind/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Olle Lind' })).toBeVisible()
    await expect(page).toHaveURL(/\/children\/\d+$/)
    await expect(page.getByRole('heading', { level: 2, name: 'Tidsregistrering' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Schema', exact: true })).toHaveCount(0)
    await expectAccessible(page, jsEnabled)

    // Switch to English in account settings; it applies at once.
    await page.getByRole('link', { name: 'Inställningar' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Inställningar' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('English').check()
    await page.getByRole('button', { name: 'Byt språk' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')
    await expect(page.getByRole('status').filter({ hasText: 'The language is changed' })).toBeVisible()
    // And back, so the other journeys see Swedish.
    await page.getByLabel('Svenska').check()
    await page.getByRole('button', { name: 'Change language' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Inställningar' })).toBeVisible()

    await logout(page)
    await expect(page.getByRole('status').filter({ hasText: 'Du är utloggad' })).toBeVisible()
    await page.goto('/children/1')
    await expect(page).toHaveURL(/\/login\?next=/)
  })

  test('a pupil sees their own Hub without the guardian-only boxes', async ({ page, jsEnabled }) => {
    await login(page, 'elsa.lind')
    await expect(page.getByRole('heading', { level: 1, name: 'Elsa Lind' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Schema', exact: true })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Fritidsschema' })).toHaveCount(0)
    await expectAccessible(page, jsEnabled)
  })

  test('staff land on the staff area', async ({ page, jsEnabled }) => {
    await login(page, 'karin.berg')
    await expect(page.getByRole('heading', { level: 1, name: 'Personalens sida' })).toBeVisible()
    await expect(page.getByText('4B – mentor')).toBeVisible()
    await expectAccessible(page, jsEnabled)
  })

  test('a changed username and password work at the next login', async ({ page, jsEnabled }) => {
    await login(page, 'maria.nilsson')
    await page.getByRole('link', { name: /Min profil/ }).click()
    await page.getByLabel('Nytt användarnamn').fill('x')
    await page.getByRole('button', { name: 'Byt användarnamn' }).click()
    await expect(page.getByRole('alert')).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Nytt användarnamn').fill('maria.n')
    await page.getByRole('button', { name: 'Byt användarnamn' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'Användarnamnet är bytt' })).toBeVisible()
    await page.getByLabel('Nuvarande lösenord').fill('hubbendemo')
    await page.getByLabel('Nytt lösenord', { exact: true }).fill('ett nytt långt lösenord')
    await page.getByLabel('Upprepa det nya lösenordet').fill('ett nytt långt lösenord')
    await page.getByRole('button', { name: 'Byt lösenord' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'Lösenordet är bytt' })).toBeVisible()
    await logout(page)
    await login(page, 'maria.n', 'ett nytt långt lösenord')
    await expect(page.getByRole('heading', { level: 1, name: 'Sam Nilsson' })).toBeVisible()
    // Put the account back as the other journeys expect it.
    await page.getByRole('link', { name: /Min profil/ }).click()
    await page.getByLabel('Nytt användarnamn').fill('maria.nilsson')
    await page.getByRole('button', { name: 'Byt användarnamn' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'Användarnamnet är bytt' })).toBeVisible()
    await page.getByLabel('Nuvarande lösenord').fill('ett nytt långt lösenord')
    await page.getByLabel('Nytt lösenord', { exact: true }).fill('hubbendemo')
    await page.getByLabel('Upprepa det nya lösenordet').fill('hubbendemo')
    await page.getByRole('button', { name: 'Byt lösenord' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'Lösenordet är bytt' })).toBeVisible()
  })
})
