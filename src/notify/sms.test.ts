import t from 'tap'
import { createServer, type IncomingMessage } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { devSmsOutbox, gatewaySmsChannel, listDevSms, smsChannel, toE164 } from './sms.js'
import { PermanentDeliveryError } from './mailer.js'
import { loadConfig, ConfigError } from '../config.js'
import { enqueue, dispatchDue } from './outbox.js'
import { buildTestApp } from '../../test/helpers/app.js'

/** A stand-in for the 46elks API: records each request and answers with the next queued status. */
async function fakeGateway() {
  const received: { method: string; url: string; auth: string; type: string; body: URLSearchParams }[] = []
  const statuses: number[] = []
  const server = createServer((req: IncomingMessage, res) => {
    let data = ''
    req.on('data', (c) => { data += c })
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, auth: req.headers.authorization ?? '', type: req.headers['content-type'] ?? '', body: new URLSearchParams(data) })
      const status = statuses.shift() ?? 200
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(status === 200 ? JSON.stringify({ status: 'created', id: `s${received.length}` }) : '{"error":"no"}')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, received, statuses, close: () => new Promise<void>((r) => server.close(() => r())) }
}

const gw = await fakeGateway()
t.teardown(() => gw.close())
const settings = { apiUrl: gw.url, user: 'u1234', password: 'secret', from: 'Hubben' }

t.test('the client speaks the 46elks shape: form-encoded POST with basic auth to /a1/sms', async (t) => {
  gw.received.length = 0
  await gatewaySmsChannel(settings)({ to: '+46701234567', message: 'Hej från Hubben' })
  t.equal(gw.received.length, 1)
  const r = gw.received[0]!
  t.equal(r.method, 'POST')
  t.equal(r.url, '/a1/sms')
  t.equal(r.auth, `Basic ${Buffer.from('u1234:secret').toString('base64')}`)
  t.match(r.type, /^application\/x-www-form-urlencoded/)
  t.equal(r.body.get('from'), 'Hubben')
  t.equal(r.body.get('to'), '+46701234567')
  t.equal(r.body.get('message'), 'Hej från Hubben')
})

t.test('4xx is permanent, 5xx and 429 are retried', async (t) => {
  const send = gatewaySmsChannel({ ...settings, apiUrl: `${gw.url}/` })
  for (const status of [400, 401, 403]) {
    gw.statuses.push(status)
    const err = await send({ to: '+46701234567', message: 'x' }).catch((e) => e)
    t.ok(err instanceof PermanentDeliveryError, `${status} is permanent`)
  }
  gw.statuses.push(503)
  const e503 = await send({ to: '+46701234567', message: 'x' }).catch((e) => e)
  t.ok(e503 instanceof Error && !(e503 instanceof PermanentDeliveryError), '503 is retried')
  gw.statuses.push(429)
  const e429 = await send({ to: '+46701234567', message: 'x' }).catch((e) => e)
  t.notOk(e429 instanceof PermanentDeliveryError, '429 is retried')
  const down = gatewaySmsChannel({ ...settings, apiUrl: 'http://127.0.0.1:1' })
  const eDown = await down({ to: '+46701234567', message: 'x' }).catch((e) => e)
  t.ok(eDown instanceof Error && !(eDown instanceof PermanentDeliveryError), 'an unreachable gateway is retried')
})

t.test('through the outbox: a failed SMS is retried, not dropped', async (t) => {
  const ctx = await buildTestApp({ seed: false, channels: { sms: gatewaySmsChannel(settings) } })
  t.teardown(() => ctx.close())
  gw.received.length = 0
  await enqueue(ctx.db, { channel: 'sms', payload: { to: '+46709876543', message: 'Prov' }, dedupeKey: 'sms:test', now: ctx.clock.now() })
  t.notOk(await enqueue(ctx.db, { channel: 'sms', payload: { to: '+46709876543', message: 'Prov' }, dedupeKey: 'sms:test', now: ctx.clock.now() }), 'the dedupe key holds')
  gw.statuses.push(502)
  await ctx.deliver()
  let row = await ctx.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow()
  t.equal(row.status, 'pending')
  t.equal(row.attempts, 1)
  t.notMatch(row.last_error ?? '', /4670|Prov/, 'the error holds neither number nor text')
  ctx.clock.set(new Date(ctx.clock.now().getTime() + 60_000))
  await dispatchDue(ctx.db, ctx.clock, ctx.channels)
  row = await ctx.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow()
  t.equal(row.status, 'sent')
  t.equal(gw.received.length, 2)
  t.equal(gw.received[1]!.body.get('message'), 'Prov')
})

t.test('Swedish mobile numbers become E.164', async (t) => {
  t.equal(toE164('070-123 45 67'), '+46701234567')
  t.equal(toE164('0046 70 123 45 67'), '+46701234567')
  t.equal(toE164('+46701234567'), '+46701234567')
  t.equal(toE164('(070) 123.45.67'), '+46701234567')
  for (const bad of ['', null, undefined, 'abc', '123', '+0701234567']) t.equal(toE164(bad), null, `refuses ${JSON.stringify(bad)}`)
})

t.test('without settings SMS are kept in DATA_DIR/sms', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hubben-sms-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const send = smsChannel({ dataDir: dir })
  await send({ to: '+46701234567', message: 'Ett' })
  await devSmsOutbox(path.join(dir, 'sms'))({ to: '+46709876543', message: 'Två' })
  const list = listDevSms(path.join(dir, 'sms'))
  t.same(list.map((m) => m.message).sort(), ['Ett', 'Två'])
  t.same(listDevSms(path.join(dir, 'none')), [])
})

t.test('SMS settings: all three together, checked at start', async (t) => {
  const base = { NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/hubben-test-unused' }
  t.equal(loadConfig(base).sms, undefined)
  t.same(loadConfig({ ...base, SMS_API_URL: 'https://api.46elks.com', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p' }).sms,
    { apiUrl: 'https://api.46elks.com', user: 'u', password: 'p', from: 'Hubben' })
  t.throws(() => loadConfig({ ...base, SMS_API_URL: 'https://api.46elks.com' }), ConfigError)
  t.throws(() => loadConfig({ ...base, SMS_API_URL: 'ftp://x', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p' }), ConfigError)
  t.throws(() => loadConfig({ ...base, SMS_API_URL: 'https://x', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p', SMS_FROM: 'Solbackaskolan' }), ConfigError, 'at most 11 characters')
  t.equal(loadConfig({ ...base, SMS_API_URL: 'https://x', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p', SMS_FROM: '+46701234567' }).sms?.from, '+46701234567')
})
