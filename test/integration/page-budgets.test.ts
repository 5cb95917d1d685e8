import t from 'tap'
import { gzipSync } from 'node:zlib'
import { buildTestApp, loginAs, stepUp, type Client } from '../helpers/app.js'
import { FEATURES } from '../../src/boxes/index.js'
import type { BudgetContext, PageBudget } from '../../src/web/measure.js'

/**
 * Page budgets, checked by counting (not by timing), one entry per page:
 * - the SQL statements of a page (x-hubben-queries) are the same with 10 and with 1,000
 *   rows of the page's data, and stay under a small constant;
 * - the page's HTML is under 10 KB gzipped; the CSS is under 10 KB gzipped;
 * - no JavaScript but htmx is loaded (the settings page adds its small push script, the
 *   print page its print button);
 * - pages are compressed and not cached by shared caches; static files are cached for a
 *   year under fingerprinted URLs.
 * A box lists its pages and its grower in its manifest (`budgets`).
 */
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world, clock } = ctx
const engine = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'
const queries = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-hubben-queries'])

const KB10 = 10 * 1024
/**
 * Statements a page may make when it names no limit of its own. The pages of the morning
 * (the benchmark's) name theirs: the session (with the person and the bar's counts), the
 * child, the page's data; round trips are their largest cost (README, Performance).
 */
const MAX_QUERIES = 10

/** The pages that are no box's; each box lists its own in its manifest (`budgets`). */
const CORE_PAGES: PageBudget[] = [
  { name: 'start page', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}`, bounded: true, maxQueries: 3 },
  { name: 'start page (preschool child)', user: 'anna.lind', url: ({ world }) => `/children/${world.olle}`, bounded: true, maxQueries: 3 },
  { name: 'start page (pupil)', user: 'elsa.lind', url: ({ world }) => `/children/${world.elsa}`, bounded: true, maxQueries: 3 },
  { name: 'family page', user: 'anna.lind', url: () => '/family', bounded: true, maxQueries: 3 },
  { name: 'settings', user: 'anna.lind', url: () => '/settings', bounded: true, scripts: ['/static/js/push.js'] },
  { name: 'profile', user: 'anna.lind', url: () => '/profile', bounded: true },
  { name: 'staff start', user: 'karin.berg', url: () => '/staff', bounded: true },
]
const PAGES: PageBudget[] = [...CORE_PAGES, ...FEATURES.flatMap((f) => f.budgets?.pages ?? [])]
/** Each box brings its data about Elsa (and Anna's bell) to `n` rows, in bulk SQL; idempotent for a given n. */
const GROWERS = FEATURES.flatMap((f) => (f.budgets?.grow ? [f.budgets.grow] : []))
const budgetCtx: BudgetContext = { db, world, clock }

interface Measured { status: number; queries: number; gzip: number; scripts: string[] }

async function measure(page: PageBudget, client: Client): Promise<Measured> {
  const url = await page.url(budgetCtx)
  const res = page.method === 'POST' ? await client.post(url, page.form!()) : await client.get(url)
  return {
    status: res.statusCode,
    queries: queries(res),
    gzip: gzipSync(res.body).length,
    scripts: [...res.body.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]!.split('?')[0]!),
  }
}

async function measureAll(): Promise<Map<string, Measured>> {
  const clients = {
    'anna.lind': await loginAs(app, 'anna.lind'),
    'elsa.lind': await loginAs(app, 'elsa.lind'),
    'karin.berg': await loginAs(app, 'karin.berg'),
    'lena.ek': await loginAs(app, 'lena.ek'),
  }
  const out = new Map<string, Measured>()
  for (const page of PAGES) {
    const client = clients[page.user]
    if (page.stepUp) await stepUp(ctx, client)
    // A first visit may do one-off work (a remembered child, a seen comment): count the second.
    await measure(page, client)
    out.set(page.name, await measure(page, client))
  }
  return out
}

t.test('every page: the same number of SQL statements with 10 and with 1,000 rows, small HTML, no JavaScript but htmx', async (t) => {
  for (const g of GROWERS) await g.run(budgetCtx, 10)
  const small = await measureAll()
  for (const g of GROWERS) await g.run(budgetCtx, 1000)
  const large = await measureAll()
  const lines: string[] = []
  for (const page of PAGES) {
    const s = small.get(page.name)!
    const l = large.get(page.name)!
    const status = page.status ?? 200
    t.equal(s.status, status, `${page.name}: ${status} with 10 rows`)
    t.equal(l.status, status, `${page.name}: ${status} with 1,000 rows`)
    t.equal(l.queries, s.queries, `${page.name}: ${s.queries} statements with 10 rows and with 1,000`)
    const max = page.maxQueries ?? MAX_QUERIES
    t.ok(s.queries > 0 && s.queries <= max, `${page.name}: ${s.queries} statements, at most ${max}`)
    t.ok(s.gzip < KB10, `${page.name}: ${s.gzip} B of gzipped HTML with 10 rows, under 10 KB`)
    if (page.bounded) t.ok(l.gzip < KB10, `${page.name}: ${l.gzip} B of gzipped HTML with 1,000 rows, under 10 KB`)
    if (status === 200) t.ok(s.scripts.includes('/static/js/htmx.min.js') || page.name === 'timetable print', `${page.name}: htmx is there`)
    for (const src of s.scripts) t.ok(src === '/static/js/htmx.min.js' || (page.scripts ?? []).includes(src), `${page.name}: ${src} is allowed`)
    lines.push(`${page.name}: ${s.queries} -> ${l.queries} statements, ${s.gzip} B -> ${l.gzip} B gzipped`)
  }
  t.comment(`Budgets (${engine}), 10 rows -> 1,000 rows:\n${lines.join('\n')}`)
})

t.test('the CSS is under 10 KB gzipped, and static files are compressed and cached for a year under fingerprinted URLs', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const page = await anna.get(`/children/${world.elsa}`)
  const links = [...page.body.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!)
  t.ok(links.length >= 1, 'the page has its stylesheets')
  for (const href of links) {
    t.match(href, /\?v=[0-9a-f]{10}$/, `${href} is fingerprinted`)
    const css = await app.inject({ url: href, headers: { 'accept-encoding': 'br, gzip' } })
    t.equal(css.statusCode, 200)
    t.match(String(css.headers['cache-control']), /max-age=31536000, immutable/, `${href}: cached for a year`)
    const raw = await app.inject({ url: href })
    const gz = gzipSync(raw.rawPayload).length
    t.ok(gz < KB10, `${href}: ${gz} B gzipped, under 10 KB`)
    if (raw.rawPayload.length >= 1024) t.match(String(css.headers['content-encoding']), /^(br|gzip)$/, `${href}: sent compressed`)
  }
  const htmx = /src="(\/static\/js\/htmx\.min\.js\?v=[0-9a-f]{10})"/.exec(page.body)![1]!
  const js = await app.inject({ url: htmx, headers: { 'accept-encoding': 'gzip' } })
  t.equal(js.headers['content-encoding'], 'gzip', 'htmx is sent gzipped')
  t.match(String(js.headers['cache-control']), /immutable/)
  const icon = await app.inject({ url: '/static/icons/icon-192.png' })
  t.equal(icon.headers['cache-control'], 'public, max-age=86400', 'an unfingerprinted URL (the manifest\'s icons) is not immutable')
})

t.test('pages are compressed, personal and never kept by shared caches', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  for (const encoding of ['br', 'gzip']) {
    const res = await anna.get(`/children/${world.elsa}/messages`, { 'accept-encoding': encoding })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-encoding'], encoding, `sent with ${encoding}`)
    t.match(String(res.headers.vary), /accept-encoding/i)
  }
  const plain = await anna.get(`/children/${world.elsa}`)
  t.equal(plain.headers['content-encoding'], undefined, 'not compressed for a client that does not ask')
  t.equal(plain.headers['cache-control'], 'private, no-cache', 'a page: private, revalidated every time')
  const login = await app.inject({ url: '/login' })
  t.equal(login.headers['cache-control'], 'private, no-cache')
  const small = await app.inject({ url: '/healthz', headers: { 'accept-encoding': 'gzip' } })
  t.equal(small.headers['content-encoding'], undefined, 'answers under 1 KB go uncompressed')
})

t.test('statements stay correct when PostgreSQL switches a prepared statement to its generic plan', async (t) => {
  // PostgreSQL plans a prepared statement for its values five times, then may keep one
  // generic plan: a value that decided something at planning time (an ON CONFLICT on a
  // partial index) must not be a parameter. Sequential calls reuse one pooled connection.
  const { absenceQueries } = await import('../../src/boxes/absence/queries.js')
  for (let i = 0; i < 12; i++) {
    const date = `2025-0${1 + (i % 9)}-${String(10 + i).padStart(2, '0')}`
    const first = await absenceQueries(db).insertReport({ childId: world.sam, date, wholeDay: true, reason: 'illness', comment: '', reportedBy: world.maria, now: clock.now() })
    const again = await absenceQueries(db).insertReport({ childId: world.sam, date, wholeDay: true, reason: 'illness', comment: '', reportedBy: world.maria, now: clock.now() })
    t.ok(first, `report ${i + 1} stored`)
    t.equal(again, null, `report ${i + 1} stored once`)
  }
})
