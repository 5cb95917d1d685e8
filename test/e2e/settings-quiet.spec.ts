import { test, expect, login, expectAccessible } from './fixtures.js'

// Quiet hours and the evening digest in Inställningar (issue 18), with JavaScript on and off.
test('quiet hours and the evening digest: a wrong time, then saved', async ({ page, jsEnabled }) => {
  await login(page, 'maria.nilsson')
  await page.goto('/settings')
  const section = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Tysta timmar och kvällsbrev' }) })
  await expect(section).toBeVisible()
  await expect(section.getByLabel('Använd tysta timmar för pushnotiser')).toBeChecked()
  await expect(section.getByLabel('Tysta från', { exact: true })).toHaveValue('21:00')
  await expect(section.getByLabel('Tysta till', { exact: true })).toHaveValue('07:00')
  await expect(section.getByLabel('Skicka ett kvällsbrev till mig')).not.toBeChecked()
  await expectAccessible(page, jsEnabled)

  await section.getByLabel('Tysta från', { exact: true }).fill('25:00')
  await section.getByRole('button', { name: 'Spara tysta timmar' }).click()
  await expect(page.getByRole('alert')).toContainText('Skriv ett klockslag som 21:00')
  await expect(page.getByLabel('Tysta från', { exact: true })).toHaveValue('25:00')
  await expect(page.getByLabel('Tysta från', { exact: true })).toHaveAttribute('aria-invalid', 'true')
  await expectAccessible(page, jsEnabled)

  await page.getByLabel('Tysta från', { exact: true }).fill('22:00')
  await page.getByRole('button', { name: 'Spara tysta timmar' }).click()
  await expect(page.getByText('De tysta timmarna är sparade.')).toBeVisible()
  await expect(page.getByLabel('Tysta från', { exact: true })).toHaveValue('22:00')

  await page.getByLabel('Skicka ett kvällsbrev till mig').check()
  await page.getByLabel('Skicka kvällsbrevet kl.').selectOption('19:00')
  await page.getByRole('button', { name: 'Spara kvällsbrev' }).click()
  await expect(page.getByText('Kvällsbrevet är påslaget.')).toBeVisible()
  await expect(page.getByLabel('Skicka ett kvällsbrev till mig')).toBeChecked()
  await expect(page.getByLabel('Skicka kvällsbrevet kl.')).toHaveValue('19:00')
  await expectAccessible(page, jsEnabled)

  // Back to the defaults for the journeys that follow on this server.
  await page.getByLabel('Skicka ett kvällsbrev till mig').uncheck()
  await page.getByRole('button', { name: 'Spara kvällsbrev' }).click()
  await expect(page.getByText('Kvällsbrevet är avstängt.')).toBeVisible()
  await page.getByLabel('Tysta från', { exact: true }).fill('21:00')
  await page.getByRole('button', { name: 'Spara tysta timmar' }).click()
  await expect(page.getByText('De tysta timmarna är sparade.')).toBeVisible()
})
