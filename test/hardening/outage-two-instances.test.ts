import t from 'tap'
import net from 'node:net'
import { sql } from 'kysely'
import { fixedClock } from '../../src/clock.js'
import { loadConfig } from '../../src/config.js'
import { openPostgres, type DbHandle } from '../../src/db/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { buildApp } from '../../src/app.js'
import { seedDemo } from '../../src/demo/seed.js'
import { enqueue, mailChannel, startDispatcher, type Channels } from '../../src/notify/outbox.js'
import { capturingMailer, Client, freshDatabase, loginAs, TEST_NOW } from '../helpers/app.js'

// Finding 11, against a real PostgreSQL server (skipped on PGlite):
// (a) the database becomes unreachable while pages are read and absence reports are sent:
//     an in-test TCP proxy between Hubben and PostgreSQL is cut and restored (the shared
//     server is never restarted). Requests during the outage answer 503 with the plain page,
//     every report that got a 303 is stored exactly once, the app recovers without a restart.
// (b) two Hubben instances (each its own pool) on one database: a session made on one works
//     on the other, logout on one ends it on both, their dispatchers never send twice.
const url = process.env.DATABASE_URL
if (!url) {
  t.pass('skipped: needs DATABASE_URL (PostgreSQL)')
} else {
  const direct = await freshDatabase()
  t.teardown(() => direct.close())
  await migrateToLatest(direct.db)
  const clock = fixedClock(TEST_NOW)
  const world = await seedDemo(direct.db, clock)
  const dbName = (await sql<{ db: string }>`select current_database() as db`.execute(direct.db)).rows[0]!.db
  const dbUrl = (host: string, port: number) => {
    const u = new URL(url)
    u.hostname = host
    u.port = String(port)
    u.pathname = `/${dbName}`
    return u.toString()
  }
  const upstream = new URL(url)
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/hubben-test-unused', BASE_URL: 'http://hubben.test' })

  async function instance(handle: DbHandle, channels?: Partial<Channels>) {
    const mailer = capturingMailer()
    const all: Channels = { email: mailChannel(mailer), ...channels }
    const app = await buildApp({ config, db: handle.db, clock, mailer, channels: all })
    await app.ready()
    return { app, mailer, channels: all }
  }

  /** A TCP proxy to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
  async function cuttableProxy() {
    let cut = false
    const sockets = new Set<net.Socket>()
    const server = net.createServer((client) => {
      if (cut) { client.destroy(); return }
      const server = net.connect(Number(upstream.port || 5432), upstream.hostname)
      for (const s of [client, server]) {
        sockets.add(s)
        s.on('error', () => {})
        s.on('close', () => { sockets.delete(s); client.destroy(); server.destroy() })
      }
      client.pipe(server)
      server.pipe(client)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    return {
      port: (server.address() as net.AddressInfo).port,
      cut() { cut = true; for (const s of sockets) s.destroy() },
      restore() { cut = false },
      close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()) }),
    }
  }

  t.test('(a) outage while pages are read and absences reported: 503 plain page, no report lost, recovery without restart', async (t) => {
    const proxy = await cuttableProxy()
    const handle = await openPostgres(dbUrl('127.0.0.1', proxy.port), 5)
    const { app } = await instance(handle)
    t.teardown(async () => { await app.close(); await handle.close(); await proxy.close() })

    const readers: Client[] = []
    for (let i = 0; i < 5; i++) readers.push(await loginAs(app, 'anna.lind'))
    const reporter = await loginAs(app, 'anna.lind')
    // Every lesson of Elsa's today and tomorrow, one report each, plus Olle's two whole days.
    const lessons = await direct.db.selectFrom('timetable_lessons').select(['id', 'weekday']).where('group_id', '=', world.class4B)
      .where('weekday', 'in', [2, 3]).orderBy('weekday').orderBy('starts_at').execute()
    const todo: { child: number; date: string; lesson?: number }[] = [
      ...lessons.map((l) => ({ child: world.elsa, date: l.weekday === 2 ? '2026-12-01' : '2026-12-02', lesson: l.id })),
      { child: world.olle, date: '2026-12-01' }, { child: world.olle, date: '2026-12-02' },
    ]
    const accepted: typeof todo = []
    let reportsRefused = 0

    let outage: { from: number; to: number } | null = null
    let restoredAt = 0
    let firstOkAfterRestore = 0
    const during = new Map<number, number>()
    const all = new Map<number, number>()
    let plain = true
    let stop = false
    const record = (status: number, started: number, body: string) => {
      all.set(status, (all.get(status) ?? 0) + 1)
      if (outage && started >= outage.from && (outage.to === 0 || started < outage.to)) during.set(status, (during.get(status) ?? 0) + 1)
      if (status === 503 && !/<html|<!doctype/i.test(body)) plain = false
      if (status !== 200 && status !== 303 && status !== 503) plain = false
    }
    const reading = readers.map(async (c) => {
      while (!stop) {
        const started = performance.now()
        const res = await c.get(`/children/${world.elsa}`)
        record(res.statusCode, started, res.body)
        if (res.statusCode === 200 && restoredAt && started >= restoredAt && !firstOkAfterRestore) firstOkAfterRestore = performance.now()
        if (res.statusCode === 503) await new Promise((r) => setTimeout(r, 20))
      }
    })
    const reporting = (async () => {
      while (!stop && todo.length) {
        const item = todo[0]!
        const started = performance.now()
        const fields: Record<string, string | string[]> = item.lesson
          ? { date: item.date, scope: 'lessons', lessons: [String(item.lesson)], reason: 'illness' }
          : { date: item.date, reason: 'illness', comment: 'Feber' }
        const res = await reporter.post(`/children/${item.child}/absences`, fields)
        record(res.statusCode, started, res.body)
        if (res.statusCode === 303) { accepted.push(todo.shift()!) } else if (res.statusCode === 503) {
          reportsRefused++
          // The user sees the plain page and tries again a little later; the CSRF token of the last good page stays valid.
          await new Promise((r) => setTimeout(r, 50))
        } else {
          t.fail(`report answered ${res.statusCode}`)
          todo.shift()
        }
        await new Promise((r) => setTimeout(r, 60))
      }
    })()

    await new Promise((r) => setTimeout(r, 500))
    proxy.cut()
    outage = { from: performance.now(), to: 0 }
    await new Promise((r) => setTimeout(r, 1500))
    proxy.restore()
    restoredAt = performance.now()
    outage.to = restoredAt
    // Let the readers and the reporter finish after the outage.
    const deadline = Date.now() + 20_000
    while ((todo.length || !firstOkAfterRestore) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    stop = true
    await Promise.all([...reading, reporting])

    const stored = await direct.db.selectFrom('absence_report_lessons').select(['child_id', 'date', 'lesson_id']).execute()
    const days = await direct.db.selectFrom('absence_reports').select(['child_id', sql<string>`date::text`.as('date')]).where('whole_day', '=', true).execute()
    let lost = 0
    let twice = 0
    for (const a of accepted) {
      const n = a.lesson
        ? stored.filter((s) => s.lesson_id === a.lesson && s.child_id === a.child).length
        : days.filter((d) => d.child_id === a.child && d.date === a.date).length
      if (n === 0) lost++
      if (n > 1) twice++
    }
    const requestsDuring = [...during.values()].reduce((a, b) => a + b, 0)
    const recoverMs = Math.round(firstOkAfterRestore - restoredAt)
    t.comment(`outage of 1.5 s: ${requestsDuring} requests started during it, statuses ${JSON.stringify(Object.fromEntries(during))}; ` +
      `all requests ${JSON.stringify(Object.fromEntries(all))}; first 200 ${recoverMs} ms after the database came back; ` +
      `${accepted.length} reports answered 303 (${reportsRefused} attempts answered 503 and were sent again), ${lost} lost, ${twice} stored twice`)
    t.ok(requestsDuring > 0, 'requests were made during the outage')
    t.ok((during.get(503) ?? 0) > 0, 'requests during the outage answer 503')
    t.ok([...during.keys()].every((s) => s === 503 || s === 200 || s === 303), 'nothing but 503 (or an answer completed before the cut)')
    t.ok(plain, 'every 503 is the plain page; no other error status')
    t.equal(accepted.length, lessons.length + 2, 'every report was accepted in the end')
    t.equal(lost, 0, 'no report that got a 303 is lost')
    t.equal(twice, 0, 'none is stored twice')
    t.ok(firstOkAfterRestore > 0, 'pages answer 200 again without a restart')
    t.equal((await app.inject('/readyz')).statusCode, 200, '/readyz is 200 afterwards')
  })

  t.test('(b) two instances on one database: sessions and logout are shared, no notice is sent twice', async (t) => {
    const handleA = await openPostgres(dbUrl(upstream.hostname, Number(upstream.port || 5432)), 5)
    const handleB = await openPostgres(dbUrl(upstream.hostname, Number(upstream.port || 5432)), 5)
    const sent: string[] = []
    const slowSms = async (p: Record<string, unknown>) => { await new Promise((r) => setTimeout(r, 15)); sent.push(`sms:${String(p.to)}`) }
    const mail = async (p: Record<string, unknown>) => { await new Promise((r) => setTimeout(r, 5)); sent.push(`mail:${String(p.to)}`) }
    const a = await instance(handleA, { sms: slowSms, email: mail })
    const b = await instance(handleB, { sms: slowSms, email: mail })
    t.teardown(async () => { await a.app.close(); await b.app.close(); await handleA.close(); await handleB.close() })

    // A session made on A works on B.
    const onA = await loginAs(a.app, 'karin.berg')
    const onB = new Client(b.app)
    onB.cookie = onA.cookie
    t.equal((await onB.get('/staff')).statusCode, 200, 'the session from A works on B')
    t.match((await onB.get('/profile')).body, /Karin/)
    // Logout on A ends it on B.
    t.equal((await onA.post('/logout')).statusCode, 303)
    const after = await onB.get('/staff')
    t.equal(after.statusCode, 303, 'logged out on B too')
    t.match(after.headers.location, /^\/login/)
    // And the other way round: logout on B ends a session used on A.
    const second = await loginAs(b.app, 'anna.lind')
    const secondOnA = new Client(a.app)
    secondOnA.cookie = second.cookie
    t.equal((await secondOnA.get('/profile')).statusCode, 200)
    await second.post('/logout')
    t.equal((await secondOnA.get('/profile')).statusCode, 303)

    // Their dispatchers never send a notice twice.
    const n = 40
    for (let i = 0; i < n; i++) {
      await enqueue(direct.db, { channel: 'sms', payload: { to: `+4670${2000000 + i}`, message: 'x' }, now: clock.now() })
      await enqueue(direct.db, { channel: 'email', payload: { to: `p${i}@example.com`, subject: 's', text: 't' }, now: clock.now() })
    }
    const dA = startDispatcher(handleA.db, clock, a.channels, { intervalMs: 50 })
    const dB = startDispatcher(handleB.db, clock, b.channels, { intervalMs: 50 })
    dA.kick(); dB.kick()
    const deadline = Date.now() + 30_000
    while (sent.length < 2 * n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    await new Promise((r) => setTimeout(r, 300))
    await dA.stop(); await dB.stop()
    const counts = new Map<string, number>()
    for (const s of sent) counts.set(s, (counts.get(s) ?? 0) + 1)
    t.equal(counts.size, 2 * n, 'every notice was sent')
    t.same([...counts].filter(([, c]) => c > 1), [], 'none twice')
    const left = await direct.db.selectFrom('outbox').select(sql<number>`count(*)`.as('n')).where('status', '!=', 'sent').executeTakeFirstOrThrow()
    t.equal(Number(left.n), 0)
  })
}
