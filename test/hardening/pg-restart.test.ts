import t from 'tap'
import pg from 'pg'
import { sql } from 'kysely'
import { buildTestApp, loginAs } from '../helpers/app.js'

// Finding 0: a lost PostgreSQL connection is a 503 for the requests it touches, never a
// crash, and the pool recovers by itself. Needs a real PostgreSQL server.
const url = process.env.DATABASE_URL
if (!url) {
  t.pass('skipped: needs DATABASE_URL (PostgreSQL)')
} else {
  const ctx = await buildTestApp()
  t.teardown(() => ctx.close())
  const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(ctx.db)
  const u = new URL(url)
  u.pathname = `/${rows[0]!.db}`
  const admin = new pg.Client({ connectionString: u.toString() })
  await admin.connect()
  t.teardown(() => admin.end())
  const terminateAll = async () => {
    const r = await admin.query('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')
    return r.rows[0].n as number
  }

  t.test('a connection checked out (between statements) that the server ends does not crash the process', async (t) => {
    let afterError: unknown
    await ctx.db.connection().execute(async (conn) => {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0]!.pid
      await admin.query('select pg_terminate_backend($1)', [pid])
      // The server's FATAL message and the closed socket arrive while no query runs on this client.
      await new Promise((r) => setTimeout(r, 300))
      try { await sql`select 1`.execute(conn) } catch (e) { afterError = e }
    })
    t.ok(afterError, 'the next statement on the broken connection fails')
    const again = await sql<{ n: number }>`select 1 as n`.execute(ctx.db)
    t.equal(again.rows[0]!.n, 1, 'the pool opens a new connection')
  })

  t.test('backends terminated under load: statuses 200 or 503, the process lives, /readyz is 200 afterwards', async (t) => {
    // One after the other: parallel logins to one account reserve failures (login throttling).
    const clients = []
    for (let i = 0; i < 10; i++) clients.push(await loginAs(ctx.app, 'anna.lind'))
    const statuses = new Map<number, number>()
    let stop = false
    let lastKill = 0
    let firstOkAfterKill = 0
    const readers = clients.map(async (c) => {
      while (!stop) {
        const started = performance.now()
        const res = await c.get(`/children/${ctx.world.elsa}`)
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        if (res.statusCode === 503) t.match(res.body, /<html|<!doctype/i, '503 is the plain page')
        if (res.statusCode === 200 && lastKill && started > lastKill && !firstOkAfterKill) firstOkAfterKill = performance.now()
      }
    })
    await new Promise((r) => setTimeout(r, 800))
    let terminated = 0
    for (let i = 0; i < 3; i++) {
      terminated += await terminateAll()
      lastKill = performance.now()
      firstOkAfterKill = 0
      await new Promise((r) => setTimeout(r, 600))
    }
    stop = true
    await Promise.all(readers)
    const recoverMs = Math.round(firstOkAfterKill - lastKill)
    const summary = Object.fromEntries(statuses)
    t.comment(`terminated ${terminated} backends in 3 rounds; statuses ${JSON.stringify(summary)}; first 200 ${recoverMs} ms after the last round`)
    t.ok(terminated > 0, 'backends were terminated')
    for (const status of statuses.keys()) t.ok(status === 200 || status === 503, `status ${status} is 200 or 503`)
    t.ok(firstOkAfterKill > 0, 'pages answer 200 again without a restart')
    const ready = await ctx.app.inject('/readyz')
    t.equal(ready.statusCode, 200, '/readyz is 200 afterwards')
    t.equal((await clients[0]!.get(`/children/${ctx.world.elsa}`)).statusCode, 200)
  })
}
