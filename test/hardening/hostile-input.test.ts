import t from 'tap'
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { buildTestApp, loginAs, type Client } from '../helpers/app.js'

// Finding 10: hostile values in every form field of every POST route and every query
// parameter: never a 5xx, and nothing stored.
const routes: { method: string; url: string }[] = []
const ctx = await buildTestApp({
  onRoute: (r) => { for (const m of [r.method].flat()) routes.push({ method: m, url: r.url }) },
})
t.teardown(() => ctx.close())
const { app, db, world } = ctx

const guardian = await loginAs(app, 'anna.lind')
const staff = await loginAs(app, 'karin.berg')
const admin = await loginAs(app, 'admin')
const clientFor = (url: string): Client => (url.startsWith('/admin') || url.startsWith('/staff/outbox') ? admin : url.startsWith('/staff') ? staff : guardian)

const conversation = await db.selectFrom('conversation_participants').select('conversation_id').where('person_id', '=', world.anna).executeTakeFirst()
/** A path parameter as a crafted URL would carry it (a lone surrogate as its raw UTF-8 bytes). */
const enc = (v: string) => { try { return encodeURIComponent(v) } catch { return v.split('').map((ch) => { try { return encodeURIComponent(ch) } catch { return '%ED%A0%80' } }).join('') } }
function fill(url: string, over: Record<string, string> = {}): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => (over[name] !== undefined ? enc(over[name]!) : undefined) ?? ({
    childId: String(world.elsa), conversationId: String(conversation?.conversation_id ?? 1), date: '2026-12-09', week: '2026-W50',
    token: randomBytes(32).toString('base64url'), file: `${world.elsa}.ics`,
  } as Record<string, string>)[name] ?? '1')
}

const STATIC_FIELDS = ['title', 'body', 'text', 'to', 'key', 'comment', 'staffComment', 'start', 'end', 'date', 'from', 'until', 'weeks', 'every',
  'repeat', 'reason', 'lessons', 'scope', 'username', 'password', 'passwordConfirm', 'currentPassword', 'newPassword', 'newPasswordConfirm',
  'email', 'mobile', 'street', 'postalCode', 'city', 'locale', 'theme', 'area', 'endpoint', 'p256dh', 'auth', 'group', 'child', 'next', 'action',
  'show', 'sameAsMonday', 'week', 'lang', 'page', 'status']
const QUERY_NAMES = ['week', 'date', 'from', 'to', 'page', 'group', 'child', 'next', 'lang', 'out', 'reset', 'show', 'before', 'after', 'token']

const HOSTILE: Record<string, unknown> = {
  nul: 'a\u0000b',
  control: 'a\u0007\u001bb',
  loneSurrogate: 'a\ud800b',
  huge: 'x'.repeat(100_000),
  array: ['2026-12-09', 'a'],
  object: { x: '1' },
  zeroDate: '0000-01-01',
  impossibleDate: '2026-02-30',
  impossibleWeek: '2026-W54',
  number: 1e308,
}

async function fingerprint(): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
    and table_name not in ('sessions', 'login_failures', 'rate_limits', 'kysely_migration', 'kysely_migration_lock')`.execute(db)
  const out: Record<string, string> = {}
  for (const { name } of tables.rows) {
    const r = await sql<{ h: string | null }>`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${sql.table(name)} t`.execute(db)
    out[name] = r.rows[0]!.h ?? ''
  }
  return out
}

const fieldNames = new Set(STATIC_FIELDS)
const failures: string[] = []

t.test('every GET route with hostile query values and path parameters: no 5xx', async (t) => {
  const gets = routes.filter((r) => r.method === 'GET' && !r.url.startsWith('/static') && r.url !== '/logout')
  for (const r of gets) {
    const c = clientFor(r.url)
    const page = await c.get(fill(r.url))
    for (const m of page.body.matchAll(/name="([A-Za-z_][\w-]*)"/g)) if (m[1] !== '_csrf') fieldNames.add(m[1]!)
    for (const [kind, value] of Object.entries(HOSTILE)) {
      if (typeof value !== 'string') continue
      const q = new URLSearchParams()
      for (const n of QUERY_NAMES) q.append(n, value.slice(0, 3000))
      const res = await c.get(`${fill(r.url)}?${q}`)
      if (res.statusCode >= 500) failures.push(`GET ${r.url}?…=${kind}: ${res.statusCode}`)
      const hostileParams = fill(r.url, { childId: value.slice(0, 100), conversationId: value.slice(0, 100), date: value.slice(0, 100), week: value.slice(0, 100), id: value.slice(0, 100) })
      const res2 = await c.get(hostileParams)
      if (res2.statusCode >= 500) failures.push(`GET ${r.url} (params ${kind}): ${res2.statusCode}`)
    }
  }
  t.same(failures.filter((f) => f.startsWith('GET')), [], 'no GET answered 5xx')
  t.ok(gets.length > 20, `${gets.length} GET routes probed`)
})

/** Values refused whatever the field; the others (dates, weeks, arrays) depend on the field: a message may say "2026-02-30". */
const NEVER_STORED = ['nul', 'control', 'loneSurrogate', 'huge', 'object', 'number']

for (const pass of ['refused everywhere', 'depending on the field'] as const) t.test(`every POST route with values ${pass} in every field: no 5xx${pass === 'refused everywhere' ? ', nothing stored' : ''}`, async (t) => {
  const before = await fingerprint()
  const posts = routes.filter((r) => r.method === 'POST' && r.url !== '/logout')
  const statuses = new Map<number, number>()
  const accepted: string[] = []
  for (const r of posts) {
    const c = clientFor(r.url)
    for (const [kind, value] of Object.entries(HOSTILE)) {
      if (NEVER_STORED.includes(kind) !== (pass === 'refused everywhere')) continue
      // A urlencoded body cannot carry a lone surrogate (it becomes U+FFFD): JSON only.
      const formToo = kind !== 'loneSurrogate'
      await c.get(r.url.startsWith('/staff') ? '/staff' : '/profile') // a fresh CSRF token
      // 100 KB in every field would pass the body limit (413): the text fields get it.
      const names = kind === 'huge' ? ['title', 'body', 'comment', 'staffComment', 'reason', 'username', 'email', 'street'] : [...fieldNames]
      const json: Record<string, unknown> = { _csrf: c.csrf }
      for (const n of names) json[n] = value
      for (const url of [fill(r.url), fill(r.url, { date: String(value).slice(0, 50), week: String(value).slice(0, 50) })]) {
        // As a form when the value fits one, and as JSON (which can carry lone surrogates, arrays and objects).
        if (formToo && (typeof value === 'string' || Array.isArray(value))) {
          const fields: Record<string, string | string[]> = {}
          for (const n of names) fields[n] = value as string | string[]
          const res = await c.post(url, fields)
          if (res.statusCode < 400) accepted.push(`${r.url} form ${kind} ${res.statusCode}`)
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
          if (res.statusCode >= 500) failures.push(`POST ${r.url} form ${kind}: ${res.statusCode}`)
        }
        const res = await app.inject({ method: 'POST', url, payload: JSON.stringify(json), headers: { 'content-type': 'application/json', cookie: c.cookie } })
        if (res.statusCode < 400) accepted.push(`${r.url} json ${kind} ${res.statusCode}`)
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        if (res.statusCode >= 500) failures.push(`POST ${r.url} json ${kind}: ${res.statusCode}`)
      }
    }
  }
  t.comment(`${posts.length} POST routes × ${Object.keys(HOSTILE).length} values, ${fieldNames.size} fields; statuses ${JSON.stringify(Object.fromEntries(statuses))}`)
  t.same(failures.filter((f) => f.startsWith('POST')), [], 'no POST answered 5xx')
  const after = await fingerprint()
  const changed = Object.keys(after).filter((k) => after[k] !== before[k])
  if (pass === 'refused everywhere') {
    t.same(accepted, [], 'every request refused')
    t.same(changed, [], 'nothing stored')
  } else {
    t.same(accepted.filter((a) => / array /.test(a)), [], 'a field sent twice is refused unless it is a checkbox group')
    t.notOk(accepted.some((a) => / (array|object) /.test(a) && !/notifications\/read|push|privacy|calendar-feed/.test(a)), 'arrays where strings are expected are refused')
  }
})

t.test('impossible dates and weeks in dated forms answer 422 or 404, and store nothing', async (t) => {
  const before = await fingerprint()
  for (const date of ['0000-01-01', '2026-02-30', '2026-13-01']) {
    await guardian.get(`/children/${world.elsa}/absences/new`)
    const res = await guardian.post(`/children/${world.elsa}/absences`, { date, scope: 'day', reason: 'sick' })
    t.equal(res.statusCode, 422, `absence on ${date}`)
    const day = await guardian.post(`/children/${world.elsa}/care-schedule/days/${date}`, { start: '08:00', end: '15:00' })
    t.ok(day.statusCode === 404 || day.statusCode === 400, `care day ${date}: ${day.statusCode}`)
  }
  const week = await guardian.get(`/children/${world.elsa}/care-schedule/weeks/2026-W54`)
  t.ok(week.statusCode === 404 || week.statusCode === 400, `week 2026-W54: ${week.statusCode}`)
  t.same(await fingerprint(), before)
})

t.test('a NUL in a reply answers 422 with the message at the field and the text kept', async (t) => {
  await guardian.get(`/children/${world.elsa}/messages/${conversation!.conversation_id}`)
  const res = await guardian.post(`/children/${world.elsa}/messages/${conversation!.conversation_id}/replies`, { body: 'Hej\u0000där' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /tecken som inte kan sparas/)
})
