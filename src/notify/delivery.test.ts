import t from 'tap'
import { SMTPServer } from 'smtp-server'
import { buildTestApp, freshDatabase, loginAs } from '../../test/helpers/app.js'
import { startSmtp } from '../../test/helpers/smtp.js'
import { fixedClock } from '../clock.js'
import { loadConfig } from '../config.js'
import { migrateToLatest } from '../db/migrate.js'
import { seedDemo } from '../demo/seed.js'
import { buildApp } from '../app.js'
import { smtpMailer } from './mailer.js'
import { dispatchDue, enqueue, mailChannel, startDispatcher, MAX_ATTEMPTS, type Channels } from './outbox.js'

/**
 * The outbox against a real SMTP server (smtp-server, in process) through nodemailer:
 * outages are retried with backoff, a delivered mail is never sent again, concurrent
 * dispatchers do not double-send, permanent failures end as failed and show to admins.
 */
const engine = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'
const FROM = 'Hubben <no-reply@hubben.test>'

// The SMTP server's port is fixed for the file so that it can be stopped and started again.
const smtp = await startSmtp()
const port = smtp.port
let server = smtp
const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, FROM)
const ctx = await buildTestApp({ channels: { email: mailChannel(mailer) } })
t.teardown(async () => {
  await server.stop().catch(() => {})
  await ctx.close()
})
const { app, db, clock, world } = ctx

const outboxRow = (id: number) => db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const lastEmailId = async () => (await db.selectFrom('outbox').select('id').where('channel', '=', 'email').orderBy('id', 'desc').executeTakeFirstOrThrow()).id

t.test('SMTP down: the notice is retried with backoff, then arrives once when SMTP is back', async (t) => {
  await server.stop()
  const anna = await loginAs(app, 'anna.lind')
  const form = await anna.get(`/children/${world.elsa}/messages/new`)
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const res = await anna.post(`/children/${world.elsa}/messages`, { to: [String(world.karin)], title: 'Sjukanmälan', body: 'Hemlig text', key })
  t.equal(res.statusCode, 303, 'the message is saved whatever SMTP does')
  const id = await lastEmailId()

  await ctx.deliver()
  let row = await outboxRow(id)
  t.equal(row.status, 'pending', 'still pending after a failed attempt')
  t.equal(row.attempts, 1)
  t.ok(row.last_error, `the error is kept: ${row.last_error}`)
  t.notMatch(row.last_error ?? '', /karin|Hemlig/i, 'no address or content in the error')
  t.equal(row.next_attempt_at.getTime() - clock.now().getTime(), 15_000, 'retry scheduled in 15 s')

  server = await startSmtp(port)
  await ctx.deliver()
  t.equal(server.mails.length, 0, 'not before the retry time')
  clock.set(new Date(clock.now().getTime() + 15_000))
  await ctx.deliver()
  t.equal(server.mails.length, 1, 'delivered after the restart')
  const mail = server.mails[0]!
  t.same(mail.to, ['karin.berg@solbacka.example'])
  t.match(mail.subject, /nytt meddelande i Hubben/)
  t.match(mail.text, /http:\/\/hubben\.test\/staff\/messages\/\d+/)
  t.notMatch(mail.text, /Hemlig|Sjukanmälan/, 'no content over SMTP')
  row = await outboxRow(id)
  t.equal(row.status, 'sent')
  t.equal(row.attempts, 2)

  for (let i = 0; i < 3; i++) {
    clock.set(new Date(clock.now().getTime() + 3600_000))
    await ctx.deliver()
  }
  t.equal(server.mails.length, 1, 'never sent twice after success')
})

t.test('two dispatchers at once do not double-send', async (t) => {
  server.mails.length = 0
  const n = 30
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i++) {
      await enqueue(trx, { channel: 'email', payload: { to: `parent${i}@example.com`, subject: `Notice ${i}`, text: 'x' }, now: clock.now() })
    }
  })
  const channels = ctx.channels
  // Each dispatcher claims small batches until nothing is due, both at the same time.
  const drain = async () => {
    let sent = 0
    for (;;) {
      const r = await dispatchDue(db, clock, channels, 5)
      if (r.sent + r.retried + r.failed === 0) return sent
      sent += r.sent
    }
  }
  const [a, b] = await Promise.all([drain(), drain()])
  await server.waitFor(n)
  await new Promise((r) => setTimeout(r, 200))
  t.equal(a + b, n, `sent ${a} + ${b} on ${engine}`)
  t.comment(`${engine}: dispatcher A sent ${a}, dispatcher B sent ${b}`)
  const subjects = server.mails.map((m) => m.subject)
  t.equal(subjects.length, n, 'each mail received once')
  t.equal(new Set(subjects).size, n, 'no duplicates')
  const again = await dispatchDue(db, clock, channels, 50)
  t.equal(again.sent, 0, 'nothing left to send')
})

t.test('a permanent rejection (5xx) ends as failed at once; an outage that never ends fails after the last attempt', async (t) => {
  await server.stop()
  const rejecting = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onRcptTo(_addr, _session, cb) { cb(Object.assign(new Error('No such mailbox'), { responseCode: 550 })) },
  })
  await new Promise<void>((resolve) => rejecting.listen(port, '127.0.0.1', resolve))
  await enqueue(db, { channel: 'email', payload: { to: 'nobody@example.com', subject: 'Rejected', text: 'x' }, now: clock.now() })
  const rejectedId = await lastEmailId()
  await ctx.deliver()
  let row = await outboxRow(rejectedId)
  t.equal(row.status, 'failed', '550 is permanent')
  t.equal(row.attempts, 1)
  t.match(row.last_error, /550/)
  await new Promise<void>((resolve) => rejecting.close(() => resolve()))

  await enqueue(db, { channel: 'email', payload: { to: 'later@example.com', subject: 'Outage', text: 'x' }, now: clock.now() })
  const outageId = await lastEmailId()
  for (let i = 1; i <= MAX_ATTEMPTS; i++) {
    await ctx.deliver()
    row = await outboxRow(outageId)
    if (i < MAX_ATTEMPTS) t.equal(row.status, 'pending', `attempt ${i}: retried`)
    clock.set(new Date(row.next_attempt_at.getTime()))
  }
  t.equal(row.status, 'failed', `failed after ${MAX_ATTEMPTS} attempts, not dropped`)
  server = await startSmtp(port)

  const admin = await loginAs(app, 'admin')
  const staffHome = await admin.get('/staff')
  t.match(staffHome.body, /href="\/staff\/outbox"/, 'a link in the staff area')
  const page = await admin.get('/staff/outbox')
  t.equal(page.statusCode, 200)
  t.match(page.body, /Misslyckade utskick/)
  t.match(page.body, /nobody@example\.com/)
  t.match(page.body, /later@example\.com/)
  t.match(page.body, /SMTP 550/)
  t.notMatch(page.body, /Rejected|Outage/, 'subjects are not shown, only who and why')
  const karin = await loginAs(app, 'karin.berg')
  t.equal((await karin.get('/staff/outbox')).statusCode, 403, 'staff who are not admins')
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get('/staff/outbox')).statusCode, 404, 'guardians have no staff area')
  t.equal((await karin.post(`/staff/outbox/${outageId}/retry`)).statusCode, 403)

  await admin.get('/staff/outbox')
  const retry = await admin.post(`/staff/outbox/${outageId}/retry`)
  t.equal(retry.statusCode, 303)
  t.equal((await outboxRow(outageId)).status, 'pending', 'an admin can try again')
  await ctx.deliver()
  t.equal((await outboxRow(outageId)).status, 'sent')
  t.same(server.mails.at(-1)!.to, ['later@example.com'])
  t.equal((await admin.post(`/staff/outbox/${outageId}/retry`)).statusCode, 404, 'only failed rows can be retried')
})

t.test('delivery latency from commit to SMTP receipt, with the dispatcher kicked after commit', async (t) => {
  // A separate app whose dispatcher runs for real (kicked by the routes after commit).
  const handle = await freshDatabase()
  await migrateToLatest(handle.db)
  const clock2 = fixedClock('2026-12-01T07:10:00+01:00')
  const world2 = await seedDemo(handle.db, clock2)
  const channels: Channels = { email: mailChannel(mailer) }
  const dispatcher = startDispatcher(handle.db, clock2, channels, { intervalMs: 60_000 })
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/hubben-test-unused', BASE_URL: 'http://hubben.test' })
  const app2 = await buildApp({ config, db: handle.db, clock: clock2, mailer, channels }, { kick: dispatcher.kick })
  await app2.ready()
  t.teardown(async () => { await app2.close(); await dispatcher.stop(); await handle.close() })

  // Service level: commit, kick, receipt.
  const samples: number[] = []
  for (let i = 0; i < 20; i++) {
    const before = server.mails.length
    await handle.db.transaction().execute((trx) =>
      enqueue(trx, { channel: 'email', payload: { to: `latency${i}@example.com`, subject: `Latency ${i}`, text: 'x' }, now: clock2.now() }))
    const committed = Date.now()
    dispatcher.kick()
    await server.waitFor(before + 1)
    samples.push(server.mails.at(-1)!.at - committed)
  }
  samples.sort((a, b) => a - b)
  const median = samples[Math.floor(samples.length / 2)]!
  const p95 = samples[Math.floor(samples.length * 0.95)]!
  t.comment(`${engine}: delivery latency commit -> SMTP receipt over 20 mails: median ${median} ms, p95 ${p95} ms, max ${samples.at(-1)} ms`)
  t.ok(median < 1000, 'well under a second')

  // The whole path: a guardian's message through HTTP; the route kicks the dispatcher after its commit.
  const anna = await loginAs(app2, 'anna.lind')
  const form = await anna.get(`/children/${world2.elsa}/messages/new`)
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const before = server.mails.length
  const started = Date.now()
  const res = await anna.post(`/children/${world2.elsa}/messages`, { to: [String(world2.karin), String(world2.per)], title: 'Hej', body: 'Text', key })
  const answered = Date.now()
  t.equal(res.statusCode, 303)
  await server.waitFor(before + 2)
  const arrived = Math.max(...server.mails.slice(before).map((m) => m.at))
  t.comment(`${engine}: HTTP POST start -> both SMTP notices received: ${arrived - started} ms (response after ${answered - started} ms)`)
  t.same(server.mails.slice(before).map((m) => m.to[0]).sort(), ['karin.berg@solbacka.example', 'per.holm@solbacka.example'])
})
