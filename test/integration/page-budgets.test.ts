import t from 'tap'
import { gzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { buildTestApp, loginAs, type Client } from '../helpers/app.js'

/**
 * Page budgets, checked by counting (not by timing), one entry per page:
 * - the SQL statements of a page (x-hubben-queries) are the same with 10 and with 1,000
 *   rows of the page's data, and stay under a small constant;
 * - the page's HTML is under 10 KB gzipped; the CSS is under 10 KB gzipped;
 * - no JavaScript but htmx is loaded (the settings page adds its small push script, the
 *   print page its print button);
 * - pages are compressed and not cached by shared caches; static files are cached for a
 *   year under fingerprinted URLs.
 * A box that lands adds its pages to PAGES and its data to GROWERS.
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

interface PageBudget {
  name: string
  user: 'anna.lind' | 'elsa.lind' | 'karin.berg' | 'lena.ek'
  /** The request; `c` is the logged-in client (for a CSRF token). */
  url(): string
  method?: 'POST'
  form?(c: Client): Record<string, string | string[]>
  status?: number
  /** The page shows a bounded amount of its data (a page of a list, one week), so its size stays in budget with 1,000 rows too. */
  bounded: boolean
  /** Scripts the page may load besides htmx. */
  scripts?: string[]
  /** Statements at most (default MAX_QUERIES). */
  maxQueries?: number
}

const demoConversation = async () =>
  (await db.selectFrom('conversations').select('id').where('child_id', '=', world.elsa).orderBy('id').executeTakeFirstOrThrow()).id
let conversationId = 0
const demoReport = async () =>
  (await db.selectFrom('absence_reports').select('id').where('child_id', '=', world.elsa).orderBy('id').executeTakeFirstOrThrow()).id
let reportId = 0
/** A lesson of class 4B on Tuesday 1 December (the staff's attendance register). */
let tuesdayLesson = 0

const PAGES: PageBudget[] = [
  { name: 'start page', user: 'anna.lind', url: () => `/children/${world.elsa}`, bounded: true, maxQueries: 3 },
  { name: 'start page (preschool child)', user: 'anna.lind', url: () => `/children/${world.olle}`, bounded: true, maxQueries: 3 },
  { name: 'start page (pupil)', user: 'elsa.lind', url: () => `/children/${world.elsa}`, bounded: true, maxQueries: 3 },
  { name: 'messages inbox', user: 'anna.lind', url: () => `/children/${world.elsa}/messages`, bounded: true, maxQueries: 3 },
  { name: 'conversation', user: 'anna.lind', url: () => `/children/${world.elsa}/messages/${conversationId}`, bounded: true, maxQueries: 3 },
  { name: 'new message', user: 'anna.lind', url: () => `/children/${world.elsa}/messages/new`, bounded: true },
  { name: 'notifications', user: 'anna.lind', url: () => '/notifications', bounded: true },
  { name: 'timetable week', user: 'anna.lind', url: () => `/children/${world.elsa}/timetable?week=2026-W49`, bounded: false, maxQueries: 3 },
  { name: 'timetable print', user: 'anna.lind', url: () => `/children/${world.elsa}/timetable/print?week=2026-W49`, bounded: false, scripts: ['/static/js/print.js'] },
  { name: 'absence history', user: 'anna.lind', url: () => `/children/${world.elsa}/absences`, bounded: true, maxQueries: 3 },
  { name: 'absence report form', user: 'anna.lind', url: () => `/children/${world.elsa}/absences/new`, bounded: true },
  { name: 'absence report', user: 'anna.lind', url: () => `/children/${world.elsa}/absences/${reportId}`, bounded: true },
  {
    name: 'absence report (POST)', user: 'anna.lind', url: () => `/children/${world.elsa}/absences`, method: 'POST', status: 303, bounded: true, maxQueries: 6,
    form: () => ({ date: '2026-12-02', scope: 'day', reason: 'illness' }),
  },
  { name: 'care schedule week', user: 'anna.lind', url: () => `/children/${world.elsa}/care-schedule?week=2026-W50`, bounded: true, maxQueries: 3 },
  { name: 'care schedule day', user: 'anna.lind', url: () => `/children/${world.elsa}/care-schedule/days/2026-12-09`, bounded: true },
  { name: 'care schedule week form', user: 'anna.lind', url: () => `/children/${world.elsa}/care-schedule/weeks/2026-W50`, bounded: true },
  { name: 'settings', user: 'anna.lind', url: () => '/settings', bounded: true, scripts: ['/static/js/push.js'] },
  { name: 'profile', user: 'anna.lind', url: () => '/profile', bounded: true },
  // Staff, the same data seen from the school: Karin is 4B's mentor and takes part in
  // every conversation about Elsa; Lena works in fritids.
  { name: 'staff start', user: 'karin.berg', url: () => '/staff', bounded: true },
  { name: 'staff absences (class, today)', user: 'karin.berg', url: () => `/staff/absences?group=${world.class4B}&date=2026-12-01`, bounded: true, maxQueries: 3 },
  { name: 'staff attendance register', user: 'karin.berg', url: () => `/staff/absences/groups/${world.class4B}/lessons/${tuesdayLesson}?date=2026-12-01`, bounded: true },
  { name: 'staff messages inbox', user: 'karin.berg', url: () => '/staff/messages', bounded: true },
  { name: 'staff conversation', user: 'karin.berg', url: () => `/staff/messages/${conversationId}`, bounded: true },
  { name: 'staff new message', user: 'karin.berg', url: () => '/staff/messages/new', bounded: true },
  { name: 'staff care schedule', user: 'lena.ek', url: () => '/staff/care-schedule', bounded: true },
  { name: 'staff care group day', user: 'lena.ek', url: () => `/staff/care-schedule/groups/${world.fritids}?date=2026-12-09`, bounded: true },
  { name: 'staff care group week', user: 'lena.ek', url: () => `/staff/care-schedule/groups/${world.fritids}/week?week=2026-W50`, bounded: true },
  { name: 'staff care child day', user: 'lena.ek', url: () => `/staff/care-schedule/children/${world.elsa}/days/2026-12-09?group=${world.fritids}`, bounded: true },
]

/**
 * Brings each box's data about Elsa (and Anna's bell) to `n` rows, in bulk SQL. Idempotent
 * for a given n: rows are numbered, so growing from 10 to 1,000 adds 990.
 */
const GROWERS: { box: string; grow(n: number): Promise<void> }[] = [
  {
    box: 'messages: conversations about Elsa, and messages in the demo conversation',
    async grow(n) {
      const now = clock.now()
      const have = Number((await db.selectFrom('conversations').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', world.elsa).executeTakeFirstOrThrow()).n)
      await sql`
        with c as (
          insert into conversations (child_id, title, created_by, created_at, last_message_at)
          select ${world.elsa}::int, 'Samtal ' || g, ${world.anna}::int, ${now}::timestamptz - (g || ' hours')::interval, ${now}::timestamptz - (g || ' hours')::interval
          from generate_series(${have + 1}::int, ${n}::int) g
          returning id
        ), p as (
          insert into conversation_participants (conversation_id, person_id, side, unread_count)
          select id, ${world.anna}::int, 'family', 0 from c union all select id, ${world.karin}::int, 'staff', 0 from c
        )
        insert into messages (conversation_id, author_id, body, created_at)
        select id, ${world.anna}::int, 'Fråga', ${now}::timestamptz - interval '1 day' from c`.execute(db)
      const inConversation = Number((await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()).n)
      await sql`
        insert into messages (conversation_id, author_id, body, created_at)
        select ${conversationId}::int, case when g % 2 = 0 then ${world.anna}::int else ${world.karin}::int end, 'Meddelande ' || g,
          ${now}::timestamptz - interval '30 days' + (g || ' seconds')::interval
        from generate_series(${inConversation + 1}::int, ${n}::int) g`.execute(db)
    },
  },
  {
    box: 'notifications: Anna\'s bell',
    async grow(n) {
      const have = Number((await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('recipient_id', '=', world.anna).executeTakeFirstOrThrow()).n)
      await sql`
        insert into notifications (recipient_id, child_id, area, kind, params, link, created_at, read_at)
        select ${world.anna}::int, ${world.elsa}::int, 'messages', 'messageReceived', '{"from":"Karin Berg"}'::jsonb,
          '/children/' || ${world.elsa}::int || '/messages', ${clock.now()}::timestamptz - (g || ' hours')::interval,
          case when g % 3 = 0 then null else ${clock.now()}::timestamptz end
        from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
    },
  },
  {
    box: 'timetable: lessons of a second group of Elsa\'s',
    async grow(n) {
      let group = await db.selectFrom('groups').select('id').where('name', '=', 'Budget-språkval').executeTakeFirst()
      if (!group) {
        group = await db.insertInto('groups').values({ unit_id: world.school, name: 'Budget-språkval', kind: 'teaching', external_id: null }).returning('id').executeTakeFirstOrThrow()
        await db.insertInto('group_memberships').values({ group_id: group.id, child_id: world.elsa }).execute()
      }
      const have = Number((await db.selectFrom('timetable_lessons').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', group.id).executeTakeFirstOrThrow()).n)
      await sql`
        insert into timetable_lessons (group_id, weekday, starts_at, ends_at, subject, teacher_id, room, valid_from)
        select ${group.id}::int, 1 + g % 5, time '15:00', time '15:40', 'Tyska ' || g, ${world.per}::int, 'Sal 3', date '2026-08-17'
        from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
    },
  },
  {
    box: 'absence: Elsa\'s reports and registrations over the years',
    async grow(n) {
      const have = Number((await db.selectFrom('absence_reports').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', world.elsa).executeTakeFirstOrThrow()).n)
      await sql`
        insert into absence_reports (child_id, date, whole_day, reason, comment, reported_by, created_at)
        select ${world.elsa}::int, date '2026-11-01' - g * 3, true, 'illness', '', ${world.anna}::int, ${clock.now()}::timestamptz - (g * 3 || ' days')::interval
        from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
      const lesson = await db.selectFrom('timetable_lessons').select('id').where('group_id', '=', world.class4B).orderBy('id').executeTakeFirstOrThrow()
      await sql`
        insert into lesson_attendance (child_id, lesson_id, date, status, registered_by, registered_at)
        select ${world.elsa}::int, ${lesson.id}::int, date '2026-11-02' - g * 3, 'absent_invalid', ${world.per}::int, ${clock.now()}::timestamptz
        from generate_series(1, ${n}::int) g
        on conflict do nothing`.execute(db)
    },
  },
  {
    box: 'care schedule: Elsa\'s days going back four years',
    async grow(n) {
      const have = Number((await db.selectFrom('care_days').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', world.elsa).where('day', '<', '2026-11-30').executeTakeFirstOrThrow()).n)
      await sql`
        insert into care_days (child_id, day, starts_at, ends_at, comment, updated_by, updated_at)
        select ${world.elsa}::int, d, time '07:00', time '16:00', case when g % 7 = 0 then 'Hämtas tidigt' end, ${world.anna}::int, ${clock.now()}::timestamptz
        from (select g, (date '2026-11-27' - g)::date as d from generate_series(0, 3000) g) x
        where extract(isodow from d) < 6
        order by d desc
        limit greatest(0, ${n - have}::int)
        on conflict do nothing`.execute(db)
      await sql`
        insert into care_day_log (child_id, day, action, starts_at, ends_at, comment, changed_by, changed_at)
        select ${world.elsa}::int, date '2026-12-09', 'set', time '07:00', time '16:00', null, ${world.anna}::int, ${clock.now()}::timestamptz
        from generate_series(1, 5)`.execute(db)
    },
  },
]

interface Measured { status: number; queries: number; gzip: number; scripts: string[] }

async function measure(page: PageBudget, client: Client): Promise<Measured> {
  const res = page.method === 'POST' ? await client.post(page.url(), page.form!(client)) : await client.get(page.url())
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
    // A first visit may do one-off work (a remembered child, a seen comment): count the second.
    await measure(page, client)
    out.set(page.name, await measure(page, client))
  }
  return out
}

conversationId = await demoConversation()
reportId = await demoReport()
tuesdayLesson = (await db.selectFrom('timetable_lessons').select('id').where('group_id', '=', world.class4B).where('weekday', '=', 2)
  .orderBy('starts_at').executeTakeFirstOrThrow()).id

t.test('every page: the same number of SQL statements with 10 and with 1,000 rows, small HTML, no JavaScript but htmx', async (t) => {
  for (const g of GROWERS) await g.grow(10)
  const small = await measureAll()
  for (const g of GROWERS) await g.grow(1000)
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
