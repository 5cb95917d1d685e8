import { test, expect, login, expectAccessible } from './fixtures.js'

// 4B's demo plans: mathematics (in progress), Swedish (in progress), English (ahead).
test.describe('plans', () => {
  test('elsa reads her plans, and reaches the maths plan from a maths lesson', async ({ page, jsEnabled }) => {
    await login(page, 'elsa.lind')
    await page.getByRole('link', { name: 'Planeringar' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Planeringar' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: 'Matematik: Bråk och decimaltal' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Bråk och decimaltal' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Så bedöms arbetet' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    await page.goto('/')
    await page.getByRole('link', { name: 'Schema' }).click()
    await page.getByRole('link', { name: /Matematik/ }).first().click()
    await page.getByRole('link', { name: 'Planering: Bråk och decimaltal' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Bråk och decimaltal' })).toBeVisible()
  })
})
