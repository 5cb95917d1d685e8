import t from 'tap'
import { createDecipheriv, createECDH, createHmac, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'
import { createNotifications } from './notifications.js'
import { pushChannel, removingGoneSubscriptions, resolveVapid, webPushSend, type PushSend } from './push.js'
import { loadConfig } from '../config.js'


/** A fake push service: answers each send with the next status (default 201) and records it. */
const sent: { endpoint: string; body: string }[] = []
let nextStatus: number[] = []
const fakeSend: PushSend = async (target, body) => {
  const status = nextStatus.shift() ?? 201
  sent.push({ endpoint: target.endpoint, body })
  if (status >= 300) throw Object.assign(new Error('Received unexpected response code'), { statusCode: status })
}

const ctx = await buildTestApp({ channels: { push: pushChannel(fakeSend) } })
t.teardown(() => ctx.close())
const { app, db, clock, world } = ctx

/** A browser's subscription keys: P-256 key pair and a 16-byte auth secret. */
function browserKeys() {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  return { ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') }
}
const pushRows = () => db.selectFrom('outbox').select(['id', 'payload', 'status', 'last_error']).where('channel', '=', 'push').orderBy('id').execute()

t.test('settings: Pushnotiser section, the button only for browsers that support it (no inline script)', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const page = await anna.get('/settings')
  t.equal(page.statusCode, 200)
  t.match(page.body, /<h2 id="push"[^>]*>Pushnotiser</)
  t.match(page.body, /href="#push">Pushnotiser</, 'in the section menu')
  t.match(page.body, /<div class="push-device" data-push data-key="[A-Za-z0-9_-]{80,}" hidden>/, 'hidden until the script finds support')
  t.match(page.body, /<script src="\/static\/js\/push\.js\?v=[0-9a-f]+" defer><\/script>/)
  t.notMatch(page.body, /<script>(?!<\/script>)/, 'no inline script')
  for (const area of ['messages', 'information', 'calendar', 'blog', 'absence', 'talks', 'assessments', 'documentation', 'care-schedule']) {
    t.match(page.body, new RegExp(`name="area" value="${area}" checked`), `${area} on by default`)
  }
  t.match(page.body, /Pushnotiser är inte påslagna på någon av dina enheter/)
  t.match(page.body, /<link rel="manifest" href="\/static\/manifest\.webmanifest\?v=/, 'the manifest is linked')
})

t.test('the service worker and the manifest are served for the installable app', async (t) => {
  const sw = await app.inject('/sw.js')
  t.equal(sw.statusCode, 200)
  t.match(sw.headers['content-type'], /javascript/)
  t.equal(sw.headers['cache-control'], 'no-cache')
  t.match(sw.body, /addEventListener\('push'/)
  t.match(sw.body, /notificationclick/)
  const manifest = await app.inject('/static/manifest.webmanifest')
  t.equal(manifest.statusCode, 200)
  t.match(manifest.headers['content-type'], /application\/manifest\+json/)
  const m = JSON.parse(manifest.body)
  t.equal(m.display, 'standalone')
  t.equal(m.start_url, '/start')
  for (const icon of m.icons as { src: string }[]) t.equal((await app.inject(icon.src)).statusCode, 200, icon.src)
  t.ok((m.icons as { sizes: string }[]).some((i) => i.sizes === '512x512'), 'a 512 px icon')
  const js = await app.inject('/static/js/push.js')
  t.equal(js.statusCode, 200)
})

t.test('turning push on for a device, and the rules on what is accepted', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.get('/settings')
  const k = browserKeys()
  t.equal((await anna.post('/settings/push/subscriptions', { endpoint: 'http://insecure.example/x', p256dh: k.p256dh, auth: k.auth })).statusCode, 422, 'https only')
  t.equal((await anna.post('/settings/push/subscriptions', { endpoint: 'https://push.example/x', p256dh: 'short', auth: k.auth })).statusCode, 422, 'a real key')
  const ok = await anna.post('/settings/push/subscriptions', { endpoint: 'https://push.example/anna-phone', p256dh: k.p256dh, auth: k.auth })
  t.equal(ok.statusCode, 204)
  const again = await anna.post('/settings/push/subscriptions', { endpoint: 'https://push.example/anna-phone', p256dh: k.p256dh, auth: k.auth })
  t.equal(again.statusCode, 204, 'the same device twice is one subscription')
  const k2 = browserKeys()
  await anna.post('/settings/push/subscriptions', { endpoint: 'https://push.example/anna-laptop', p256dh: k2.p256dh, auth: k2.auth })
  t.match((await anna.get('/settings')).body, /Pushnotiser är påslagna på 2 enheter/)
  const noCsrf = await anna.post('/settings/push/subscriptions', { endpoint: 'https://push.example/evil', p256dh: k.p256dh, auth: k.auth }, { csrf: false })
  t.equal(noCsrf.statusCode, 403, 'CSRF protected')
})

t.test('a staff message to anna: bell entry and one push per device, in the same transaction', async (t) => {
  const before = (await pushRows()).length
  await db.transaction().execute(async (trx) => {
    await createNotifications(trx, { recipientIds: [world.anna, world.erik], childId: world.elsa, area: 'messages', kind: 'messageReceived', params: { from: 'Karin Berg' }, link: '/children/1/messages/1', now: clock.now() })
  })
  const rows = (await pushRows()).slice(before)
  t.equal(rows.length, 2, 'anna has two devices; erik has none')
  const p = rows[0]!.payload as { title: string; body: string; url: string; endpoint: string }
  t.equal(p.title, 'Hubben · Elsa')
  t.equal(p.body, 'Nytt meddelande från Karin Berg', 'in the recipient\'s language')
  t.equal(p.url, '/children/1/messages/1')

  const rolledBack = (await pushRows()).length
  await db.transaction().execute(async (trx) => {
    await createNotifications(trx, { recipientIds: [world.anna], childId: world.elsa, area: 'messages', kind: 'messageReceived', params: { from: 'X' }, link: '/x', now: clock.now() })
    throw new Error('the write failed')
  }).catch(() => {})
  t.equal((await pushRows()).length, rolledBack, 'no push without the write that caused it')

  await db.updateTable('persons').set({ locale: 'en' }).where('id', '=', world.anna).execute()
  await createNotifications(db, { recipientIds: [world.anna], childId: null, area: 'messages', kind: 'messageReceived', params: { from: 'Karin Berg' }, link: '/x', now: clock.now() })
  const en = (await pushRows()).at(-1)!.payload as { title: string; body: string }
  t.equal(en.body, 'New message from Karin Berg')
  t.equal(en.title, 'Hubben')
  await db.updateTable('persons').set({ locale: 'sv' }).where('id', '=', world.anna).execute()
})

t.test('opting out of an area stops its push, not its bell entries (works without JavaScript)', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.get('/settings')
  const all = ['information', 'calendar', 'blog', 'absence', 'talks', 'assessments', 'documentation', 'care-schedule']
  const res = await anna.post('/settings/push/areas', { area: all })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/settings#push')
  const page = await anna.get('/settings')
  t.match(page.body, /Valen för pushnotiser är sparade/)
  t.match(page.body, /name="area" value="messages">/, 'messages unticked')
  t.match(page.body, /name="area" value="blog" checked/)

  const before = (await pushRows()).length
  const bellBefore = Number((await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('recipient_id', '=', world.anna).executeTakeFirstOrThrow()).n)
  await createNotifications(db, { recipientIds: [world.anna], childId: world.elsa, area: 'messages', kind: 'messageReceived', params: { from: 'Karin Berg' }, link: '/y', now: clock.now() })
  t.equal((await pushRows()).length, before, 'no push for an area opted out of')
  const bellAfter = Number((await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('recipient_id', '=', world.anna).executeTakeFirstOrThrow()).n)
  t.equal(bellAfter, bellBefore + 1, 'the bell still has it')
  await createNotifications(db, { recipientIds: [world.anna], childId: world.elsa, area: 'blog', kind: 'messageReceived', params: { from: 'K' }, link: '/z', now: clock.now() })
  t.equal((await pushRows()).length, before + 2, 'other areas still push')

  await anna.post('/settings/push/areas', { area: ['messages', ...all] })
  t.match((await anna.get('/settings')).body, /name="area" value="messages" checked/)
})

t.test('delivery: sent, retried on 5xx, and a subscription answered 404/410 is deleted', async (t) => {
  await db.updateTable('outbox').set({ status: 'sent' }).where('channel', '=', 'push').where('status', '=', 'pending').execute()
  sent.length = 0
  await createNotifications(db, { recipientIds: [world.anna], childId: world.elsa, area: 'messages', kind: 'messageReceived', params: { from: 'Karin Berg' }, link: '/children/1/messages/9', now: clock.now() })
  const ids = (await pushRows()).slice(-2).map((r) => r.id)
  nextStatus = [201, 503]
  await ctx.deliver()
  t.equal(sent.length, 2)
  const body = JSON.parse(sent[0]!.body) as { title: string; body: string; url: string }
  t.same({ title: body.title, body: body.body, url: body.url }, { title: 'Hubben · Elsa', body: 'Nytt meddelande från Karin Berg', url: '/children/1/messages/9' })
  let rows = await db.selectFrom('outbox').select(['id', 'status', 'last_error']).where('id', 'in', ids).orderBy('id').execute()
  t.same(rows.map((r) => r.status), ['sent', 'pending'], '503 is retried')
  t.match(rows[1]!.last_error, /503/)

  nextStatus = [410]
  clock.set(new Date(clock.now().getTime() + 60_000))
  await ctx.deliver()
  rows = await db.selectFrom('outbox').select(['id', 'status', 'last_error']).where('id', 'in', ids).orderBy('id').execute()
  t.equal(rows[1]!.status, 'failed', 'a gone subscription cannot be delivered to')
  t.match(rows[1]!.last_error, /410: subscription removed/)
  const left = await db.selectFrom('push_subscriptions').select('endpoint').where('person_id', '=', world.anna).execute()
  t.equal(left.length, 1, 'the gone subscription is deleted, the other stays')

  const single = (await pushRows()).length
  await createNotifications(db, { recipientIds: [world.anna], childId: world.elsa, area: 'messages', kind: 'messageReceived', params: { from: 'K' }, link: '/w', now: clock.now() })
  t.equal((await pushRows()).length, single + 1, 'only the remaining device gets later notices')
  nextStatus = [404]
  await ctx.deliver()
  t.equal((await db.selectFrom('push_subscriptions').select('id').where('person_id', '=', world.anna).execute()).length, 0, '404 too')
  t.ok(removingGoneSubscriptions(db, ctx.channels.push!) === ctx.channels.push, 'the channel is wrapped once')
})

t.test('turning push off: one device from the page (JS), all devices with a plain form', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.get('/settings')
  const k = browserKeys()
  for (const e of ['a', 'b']) await anna.post('/settings/push/subscriptions', { endpoint: `https://push.example/${e}`, p256dh: k.p256dh, auth: k.auth })
  t.equal((await anna.post('/settings/push/subscriptions/remove', { endpoint: 'https://push.example/a' })).statusCode, 204)
  t.match((await anna.get('/settings')).body, /påslagna på 1 enhet\./)
  const maria = await loginAs(app, 'maria.nilsson')
  await maria.get('/settings')
  await maria.post('/settings/push/subscriptions/remove', { endpoint: 'https://push.example/b' })
  t.equal((await db.selectFrom('push_subscriptions').select('id').where('endpoint', '=', 'https://push.example/b').execute()).length, 1, 'nobody removes another person\'s device')
  const all = await anna.post('/settings/push/devices/remove')
  t.equal(all.statusCode, 303)
  t.match((await anna.get('/settings')).body, /Pushnotiser är avstängda på alla dina enheter/)
  t.equal((await db.selectFrom('push_subscriptions').select('id').where('person_id', '=', world.anna).execute()).length, 0)
})

t.test('VAPID keys: from the environment, generated into DATA_DIR in development, none in production without them', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hubben-vapid-'))
  const dev = loadConfig({ NODE_ENV: 'development', DATA_DIR: dir, SESSION_SECRET: 'x'.repeat(40) })
  const k1 = resolveVapid(dev, {})!
  t.ok(k1.publicKey.length > 80)
  const stored = JSON.parse(readFileSync(path.join(dir, 'vapid-keys.json'), 'utf8'))
  t.equal(stored.publicKey, k1.publicKey, 'kept in DATA_DIR so subscriptions survive restarts')
  t.equal(resolveVapid(dev, {})!.publicKey, k1.publicKey)
  const prod = loadConfig({ NODE_ENV: 'production', DATA_DIR: dir, SESSION_SECRET: 'x'.repeat(40), BASE_URL: 'https://hubben.example',
    DATABASE_URL: 'postgres://u@db/x', SMTP_URL: 'smtp://mail.example', SMS_API_URL: 'https://sms.example', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p' })
  t.equal(resolveVapid(prod, {}), null, 'production without keys: push off')
  const env = { VAPID_PUBLIC_KEY: k1.publicKey, VAPID_PRIVATE_KEY: k1.privateKey, VAPID_SUBJECT: 'mailto:it@kommun.example' }
  t.same(resolveVapid(prod, env), { publicKey: k1.publicKey, privateKey: k1.privateKey, subject: 'mailto:it@kommun.example' })
  t.throws(() => resolveVapid(prod, { VAPID_PUBLIC_KEY: 'abc' }), /both/)
})

/**
 * Decrypts an aes128gcm Web Push body (RFC 8291/8188) with the browser's keys, as the
 * browser would: proves the real sender encrypts for the subscription it was given.
 */
function decryptPush(body: Buffer, ecdh: ReturnType<typeof createECDH>, authSecret: Buffer): string {
  const salt = body.subarray(0, 16)
  const idlen = body[20]!
  const serverPublic = body.subarray(21, 21 + idlen)
  const ciphertext = body.subarray(21 + idlen)
  const shared = ecdh.computeSecret(serverPublic)
  const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest()
  const prkKey = hmac(authSecret, shared)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), serverPublic, Buffer.from([1])])
  const ikm = hmac(prkKey, keyInfo)
  const prk = hmac(salt, ikm)
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'binary')).subarray(0, 16)
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'binary')).subarray(0, 12)
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16))
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()])
  return plain.subarray(0, plain.lastIndexOf(2)).toString('utf8')
}

t.test('the real web-push sender against a local HTTPS push service: VAPID, encryption, 410', async (t) => {
  let cert: { key: string; cert: string }
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hubben-push-tls-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' })
    cert = { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') }
  } catch {
    t.comment('SKIPPED: openssl is not available to make a test certificate')
    return
  }
  const received: { headers: Record<string, unknown>; body: Buffer; path: string }[] = []
  const service = https.createServer(cert, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks), path: req.url ?? '' })
      res.statusCode = req.url === '/gone' ? 410 : 201
      res.end()
    })
  })
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => service.close(() => resolve())))
  const base = `https://127.0.0.1:${(service.address() as AddressInfo).port}`
  const vapid = resolveVapid(loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/hubben-test-unused', SESSION_SECRET: 'x'.repeat(40) }), {})!
  const channel = pushChannel(webPushSend(vapid, { agent: new https.Agent({ rejectUnauthorized: false }) }))
  const k = browserKeys()
  const payload = { subscriptionId: 1, personId: world.anna, endpoint: `${base}/device-1`, p256dh: k.p256dh, auth: k.auth, title: 'Hubben · Elsa', body: 'Nytt meddelande från Karin Berg', url: '/children/1/messages/1' }
  await channel(payload)
  const r = received[0]!
  t.equal(r.path, '/device-1')
  t.equal(r.headers['content-encoding'], 'aes128gcm')
  t.match(String(r.headers.authorization), new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`), 'VAPID authorization')
  t.equal(r.headers.ttl, String(24 * 3600))
  const decrypted = JSON.parse(decryptPush(r.body, k.ecdh, Buffer.from(k.auth, 'base64url')))
  t.same({ title: decrypted.title, body: decrypted.body, url: decrypted.url }, { title: 'Hubben · Elsa', body: 'Nytt meddelande från Karin Berg', url: '/children/1/messages/1' }, 'the browser can read it')
  await t.rejects(channel({ ...payload, endpoint: `${base}/gone` }), { name: 'Error', message: /410: subscription removed/ })
})
