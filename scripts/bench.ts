/**
 * npm run bench [-- options]       the page benchmark (see README, Performance)
 * npm run bench:rush [-- options]  the morning rush
 *
 * Against real PostgreSQL (a throwaway database, `hubben_bench` by default, seeded with
 * the district when empty), starts Hubben as a second process on loopback
 * (NODE_ENV=test: templates cached, x-hubben-queries present; the clock frozen at a
 * school morning), logs in as guardians of many families and loads each page of
 * scripts/bench/pages.ts with autocannon. The same run measures a baseline (a bare
 * route: one trivial SQL statement and a tiny template, HUBBEN_BENCH=1) before and
 * after the pages; each page's throughput is given as a ratio to it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import pg from 'pg'
import autocannon, { type Result } from 'autocannon'
import { PAGES, type BenchPage, type BenchRequest, type BenchSession, type StaffBenchSession } from './bench/pages.js'
import { DISTRICT_NOW, DISTRICT_PASSWORD } from '../src/demo/district.js'
import { toIsoDate } from '../src/clock.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const { values: opt } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/hubben_bench' },
    pupils: { type: 'string', default: '20000' },
    reseed: { type: 'boolean', default: false },
    sessions: { type: 'string', default: '200' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    port: { type: 'string', default: '3104' },
    now: { type: 'string', default: DISTRICT_NOW },
    pages: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'skip-baseline': { type: 'boolean', default: false },
    out: { type: 'string' },
    label: { type: 'string', default: '' },
    /** Run the server from another checkout (e.g. a worktree of an older commit, for a before/after table). */
    'app-dir': { type: 'string' },
    rush: { type: 'boolean', default: false },
    'rush-seconds': { type: 'string', default: '120' },
    'rush-share': { type: 'string', default: '0.05' },
    'rush-readers': { type: 'string', default: '40' },
  },
})

const num = (name: keyof typeof opt) => {
  const n = Number(opt[name])
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`)
  return n
}
const PORT = num('port')
const BASE = `http://127.0.0.1:${PORT}`
const NOW = new Date(opt.now!)
const TODAY = toIsoDate(NOW)
const log = (line: string) => console.log(line)

// ---- database --------------------------------------------------------------------

async function ensureDatabase(): Promise<{ pupils: number }> {
  const url = new URL(opt.db!)
  const name = url.pathname.slice(1)
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`odd database name ${name}`)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const c = new pg.Client({ connectionString: admin.toString() })
  await c.connect()
  if (opt.reseed) await c.query(`drop database if exists ${name} with (force)`)
  const exists = (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount
  if (!exists) await c.query(`create database ${name}`)
  await c.end()
  const db = new pg.Client({ connectionString: opt.db })
  await db.connect()
  const hasTables = (await db.query(`select to_regclass('public.persons') as t`)).rows[0].t
  let pupils = hasTables ? Number((await db.query(`select count(*) from persons where role = 'child'`)).rows[0].count) : 0
  await db.end()
  if (pupils === 0) {
    log(`Seeding ${name} with a district of ${opt.pupils} pupils (npm run seed:district)...`)
    await runToEnd(process.execPath, ['--import', 'tsx', 'src/cli/seed-district.ts', '--pupils', opt.pupils!, '--now', opt.now!], { DATABASE_URL: opt.db })
    pupils = Number(opt.pupils)
  }
  return { pupils }
}

function runToEnd(cmd: string, args: string[], env: Record<string, string | undefined>): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'inherit' })
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))))
  })
}

// ---- the server --------------------------------------------------------------------

async function startServer(): Promise<ChildProcess> {
  const profDir = '/tmp/hubben-prof'
  if (opt.profile) mkdirSync(profDir, { recursive: true })
  const args = [...(opt.profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []), '--import', 'tsx', 'src/main.ts']
  const child = spawn(process.execPath, args, {
    cwd: opt['app-dir'] ? path.resolve(opt['app-dir']) : ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test', HUBBEN_BENCH: '1', HUBBEN_NOW: opt.now, DATABASE_URL: opt.db, PORT: String(PORT), HOST: '127.0.0.1',
      DATA_DIR: '/tmp/hubben-bench', LOG_LEVEL: 'warn', BASE_URL: BASE,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr!.on('data', (d) => { output += d; if (output.length > 20_000) output = output.slice(-10_000) })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 120_000)
    child.stdout!.on('data', (d) => {
      output += d
      if (/Hubben is running/.test(String(d))) { clearTimeout(timer); resolve() }
    })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}):\n${output}`)) })
  })
  child.removeAllListeners('exit')
  child.stdout!.on('data', (d) => { if (/error/i.test(String(d))) process.stderr.write(`[server] ${d}`) })
  child.stderr!.on('data', (d) => process.stderr.write(`[server] ${d}`))
  if (opt.profile) log(`CPU profile of the server goes to ${profDir} when it stops.`)
  return child
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  // Requests the load generator left in flight finish first.
  await new Promise((resolve) => setTimeout(resolve, 2000))
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

// ---- a small browser ----------------------------------------------------------------

const cookieOf = (res: Response, fallback: string) => {
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0]!
    if (pair.startsWith('hubben=')) return pair
  }
  return fallback
}
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

class Browser {
  cookie = ''
  csrf = ''
  async get(p: string, expect = 200): Promise<{ status: number; html: string; location: string | null; ms: number }> {
    const t0 = performance.now()
    const res = await fetch(BASE + p, { redirect: 'manual', headers: this.cookie ? { cookie: this.cookie } : {} })
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
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) },
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
async function benchSessions(n: number): Promise<BenchSession[]> {
  const db = new pg.Client({ connectionString: opt.db })
  await db.connect()
  const families = Number((await db.query(`select count(*) from persons where role = 'guardian' and username ~ '^g[0-9]{5}a$'`)).rows[0].count)
  const usernames = Array.from({ length: Math.min(n, families * 2) }, (_, k) => {
    const f = 1 + Math.floor((k * families) / Math.min(n, families * 2))
    return `g${String(f).padStart(5, '0')}${k % 2 ? 'b' : 'a'}`
  })
  const { rows } = await db.query(`
    select p.username, c.id as child_id, u.kind, (u.kind = 'preschool' or (u.has_fritids and c.in_fritids)) as in_care,
      (select cp.conversation_id from conversation_participants cp join conversations cv on cv.id = cp.conversation_id
        where cp.person_id = p.id and cv.child_id = c.id order by cv.last_message_at desc limit 1) as conversation_id
    from persons p
    join lateral (select min(child_id) as child_id from guardianships where guardian_id = p.id) g on true
    join persons c on c.id = g.child_id join units u on u.id = c.unit_id
    where p.username = any($1) order by p.username`, [usernames])
  await db.end()
  const started = performance.now()
  const sessions = await pool(rows, 4, async (r) => {
    const b = new Browser()
    await b.login(r.username)
    await b.get(`/children/${r.child_id}`)
    return {
      username: r.username, cookie: b.cookie, csrf: b.csrf, childId: r.child_id, unitKind: r.kind, inCare: r.in_care,
      conversationId: r.conversation_id, today: TODAY,
    } satisfies BenchSession
  })
  log(`Logged in ${sessions.length} guardians of ${new Set(sessions.map((s) => s.username.slice(0, 6))).size} families in ${((performance.now() - started) / 1000).toFixed(1)} s.`)
  return sessions
}

/** Mentors of different classes, logged in (for the staff's pages). */
async function staffSessions(n: number): Promise<StaffBenchSession[]> {
  const db = new pg.Client({ connectionString: opt.db })
  await db.connect()
  const { rows } = await db.query(`
    select p.username, min(sg.group_id) as group_id from persons p join staff_groups sg on sg.staff_id = p.id
    where p.role = 'staff' and p.username is not null and sg.duty = 'mentor'
    group by p.username order by p.username limit $1`, [n])
  await db.end()
  const sessions = await pool(rows, 4, async (r) => {
    const b = new Browser()
    await b.login(r.username)
    return { username: r.username, cookie: b.cookie, csrf: b.csrf, groupId: r.group_id, today: TODAY } satisfies StaffBenchSession
  })
  log(`Logged in ${sessions.length} mentors of different classes.`)
  return sessions
}

/** A page's requests: one per guardian (or mentor) that has the page. */
function requestsOf(page: BenchPage, guardians: BenchSession[], mentors: StaffBenchSession[]): { req: BenchRequest; cookie: string }[] {
  const all = page.staff
    ? mentors.map((s) => ({ req: page.request(s), cookie: s.cookie }))
    : guardians.map((s) => ({ req: page.request(s), cookie: s.cookie }))
  return all.filter((x): x is { req: BenchRequest; cookie: string } => x.req !== null)
}

// ---- load --------------------------------------------------------------------------

interface LoadResult {
  rps: number
  p50: number
  p99: number
  queries: number | null
  ok: number
  failed: number
  statuses: Record<string, number>
  result: Result
}

const ENCODING = 'gzip, deflate, br'

async function load(requests: { req: BenchRequest; cookie?: string }[], seconds: number, extra: { connections?: number; overallRate?: number } = {}): Promise<LoadResult> {
  let i = 0
  const statuses: Record<string, number> = {}
  let ok = 0
  let failed = 0
  let queries = 0
  let counted = 0
  const result = await autocannon({
    url: BASE,
    connections: extra.connections ?? num('connections'),
    duration: seconds,
    timeout: 10,
    ...(extra.overallRate ? { overallRate: extra.overallRate } : {}),
    requests: [{
      setupRequest(raw) {
        const { req, cookie } = requests[i++ % requests.length]!
        return {
          ...raw,
          method: req.method,
          path: req.path,
          body: req.body,
          headers: {
            'accept-encoding': ENCODING,
            ...(cookie ? { cookie } : {}),
            ...(req.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
        }
      },
      onResponse(status, _body, context, headers) {
        statuses[status] = (statuses[status] ?? 0) + 1
        const q = headers['x-hubben-queries']
        if (typeof q === 'string') { queries += Number(q); counted++ }
        void context
      },
    }],
  })
  // Every request of one run expects the same status.
  const expect = requests[0]!.req.expect
  for (const [s, n] of Object.entries(statuses)) (Number(s) === expect ? (ok += n) : (failed += n))
  failed += result.errors + result.timeouts
  return {
    rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
    queries: counted ? queries / counted : null, ok, failed, statuses, result,
  }
}

/** Response sizes: the HTML, the same gzipped (as the budget test measures), and what went over the wire. */
function sizeOf(req: BenchRequest, cookie: string | undefined): Promise<{ html: number; gzip: number; wire: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const r = http.request(BASE + req.path, {
      method: req.method, headers: { 'accept-encoding': ENCODING, ...(cookie ? { cookie } : {}), ...(req.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', async () => {
        const wire = Buffer.concat(chunks)
        const encoding = String(res.headers['content-encoding'] ?? 'identity')
        const zlib = await import('node:zlib')
        const html = encoding === 'br' ? zlib.brotliDecompressSync(wire) : encoding === 'gzip' ? zlib.gunzipSync(wire) : encoding === 'deflate' ? zlib.inflateSync(wire) : wire
        resolve({ html: html.length, gzip: html.length ? gzipSync(html).length : 0, wire: wire.length, encoding })
      })
    })
    r.on('error', reject)
    r.end(req.body)
  })
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.floor(s.length / 2)]! : 0
}

interface Row {
  name: string
  rps: number
  ratio: number
  p50: number
  p99: number
  queries: number | null
  html: number
  gzip: number
  wire: number
  encoding: string
  failed: number
  sessions: number
}

async function benchPages(): Promise<void> {
  const { pupils } = await ensureDatabase()
  const server = await startServer()
  try {
    const sessions = await benchSessions(num('sessions'))
    const filter = opt.pages ? opt.pages.split(',').map((s) => s.trim().toLowerCase()) : null
    const pages = PAGES.filter((p) => !filter || filter.some((f) => p.name.toLowerCase().includes(f)))
    const mentors = pages.some((p) => p.staff) ? await staffSessions(Math.min(50, num('sessions'))) : []
    const seconds = num('duration')
    const baselineReq: BenchRequest = { method: 'GET', path: '/bench/baseline', expect: 200 }
    const loadAvg = [os.loadavg()[0]!]

    const gets = pages.flatMap((p) => requestsOf(p, sessions, mentors)).filter((x) => x.req.method === 'GET')
    if (num('warmup') > 0 && gets.length) {
      log(`Warming up for ${num('warmup')} s...`)
      // Every page and the baseline, so that the first measurement pays for no lazy loading.
      await load([...gets, ...gets.map(() => ({ req: baselineReq, cookie: undefined }))].map((x) => ({ ...x, req: { ...x.req, expect: 0 } })), num('warmup'))
    }

    const measure = async (name: string, reqs: { req: BenchRequest; cookie?: string }[]) => {
      // A second for the server to finish the last run's requests.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const r = await load(reqs, seconds)
      const samples = await Promise.all(reqs.slice(0, 10).map((x) => sizeOf(x.req, x.cookie)))
      const row = {
        name, rps: r.rps, ratio: 0, p50: r.p50, p99: r.p99, queries: r.queries,
        html: median(samples.map((s) => s.html)), gzip: median(samples.map((s) => s.gzip)), wire: median(samples.map((s) => s.wire)),
        encoding: samples[0]?.encoding ?? '', failed: r.failed, sessions: new Set(reqs.map((x) => x.cookie)).size,
      }
      log(`  ${name.padEnd(24)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  ` +
        `${row.queries?.toFixed(1) ?? '-'} SQL/req  ${row.gzip} B gzip  ${row.failed ? `FAILED ${row.failed} ${JSON.stringify(r.statuses)}` : ''}`)
      return row
    }

    log(`Measuring: ${num('connections')} connections, ${seconds} s per page, ${sessions.length} sessions.`)
    const skipBaseline = opt['skip-baseline']
    const base1 = skipBaseline ? null : await measure('baseline', [{ req: baselineReq }])
    const rows: Row[] = []
    for (const page of pages) {
      const reqs = requestsOf(page, sessions, mentors)
      if (!reqs.length) { log(`  ${page.name}: no session has this page`); continue }
      rows.push(await measure(page.name, reqs))
      loadAvg.push(os.loadavg()[0]!)
    }
    const base2 = skipBaseline ? null : await measure('baseline (again)', [{ req: baselineReq }])
    const baseRps = base1 && base2 ? (base1.rps + base2.rps) / 2 : NaN
    for (const r of [...rows, ...(base1 ? [base1] : []), ...(base2 ? [base2] : [])]) r.ratio = r.rps / baseRps

    const pgVersion = await (async () => {
      const c = new pg.Client({ connectionString: opt.db }); await c.connect()
      const v = (await c.query('show server_version')).rows[0].server_version as string
      await c.end()
      return v
    })()
    const md = report([...(base1 ? [base1] : []), ...rows, ...(base2 ? [base2] : [])], { pupils, sessions: sessions.length, loadAvg, pgVersion })
    console.log(`\n${md}`)
    const out = opt.out ?? (filter ? null : 'docs/bench-latest.md')
    if (out) {
      writeFileSync(path.resolve(ROOT, out), md)
      log(`Written to ${out}.`)
    }
    const failed = rows.reduce((n, r) => n + r.failed, 0) + (base1?.failed ?? 0) + (base2?.failed ?? 0)
    if (failed) {
      console.error(`${failed} requests failed.`)
      process.exitCode = 1
    }
  } finally {
    await stopServer(server)
  }
}

function machine(): string {
  const cpu = os.cpus()
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}`
}

function report(rows: Row[], info: { pupils: number; sessions: number; loadAvg: number[]; pgVersion: string }): string {
  const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0))
  const lines = [
    `# Benchmark${opt.label ? `: ${opt.label}` : ''}`,
    '',
    `Taken ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}, PostgreSQL ${info.pgVersion} on the same machine.`,
    `District of ${info.pupils} pupils (\`npm run seed:district\`); ${info.sessions} guardians of different families logged in; ` +
      `autocannon with ${num('connections')} connections for ${num('duration')} s per page, \`Accept-Encoding: ${ENCODING}\`; ` +
      `Hubben as a second process with NODE_ENV=test (templates cached, as in production) and the clock frozen at ${opt.now}. ` +
      `Load average (1 min) during the run: ${info.loadAvg.map((l) => l.toFixed(1)).join(' → ')} (other work shares the machine).`,
    '',
    'The baseline is a bare route on the same server (same plugins and hooks): one trivial SQL statement and a tiny template, ' +
      'no session. It runs before and after the pages; the ratio is against their mean. "gzip" is the HTML gzipped at the default ' +
      'level (what the budget tests measure); "wire" is what the server sent.',
    '',
    '| page | req/s | × baseline | p50 ms | p99 ms | SQL/req | HTML B | gzip B | wire B | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.ratio.toFixed(2)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.queries?.toFixed(1) ?? '-'} | ` +
      `${r.html} | ${r.gzip} | ${r.wire}${r.encoding !== 'identity' && r.wire ? ` (${r.encoding})` : ''} | ${r.failed} |`),
    '',
  ]
  return lines.join('\n')
}

// ---- the morning rush ------------------------------------------------------------------

interface RushChild { childId: number; kind: 'school' | 'preschool'; guardians: string[] }
interface RushPlan { child: RushChild; reporters: string[]; scope: 'day' | 'lessons'; doubleSubmit: boolean }

async function morningRush(): Promise<void> {
  const { pupils } = await ensureDatabase()
  const share = num('rush-share')
  const windowS = num('rush-seconds')
  const db = new pg.Client({ connectionString: opt.db })
  await db.connect()
  const count = Math.max(1, Math.round(pupils * share))
  // Children with no report for today yet, in a deterministic spread-out order.
  const { rows } = await db.query(`
    select c.id as child_id, u.kind, array_agg(p.username order by p.username) as guardians
    from persons c join units u on u.id = c.unit_id
    join guardianships g on g.child_id = c.id join persons p on p.id = g.guardian_id
    where c.role = 'child' and p.username is not null
      and not exists (select 1 from absence_reports r where r.child_id = c.id and r.date = $1)
    group by c.id, u.kind
    order by md5(c.id::text) limit $2`, [TODAY, count])
  const before = Number((await db.query('select count(*) from absence_reports where date = $1', [TODAY])).rows[0].count)
  // Deterministic choices per child: who reports, whole day or lessons, double submits.
  const h = (id: number, salt: number) => ((Math.imul(id ^ salt, 2654435761) >>> 0) % 1000) / 1000
  const plans: RushPlan[] = rows.map((r) => {
    const child: RushChild = { childId: r.child_id, kind: r.kind, guardians: r.guardians }
    const both = h(r.child_id, 1) < 0.1 && r.guardians.length > 1
    return {
      child,
      reporters: both ? r.guardians.slice(0, 2) : [r.guardians[h(r.child_id, 2) < 0.5 ? 0 : r.guardians.length - 1]],
      scope: r.kind === 'school' && h(r.child_id, 3) < 0.25 ? 'lessons' : 'day',
      doubleSubmit: h(r.child_id, 4) < 0.1,
    }
  })
  const reporterCount = plans.reduce((n, p) => n + p.reporters.length, 0)

  const server = await startServer()
  const failures: string[] = []
  const timings = { login: [] as number[], form: [] as number[], report: [] as number[], flow: [] as number[] }
  const chosenLessons = new Map<number, Set<number>>()
  try {
    const readers = await benchSessions(num('sessions'))
    const readerReqs = PAGES.filter((p) => !p.staff).flatMap((p) => requestsOf(p, readers, []))
      .filter((x): x is { req: BenchRequest; cookie: string } => x.req !== null && x.req.method === 'GET')
    log(`Morning rush: ${plans.length} children (${(share * 100).toFixed(1)}% of ${pupils}) reported by ${reporterCount} guardians over ${windowS} s ` +
      `(${plans.filter((p) => p.reporters.length > 1).length} by both guardians at once, ${plans.filter((p) => p.doubleSubmit).length} double submits, ` +
      `${plans.filter((p) => p.scope === 'lessons').length} for some lessons), while ${readers.length} guardians read pages at ${num('rush-readers')} req/s.`)

    const reporter = async (plan: RushPlan, username: string) => {
      const t0 = performance.now()
      const b = new Browser()
      try {
        timings.login.push(await b.login(username))
        await b.get(`/children/${plan.child.childId}`)
        const form = await b.get(`/children/${plan.child.childId}/absences/new`)
        timings.form.push(form.ms)
        const fields: [string, string][] = [['date', TODAY], ['scope', plan.scope], ['reason', 'illness']]
        if (plan.scope === 'lessons') {
          const ids = [...form.html.matchAll(/name="lessons" value="(\d+)"/g)].map((m) => Number(m[1])).slice(0, 2)
          if (!ids.length) fields[1] = ['scope', 'day']
          for (const id of ids) fields.push(['lessons', String(id)])
          const set = chosenLessons.get(plan.child.childId) ?? new Set<number>()
          for (const id of ids) set.add(id)
          chosenLessons.set(plan.child.childId, set)
        }
        const url = `/children/${plan.child.childId}/absences`
        const posts = await Promise.all(plan.doubleSubmit ? [b.post(url, fields), b.post(url, fields)] : [b.post(url, fields)])
        for (const p of posts) timings.report.push(p.ms)
        await b.get(posts[0]!.location!)
      } catch (err) {
        failures.push(`${username} for child ${plan.child.childId}: ${(err as Error).message}`)
      }
      timings.flow.push(performance.now() - t0)
    }

    const readersRun = load(readerReqs, windowS + 10, { connections: 10, overallRate: num('rush-readers') })
    const started = performance.now()
    await Promise.all(plans.map((plan, i) => new Promise<void>((resolve) => {
      const at = ((i + h(plan.child.childId, 5)) / plans.length) * windowS * 1000
      setTimeout(() => { void Promise.all(plan.reporters.map((u) => reporter(plan, u))).then(() => resolve()) }, at)
    })))
    const took = (performance.now() - started) / 1000
    const readersResult = await readersRun

    // Every child exactly once: one report for today, and for lessons exactly the chosen lessons.
    const ids = plans.map((p) => p.child.childId)
    const stored = await db.query(`
      select r.child_id, count(distinct r.id)::int as reports, bool_or(r.whole_day) as whole_day,
        count(rl.lesson_id)::int as lesson_rows, count(distinct rl.lesson_id)::int as lessons,
        coalesce(array_agg(rl.lesson_id) filter (where rl.lesson_id is not null), '{}') as lesson_ids
      from absence_reports r left join absence_report_lessons rl on rl.report_id = r.id
      where r.date = $1 and r.child_id = any($2) group by r.child_id`, [TODAY, ids])
    const byChild = new Map(stored.rows.map((r) => [r.child_id as number, r]))
    const problems: string[] = []
    for (const plan of plans) {
      const r = byChild.get(plan.child.childId)
      if (!r) { problems.push(`child ${plan.child.childId}: no report stored (lost)`); continue }
      if (r.reports !== 1) problems.push(`child ${plan.child.childId}: ${r.reports} reports (doubled)`)
      const lessons = chosenLessons.get(plan.child.childId)
      if (plan.scope === 'day' || !lessons?.size) {
        if (!r.whole_day) problems.push(`child ${plan.child.childId}: not a whole-day report`)
      } else {
        if (r.lesson_rows !== r.lessons) problems.push(`child ${plan.child.childId}: a lesson stored twice`)
        const want = [...lessons].sort().join(',')
        const got = [...(r.lesson_ids as number[])].sort().join(',')
        if (want !== got) problems.push(`child ${plan.child.childId}: lessons ${got}, expected ${want}`)
      }
    }
    const after = Number((await db.query('select count(*) from absence_reports where date = $1', [TODAY])).rows[0].count)
    if (after - before !== plans.length) problems.push(`${after - before} new reports for today, expected ${plans.length}`)

    const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))]! : 0 }
    const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(0)} ms, p99 ${pct(xs, 0.99).toFixed(0)} ms`
    const lines = [
      `# Morning rush${opt.label ? `: ${opt.label}` : ''}`,
      '',
      `Taken ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; district of ${pupils} pupils; clock frozen at ${opt.now}.`,
      '',
      `- ${plans.length} children (${(share * 100).toFixed(1)}%) reported absent by ${reporterCount} guardians arriving over ${windowS} s (all done in ${took.toFixed(0)} s): ` +
        `each logs in, opens the child's start page and the report form, and sends it; ${plans.filter((p) => p.reporters.length > 1).length} children were reported by both guardians at the same moment, ` +
        `${plans.filter((p) => p.doubleSubmit).length} reports were double-submitted, ${plans.filter((p) => p.scope === 'lessons').length} were for some lessons.`,
      `- Login POST ${fmt(timings.login)}; report form ${fmt(timings.form)}; report POST ${fmt(timings.report)}; whole visit ${fmt(timings.flow)}.`,
      `- Meanwhile ${readers.length} other guardians read pages at ${num('rush-readers')} req/s: ${readersResult.ok + readersResult.failed} requests, ` +
        `p50 ${readersResult.p50} ms, p99 ${readersResult.p99} ms, ${readersResult.failed} failed.`,
      `- Failed requests: ${failures.length + readersResult.failed}. Reports stored: ${after - before} new for ${plans.length} children; ` +
        `problems: ${problems.length ? problems.length : 'none (every report stored exactly once)'}.`,
      '',
    ]
    const md = lines.join('\n')
    console.log(`\n${md}`)
    for (const f of failures.slice(0, 10)) console.error(`  failed: ${f}`)
    for (const p of problems.slice(0, 10)) console.error(`  problem: ${p}`)
    writeFileSync(path.resolve(ROOT, opt.out ?? 'docs/bench-rush-latest.md'), md)
    if (failures.length || readersResult.failed || problems.length) process.exitCode = 1
  } finally {
    await stopServer(server)
    await db.end()
  }
}

await (opt.rush ? morningRush() : benchPages())
