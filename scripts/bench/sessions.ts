// Logged-in guardians and mentors, through a small browser (cookie and CSRF token), and
// the requests each page makes for them.
import { withDatabase, type Query } from './server.js'
import type { BenchPage, BenchRequest, BenchSession, StaffBenchSession } from './pages.js'
import { DISTRICT_PASSWORD } from '../../src/demo/district.js'
import { BASE, NOW, TODAY, log, opt } from './options.js'

// ---- a small browser ----------------------------------------------------------------

const cookieOf = (res: Response, fallback: string) => {
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0]!
    if (pair.startsWith('hubben=')) return pair
  }
  return fallback
}
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

let browsers = 0

/**
 * One person's browser: their cookie, the last CSRF token, and an address of their own (the
 * bench server trusts one proxy, TRUST_PROXY=1), as a morning's guardians come from thousands
 * of homes and the login's limit per address must not count them as one.
 */
export class Browser {
  cookie = ''
  csrf = ''
  readonly address = (() => { const n = ++browsers; return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` })()
  async get(p: string, expect = 200): Promise<{ status: number; html: string; location: string | null; ms: number }> {
    const t0 = performance.now()
    const res = await fetch(BASE + p, { redirect: 'manual', headers: { 'x-forwarded-for': this.address, ...(this.cookie ? { cookie: this.cookie } : {}) } })
    const html = await res.text()
    this.cookie = cookieOf(res, this.cookie)
    const token = csrfOf(html)
    if (token) this.csrf = token
    if (res.status !== expect) throw new Error(`GET ${p}: ${res.status}, expected ${expect}`)
    return { status: res.status, html, location: res.headers.get('location'), ms: performance.now() - t0 }
  }

  async post(p: string, fields: [string, string][], expect = 303): Promise<{ status: number; location: string | null; ms: number }> {
    const t0 = performance.now()
    const body = new URLSearchParams([['_csrf', this.csrf], ...fields]).toString()
    const res = await fetch(BASE + p, {
      method: 'POST', redirect: 'manual', body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': this.address, ...(this.cookie ? { cookie: this.cookie } : {}) },
    })
    await res.text()
    this.cookie = cookieOf(res, this.cookie)
    if (res.status !== expect) throw new Error(`POST ${p}: ${res.status}, expected ${expect}`)
    return { status: res.status, location: res.headers.get('location'), ms: performance.now() - t0 }
  }

  async login(username: string): Promise<number> {
    await this.get('/login')
    return (await this.post('/login', [['username', username], ['password', DISTRICT_PASSWORD]])).ms
  }
}

async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }))
  return out
}

/** Guardians of `n` families spread over the district, each with the child whose pages they load. */
export async function benchSessions(n: number): Promise<BenchSession[]> {
  return loginFamilies(await withDatabase({ db: opt.db }, (q) => familyRows(n, q)))
}

export type FamilyRow = Record<string, any>

/** Guardians of `n` families spread over the district (read before any server has the database, for PGlite). */
export async function familyRows(n: number, q: Query): Promise<FamilyRow[]> {
  const families = Number((await q(`select count(*) as count from persons where role = 'guardian' and username ~ '^g[0-9]{5}a$'`))[0]!.count)
  const usernames = Array.from({ length: Math.min(n, families * 2) }, (_, k) => {
    const f = 1 + Math.floor((k * families) / Math.min(n, families * 2))
    return `g${String(f).padStart(5, '0')}${k % 2 ? 'b' : 'a'}`
  })
  return q(`
    select p.username, c.id as child_id, u.kind, (u.kind = 'preschool' or (u.has_fritids and c.in_fritids)) as in_care,
      (select cp.conversation_id from conversation_participants cp join conversations cv on cv.id = cp.conversation_id
        where cp.person_id = p.id and cv.child_id = c.id order by cv.last_message_at desc limit 1) as conversation_id,
      (select count(*) from guardianships where guardian_id = p.id) > 1 as siblings,
      (exists (select 1 from talk_slots s join talk_rounds r on r.id = s.round_id join group_memberships gm on gm.group_id = r.group_id
          where gm.child_id = c.id and s.starts_at > $2 and r.last_booking_day >= $3::date
            and not exists (select 1 from talk_bookings b where b.slot_id = s.id)
            and not exists (select 1 from talk_bookings o where o.round_id = r.id and o.child_id = c.id))
        or exists (select 1 from talk_bookings b join talk_slots s on s.id = b.slot_id where b.child_id = c.id and s.starts_at > $2)) as has_talks
    from persons p
    join lateral (select min(child_id) as child_id from guardianships where guardian_id = p.id) g on true
    join persons c on c.id = g.child_id join units u on u.id = c.unit_id
    where p.username = any($1) order by p.username`, [usernames, NOW, TODAY])
}

/** The guardians logged in (at the current server), each having opened their child's start page. */
export async function loginFamilies(rows: FamilyRow[]): Promise<BenchSession[]> {
  const started = performance.now()
  const sessions = await pool(rows, 4, async (r) => {
    const b = new Browser()
    await b.login(r.username)
    await b.get(`/children/${r.child_id}`)
    return {
      username: r.username, cookie: b.cookie, csrf: b.csrf, childId: r.child_id, unitKind: r.kind, inCare: r.in_care, hasTalks: r.has_talks,
      conversationId: r.conversation_id, today: TODAY, siblings: r.siblings,
    } satisfies BenchSession
  })
  log(`Logged in ${sessions.length} guardians of ${new Set(sessions.map((s) => s.username.slice(0, 6))).size} families in ${((performance.now() - started) / 1000).toFixed(1)} s.`)
  return sessions
}

/** Mentors of different classes, logged in (for the staff's pages). */
export async function staffSessions(n: number): Promise<StaffBenchSession[]> {
  return loginMentors(await withDatabase({ db: opt.db }, (q) => mentorRows(n, q)))
}

export function mentorRows(n: number, q: Query): Promise<FamilyRow[]> {
  return q(`
    select p.username, min(sg.group_id) as group_id from persons p join staff_groups sg on sg.staff_id = p.id
    where p.role = 'staff' and p.username is not null and sg.duty = 'mentor'
    group by p.username order by p.username limit $1`, [n])
}

export async function loginMentors(rows: FamilyRow[]): Promise<StaffBenchSession[]> {
  const sessions = await pool(rows, 4, async (r) => {
    const b = new Browser()
    await b.login(r.username)
    return { username: r.username, cookie: b.cookie, csrf: b.csrf, groupId: r.group_id, today: TODAY } satisfies StaffBenchSession
  })
  log(`Logged in ${sessions.length} mentors of different classes.`)
  return sessions
}

/** A page's requests: one per guardian (or mentor) that has the page. */
export function requestsOf(page: BenchPage, guardians: BenchSession[], mentors: StaffBenchSession[]): { req: BenchRequest; cookie: string }[] {
  const all = page.staff
    ? mentors.map((s) => ({ req: page.request(s), cookie: s.cookie }))
    : guardians.map((s) => ({ req: page.request(s), cookie: s.cookie }))
  return all.filter((x): x is { req: BenchRequest; cookie: string } => x.req !== null)
}
