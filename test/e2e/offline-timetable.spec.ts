import { test, expect, login, logout, expectAccessible, openChild } from './fixtures.js'

// The timetable offline (issue 18): the service worker keeps the last viewed weeks of each
// child's timetable and shows them, marked with when they were saved, without a network; the
// caches are emptied at logout. Service workers need JavaScript: the 'js' project only.
const PAGES = 'hubben-timetable-v1'

async function storedPages(page: import('@playwright/test').Page): Promise<string[]> {
  return page.evaluate(async (name) => {
    if (!(await caches.has(name))) return []
    const cache = await caches.open(name)
    return (await cache.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search)
  }, PAGES)
}

test.describe('the timetable offline', () => {
  test('a viewed week reads offline with "Sparad … – du är offline"; logging out empties the cache', async ({ page, context, jsEnabled }) => {
    test.skip(!jsEnabled, 'service workers need JavaScript')
    await login(page, 'anna.lind')
    await openChild(page, 'Elsa Lind')
    await page.getByRole('link', { name: 'Schema', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Schema' })).toBeVisible()
    const base = new URL(page.url()).pathname
    await page.getByRole('link', { name: 'Nästa vecka' }).click()
    await expect(page.getByRole('heading', { level: 2, name: /Vecka 50/ })).toBeVisible()
    await expect(page.getByText(/du är offline/)).toBeHidden()

    // The worker takes over, and stores the week (asked by the page, or on the way through).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    await expect.poll(() => storedPages(page)).toContain(`${base}?week=2026-W50`)

    // The last four weeks viewed of each child: a fifth pushes out the oldest.
    for (const w of ['2026-W51', '2026-W52', '2026-W53']) {
      await page.goto(`${base}?week=${w}`)
      await expect.poll(() => storedPages(page)).toContain(`${base}?week=${w}`)
    }
    await expect.poll(() => storedPages(page)).toEqual(['W50', 'W51', 'W52', 'W53'].map((w) => `${base}?week=2026-${w}`))

    // Other pages pass by: a conversation list is never stored.
    await page.goto(base.replace('/timetable', '/messages'))
    await page.goto(`${base}?week=2026-W50`)
    const stored = await storedPages(page)
    expect(stored.every((u) => /^\/children\/\d+\/timetable(\?week=[0-9W-]+)?$/.test(u)), stored.join(', ')).toBe(true)

    await context.setOffline(true)
    try {
      await page.reload()
      await expect(page.getByRole('heading', { level: 2, name: /Vecka 50/ })).toBeVisible()
      const note = page.getByRole('status').filter({ hasText: /du är offline/ })
      await expect(note).toBeVisible()
      await expect(note).toContainText(/Sparad \S+ \d{1,2} \S+ (kl\. )?\d{2}[:.]\d{2} – du är offline/)
      await expect(note.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/)
      await expectAccessible(page, jsEnabled)
    } finally {
      await context.setOffline(false)
    }

    // Online again: the fresh page, without the note.
    await page.reload()
    await expect(page.getByRole('heading', { level: 2, name: /Vecka 50/ })).toBeVisible()
    await expect(page.getByText(/du är offline/)).toBeHidden()

    await logout(page)
    await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([])
  })
})
