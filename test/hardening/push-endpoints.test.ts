import t from 'tap'
import { createECDH, randomBytes } from 'node:crypto'
import { endpointIsPublic, isPublicAddress, MAX_DEVICES_PER_PERSON } from '../../src/notify/push-endpoints.js'
import { enqueue, startDispatcher, type Channel } from '../../src/notify/outbox.js'
import { buildTestApp, loginAs } from '../helpers/app.js'

// Finding 8: Web Push endpoints. At most 10 devices per person, no endpoints inside our own
// network in production, and push in its own lane: it never delays e-mail or SMS.
const PROD = {
  NODE_ENV: 'production', SECURE_COOKIES: 'false', DATABASE_URL: 'postgres://u@db/x', SMTP_URL: 'smtp://mail.example:587',
  SMS_API_URL: 'https://sms.example', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p',
}
function keys() {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') }
}

t.test('public and non-public addresses', async (t) => {
  for (const a of ['127.0.0.1', '10.1.2.3', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
    '::1', '::', 'fe80::1', 'fd00::1', 'fc00::5', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', 'not-an-ip']) {
    t.notOk(isPublicAddress(a), `${a} is not public`)
  }
  for (const a of ['142.250.74.100', '17.57.146.20', '2a00:1450:400f:80d::200a', '::ffff:142.250.74.100']) t.ok(isPublicAddress(a), `${a} is public`)
  const resolver = (map: Record<string, string[]>) => async (h: string) => { if (!map[h]) throw new Error('ENOTFOUND'); return map[h]! }
  const r = resolver({ 'localhost': ['127.0.0.1', '::1'], 'push.example': ['142.250.74.100'], 'mixed.example': ['142.250.74.100', '10.0.0.8'] })
  t.notOk(await endpointIsPublic('https://localhost/x', r), 'a name for loopback')
  t.notOk(await endpointIsPublic('https://mixed.example/x', r), 'one private address among public ones')
  t.notOk(await endpointIsPublic('https://nowhere.example/x', r), 'a name that does not resolve')
  t.notOk(await endpointIsPublic('https://[::1]:8443/x', r), 'a literal IPv6 loopback')
  t.ok(await endpointIsPublic('https://push.example/x', r), 'a public name')
})

t.test('production refuses endpoints on loopback, private and link-local addresses', async (t) => {
  const ctx = await buildTestApp({ env: PROD })
  t.teardown(() => ctx.close())
  const anna = await loginAs(ctx.app, 'anna.lind')
  const k = keys()
  for (const endpoint of ['https://127.0.0.1/x', 'https://[::1]/x', 'https://10.0.0.5/push', 'https://169.254.169.254/latest/meta-data', 'https://192.168.0.1:8443/x', 'https://localhost/x']) {
    const res = await anna.post('/settings/push/subscriptions', { endpoint, ...k })
    t.equal(res.statusCode, 422, `${endpoint} refused`)
    t.match(res.body, /not on the public internet|inte på det öppna internet/)
  }
  t.equal((await ctx.db.selectFrom('push_subscriptions').select('id').where('person_id', '=', ctx.world.anna).execute()).length, 0, 'nothing stored')
  t.equal((await anna.post('/settings/push/subscriptions', { endpoint: 'https://142.250.74.100/fcm/send/abc', ...k })).statusCode, 204, 'a public address is accepted')
})

t.test('at most 10 devices per person: the oldest goes', async (t) => {
  const ctx = await buildTestApp()
  t.teardown(() => ctx.close())
  const anna = await loginAs(ctx.app, 'anna.lind')
  const k = keys()
  for (let i = 1; i <= 12; i++) {
    ctx.clock.set(new Date(Date.parse('2026-12-01T07:10:00+01:00') + i * 60_000))
    const res = await anna.post('/settings/push/subscriptions', { endpoint: `https://push.example/device-${i}`, ...k })
    t.equal(res.statusCode, 204)
  }
  const left = await ctx.db.selectFrom('push_subscriptions').select('endpoint').where('person_id', '=', ctx.world.anna).orderBy('id').execute()
  t.equal(left.length, MAX_DEVICES_PER_PERSON)
  t.same(left.map((r) => r.endpoint), Array.from({ length: 10 }, (_, i) => `https://push.example/device-${i + 3}`), 'devices 1 and 2 (the oldest) went')
  // A form post (without JavaScript) says so.
  const html = await anna.post('/settings/push/subscriptions', { endpoint: 'https://push.example/device-13', ...k }, { headers: { accept: 'text/html' } })
  t.equal(html.statusCode, 303)
  t.match((await anna.get('/settings')).body, /at most 10 devices|högst 10 enheter/)
})

t.test('a push service that does not answer never delays e-mail or SMS', async (t) => {
  const ctx = await buildTestApp({ seed: false })
  t.teardown(() => ctx.close())
  let hanging = 0
  const push: Channel = (_payload, c) => new Promise<void>((resolve, reject) => {
    hanging++
    const done = setTimeout(resolve, 3_000)
    c?.signal.addEventListener('abort', () => { clearTimeout(done); reject(new Error('aborted')) })
  })
  const arrived: Record<string, number> = {}
  const started = Date.now()
  const channels = {
    email: async () => { arrived.email = Date.now() - started },
    sms: async () => { arrived.sms = Date.now() - started },
    push,
  }
  for (let i = 0; i < 3; i++) await enqueue(ctx.db, { channel: 'push', payload: { endpoint: `https://push.example/${i}` }, now: ctx.clock.now() })
  await enqueue(ctx.db, { channel: 'email', payload: { to: 'a@example.com', subject: 's', text: 't' }, now: ctx.clock.now() })
  await enqueue(ctx.db, { channel: 'sms', payload: { to: '+46701234567', message: 'm' }, now: ctx.clock.now() })
  const dispatcher = startDispatcher(ctx.db, ctx.clock, channels, { intervalMs: 60_000, dispatch: { timeoutMs: { push: 400 } } })
  dispatcher.kick()
  const deadline = Date.now() + 2_000
  while ((arrived.email === undefined || arrived.sms === undefined || hanging === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  t.comment(`e-mail after ${arrived.email} ms, SMS after ${arrived.sms} ms, while ${hanging} push deliveries hung`)
  t.ok(hanging >= 1, 'push was being tried')
  t.ok(arrived.email !== undefined && arrived.email < 1_000, 'the e-mail went out at once')
  t.ok(arrived.sms !== undefined && arrived.sms < 1_000, 'the SMS went out at once')
  await dispatcher.stop()
  const push1 = await ctx.db.selectFrom('outbox').select(['status', 'last_error']).where('channel', '=', 'push').execute()
  t.ok(push1.every((r) => r.status === 'pending' && /no answer within/.test(r.last_error ?? '')), 'the unanswered pushes time out and wait for a retry')
})
