/**
 * Redirect targets that come from the request (`?next=`, a notification's link) may only
 * lead to this site. The value is resolved as a browser would resolve it against the
 * public address (BASE_URL): URL parsing drops tabs and newlines and turns `\` into `/`,
 * so `/\t/evil.example` becomes `//evil.example`, another host. Only a value whose origin
 * is ours is accepted, and the normalized path (what was checked) is returned.
 */
const PLACEHOLDER_ORIGIN = 'http://hubben.invalid'

export function safeNext(next: unknown, baseUrl: string = PLACEHOLDER_ORIGIN): string | null {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return null
  // A relative path of our own, and nothing a browser would strip or reinterpret.
  // eslint-disable-next-line no-control-regex
  if (!next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return null
  let base: URL
  let target: URL
  try {
    base = new URL(baseUrl)
    target = new URL(next, base)
  } catch {
    return null
  }
  if (target.origin !== base.origin) return null
  const path = `${target.pathname}${target.search}${target.hash}`
  // Paranoia: what goes into Location must itself be a plain path.
  return path.startsWith('/') && !path.startsWith('//') ? path : null
}
