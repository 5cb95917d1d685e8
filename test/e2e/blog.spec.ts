import { test, expect, login, logout, expectAccessible, openChild } from './fixtures.js'

test.describe('blog', () => {
  test('elsa comments on the 4B blog and anna cannot; karin removes a comment', async ({ page, jsEnabled }) => {
    const comment = `Vår vulkan blev störst (${jsEnabled ? 'js' : 'nojs'} ${Date.now() % 100000})`

    await login(page, 'elsa.lind')
    await page.getByRole('link', { name: 'Blogg' }).first().click()
    await expect(page.getByRole('heading', { level: 1, name: 'Blogg' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: 'Vi bygger vulkaner', exact: true }).click()
    await page.getByRole('button', { name: 'Skicka kommentaren' }).click()
    await expect(page.getByRole('alert')).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Din kommentar').fill(comment)
    await page.getByRole('button', { name: 'Skicka kommentaren' }).click()
    await expect(page.getByRole('status')).toContainText('Kommentaren är publicerad')
    await expect(page.getByText(comment)).toBeVisible()
    await logout(page)

    await login(page, 'anna.lind')
    await openChild(page, 'Elsa Lind')
    await page.getByRole('link', { name: 'Blogg' }).first().click()
    await page.getByRole('link', { name: 'Vi bygger vulkaner', exact: true }).click()
    await expect(page.getByText(comment)).toBeVisible()
    await expect(page.getByLabel('Din kommentar')).toHaveCount(0)
    await expect(page.getByText('Vårdnadshavare kan läsa')).toBeVisible()
    await logout(page)

    await login(page, 'karin.berg')
    await page.goto('/staff/blog')
    await page.getByRole('link', { name: 'Vi bygger vulkaner' }).click()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('button', { name: 'Ta bort kommentaren från Elsa Lind' }).last().click()
    await expect(page.getByRole('status')).toContainText('Kommentaren är borttagen')
  })

  test('anna comments on Blåklockan\'s blog for Olle', async ({ page, jsEnabled }) => {
    const comment = `Olle vill göra fler igelkottar (${jsEnabled ? 'js' : 'nojs'} ${Date.now() % 100000})`
    await login(page, 'anna.lind')
    await page.getByRole('link', { name: /Min profil/ }).click()
    await page.getByRole('link', { name: /Olle Lind/ }).click()
    await page.getByRole('link', { name: 'Blogg' }).first().click()
    await expect(page.getByRole('link', { name: 'Blåklockan', exact: true })).toBeVisible()
    await page.getByRole('link', { name: 'Blåklockan', exact: true }).click()
    await expect(page.getByRole('link', { name: 'Blåklockan', exact: true })).toHaveAttribute('aria-current', 'page')
    await page.getByRole('link', { name: 'Höstpyssel på Blåklockan', exact: true }).click()
    await page.getByLabel('Din kommentar').fill(comment)
    await page.getByRole('button', { name: 'Skicka kommentaren' }).click()
    await expect(page.getByText(comment)).toBeVisible()
    await expectAccessible(page, jsEnabled)
  })
})
