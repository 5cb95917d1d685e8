import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a
 * browser that has logged in to an account gets a signed cookie naming that account.
 * Strangers' failed guesses lock the account out for unknown browsers only; a browser
 * with a valid device cookie for the account has its own failure count (its own lock).
 */
export const DEVICE_COOKIE = 'hubben_device'
export const DEVICE_COOKIE_DAYS = 180

function sign(secret: string, payload: string): string {
  return createHmac('sha256', `device-cookie:${secret}`).update(payload).digest('base64url')
}

/** A new cookie value for this username: `<username b64>.<nonce>.<signature>`. */
export function makeDeviceCookie(secret: string, username: string): string {
  const payload = `${Buffer.from(username).toString('base64url')}.${randomBytes(12).toString('base64url')}`
  return `${payload}.${sign(secret, payload)}`
}

/** The device's id when the cookie is genuine and names this username; otherwise null. */
export function deviceFor(secret: string, cookie: string | undefined, username: string): string | null {
  if (!cookie || cookie.length > 300) return null
  const parts = cookie.split('.')
  if (parts.length !== 3) return null
  const [user, nonce, signature] = parts as [string, string, string]
  const expected = Buffer.from(sign(secret, `${user}.${nonce}`))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  return Buffer.from(user, 'base64url').toString() === username ? nonce : null
}
