import { test as base, expect, type Page, type APIRequestContext } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'

export { expect }

export interface DevMail { id: string; to: string; subject: string; text: string; sentAt: string }

/**
 * Journeys run twice: project 'js' (htmx active) and 'nojs' (plain links and forms).
 * `jsEnabled` tells a test which one it is in.
 */
export const test = base.extend<{ jsEnabled: boolean }>({
  jsEnabled: async ({ javaScriptEnabled }, use) => use(javaScriptEnabled ?? true),
})

/** Logs in through the login form, as a person would. */
export async function login(page: Page, username: string, password = 'hubbendemo') {
  await page.goto('/login')
  await page.getByLabel('Användarnamn').fill(username)
  await page.getByLabel('Lösenord').fill(password)
  await page.getByRole('button', { name: 'Logga in' }).click()
  await expect(page.getByRole('link', { name: /Min profil/ })).toBeVisible()
}

/**
 * From the family page (where a guardian of several children lands, issue 18) to one
 * child's start page.
 */
export async function openChild(page: Page, name: string) {
  await expect(page.getByRole('heading', { level: 1, name: 'Familjen' })).toBeVisible()
  await page.getByRole('heading', { level: 2, name }).getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

export async function logout(page: Page) {
  await page.getByRole('button', { name: /Logga ut|Log out/ }).click()
  await expect(page).toHaveURL(/\/login/)
}

/**
 * axe finds no WCAG 2.1 A/AA violations on the page. axe runs as script in the page, so it
 * runs in the JavaScript-on project; the HTML is the same without JavaScript.
 */
export async function expectAccessible(page: Page, jsEnabled: boolean) {
  if (!jsEnabled) return
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  expect(summary, `axe violations on ${page.url()}`).toEqual([])
}

/** The e-mails the server kept in its development outbox, newest first. */
export async function devMail(request: APIRequestContext): Promise<DevMail[]> {
  const res = await request.get('/dev/mail.json')
  expect(res.ok()).toBeTruthy()
  return (await res.json()) as DevMail[]
}
