import { test, expect, login, logout, expectAccessible, devMail, openChild } from './fixtures.js'

test.describe('messages', () => {
  test('anna reads karin\'s reply, answers, writes to two staff; karin sees it and gets the e-mail notice', async ({ page, request, jsEnabled }) => {
    const title = `Tandläkartid ${jsEnabled ? 'js' : 'nojs'} ${Date.now()}`
    await login(page, 'anna.lind')
    await openChild(page, 'Elsa Lind')
    await expect(page.getByRole('heading', { level: 2, name: 'Meddelanden' })).toBeVisible()

    // The envelope in the bar leads to the current child's inbox.
    await page.getByRole('link', { name: /^Meddelanden, \d+ olästa?$/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Meddelanden' })).toBeVisible()
    await expect(page.getByText('Om Elsa Lind')).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // Read karin.berg's reply.
    await page.getByRole('link', { name: /Utflykten på torsdag/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Utflykten på torsdag' })).toBeVisible()
    await expect(page.getByText(/Skolan ordnar lunch/)).toBeVisible()
    await expect(page.getByRole('link', { name: 'Meddelanden, 0 olästa' })).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // Svara: an empty answer is refused at the field, then a real one is sent.
    await page.getByRole('button', { name: 'Svara' }).click()
    await expect(page.getByRole('alert')).toContainText('Fyll i fältet')
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Ditt svar').fill('Tack Karin, då packar vi frukt och vatten.')
    await page.getByRole('button', { name: 'Svara' }).click()
    await expect(page.getByRole('status')).toContainText('Svaret är skickat')
    await expect(page.getByText('Tack Karin, då packar vi frukt och vatten.')).toBeVisible()

    // A new message to two staff, through the envelope with the plus.
    await page.getByRole('link', { name: 'Skriv nytt meddelande' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Nytt meddelande' })).toBeVisible()
    await expect(page.getByText('Tänk på att välja all personal som berörs')).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByLabel('Titel').fill(title)
    await page.getByRole('button', { name: 'Skicka' }).click()
    await expect(page.getByRole('alert')).toContainText('Välj minst en mottagare')
    await expect(page.getByLabel('Titel')).toHaveValue(title)
    await expectAccessible(page, jsEnabled)
    await page.getByLabel(/Karin Berg/).check()
    await page.getByLabel(/Per Holm/).check()
    await page.getByLabel('Meddelande', { exact: true }).fill('Elsa går hem kl 13 på fredag för ett tandläkarbesök.')
    await page.getByRole('button', { name: 'Skicka' }).click()
    await expect(page.getByRole('status')).toContainText('Meddelandet är skickat')
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
    await expect(page.getByText(/Deltagare: Anna Lind \(du\), Karin Berg, Per Holm|Deltagare: .*Karin Berg.*Per Holm/)).toBeVisible()
    const conversationUrl = page.url()
    const conversationId = /\/messages\/(\d+)$/.exec(conversationUrl)![1]
    await logout(page)

    // karin.berg sees it in her staff inbox, unread, and reads it.
    await login(page, 'karin.berg')
    await page.getByRole('link', { name: /^Meddelanden, \d+ olästa?$/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Meddelanden' })).toBeVisible()
    const item = page.getByRole('link', { name: new RegExp(title) })
    await expect(item).toContainText('1 oläst')
    await expect(item).toContainText('Om Elsa Lind')
    await expectAccessible(page, jsEnabled)
    await item.click()
    await expect(page.getByText('Elsa går hem kl 13 på fredag för ett tandläkarbesök.')).toBeVisible()
    await expectAccessible(page, jsEnabled)

    // Her e-mail notice arrived (the development outbox), with a link and no content.
    await expect.poll(async () => (await devMail(request)).filter((m) => m.to === 'karin.berg@solbacka.example' && m.text.includes(`/staff/messages/${conversationId}`)).length, { timeout: 10_000 }).toBe(1)
    const notice = (await devMail(request)).find((m) => m.to === 'karin.berg@solbacka.example' && m.text.includes(`/staff/messages/${conversationId}`))!
    expect(notice.subject).toBe('Du har ett nytt meddelande i Hubben')
    expect(notice.text).not.toContain('tandläkar')
    expect(notice.text).not.toContain(title)
    const perNotice = (await devMail(request)).filter((m) => m.to === 'per.holm@solbacka.example' && m.text.includes(`/staff/messages/${conversationId}`))
    expect(perNotice).toHaveLength(1)
  })

  test('karin answers; anna gets the bell notification and opening it leads to the conversation', async ({ page, jsEnabled }) => {
    await login(page, 'karin.berg')
    await page.goto('/staff/messages')
    await page.getByRole('link', { name: /Utflykten på torsdag/ }).click()
    await page.getByLabel('Ditt svar').fill('Bra, då ses vi på torsdag!')
    await page.getByRole('button', { name: 'Svara' }).click()
    await expect(page.getByRole('status')).toContainText('Svaret är skickat')
    await logout(page)

    await login(page, 'anna.lind')
    await page.getByRole('link', { name: /ny notis|nya notiser/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Notiser' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 2, name: 'Elsa Lind' })).toBeVisible()
    await expectAccessible(page, jsEnabled)
    await page.getByRole('link', { name: /Nytt meddelande från Karin Berg.*Ny/ }).first().click()
    await expect(page.getByRole('heading', { level: 1, name: 'Utflykten på torsdag' })).toBeVisible()
    await expect(page.getByText('Bra, då ses vi på torsdag!')).toBeVisible()
  })

  test('Pushnotiser: the device button only where it can work; area choices without JavaScript', async ({ page, jsEnabled }) => {
    await login(page, 'maria.nilsson')
    await page.getByRole('link', { name: 'Inställningar' }).click()
    await expect(page.getByRole('heading', { level: 2, name: 'Pushnotiser' })).toBeVisible()
    const enable = page.getByRole('button', { name: 'Slå på pushnotiser på den här enheten' })
    if (jsEnabled) await expect(enable).toBeVisible()
    else await expect(enable).toHaveCount(0)
    await page.getByLabel('Blogg').uncheck()
    await page.getByRole('button', { name: 'Spara val' }).click()
    await expect(page.getByRole('status').first()).toContainText('Valen för pushnotiser är sparade')
    await expect(page.getByLabel('Blogg')).not.toBeChecked()
    await expect(page.getByLabel('Meddelanden', { exact: true })).toBeChecked()
    await expectAccessible(page, jsEnabled)
  })
})
