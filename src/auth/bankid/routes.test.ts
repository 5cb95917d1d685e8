import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, loginAs, type Client } from '../../../test/helpers/app.js'
import { requireLogin } from '../../web/guards.js'
import { requireStepUp } from '../../web/step-up.js'
import { BankIdClient } from './client.js'
import { generateCerts } from './simulator/certs.js'
import { startSimulator } from './simulator/server.js'

// The BankID pages against the simulator over mutual TLS, with a route behind requireStepUp
// standing in for Bedömningar. `wall` is BankID's own time (QR seconds, collect pace);
// ctx.clock is the app's (the step-up's minutes).
const certs = generateCerts()
let wall = Date.parse('2026-12-01T06:10:00Z')
const sim = await startSimulator({ certs, now: () => wall })
const client = new BankIdClient({ url: sim.url, pfx: certs.clientPfx, passphrase: certs.passphrase, ca: certs.caPem })
const logs: string[] = []
const ctx = await buildTestApp({
  bankid: { client, simulator: sim, now: () => wall },
  logger: { level: 'info', stream: { write: (s: string) => logs.push(s) } },
  async register(app: FastifyInstance) {
    app.get('/protected', { preHandler: [requireLogin, requireStepUp] }, async () => 'the protected page')
    app.post('/protected', { preHandler: [requireLogin, requireStepUp] }, async () => 'posted')
  },
})
t.teardown(async () => { await ctx.close(); client.close(); await sim.close() })

const PNR = { anna: '198503142385', erik: '198307212392', elsa: '201603152388' }
const person = (pnr: string, givenName: string) => ({ personalNumber: pnr, givenName, surname: 'Lind' })

/** Starts an order as the client, returns its reference (from the simulator: the page never shows it). */
async function start(c: Client, mode: 'qr' | 'device' = 'qr', next = '/protected') {
  const before = new Set(sim.pending().map((o) => o.orderRef))
  const res = await c.post('/bankid/start', { mode, next })
  if (res.statusCode !== 303) throw new Error(`start: ${res.statusCode} ${res.body.slice(0, 200)}`)
  const order = sim.pending().find((o) => !before.has(o.orderRef))!
  return { res, ref: order.orderRef }
}
/** BankID's two seconds between collects pass. */
const tick = () => { wall += 2000 }

t.test('without a step-up: sent to BankID (GET), htmx told where to go, other methods refused', async (t) => {
  const anna = await loginAs(ctx.app, 'anna.lind')
  const res = await anna.get('/protected?tab=iup')
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/bankid?next=%2Fprotected%3Ftab%3Diup')
  const hx = await anna.get('/protected', { 'hx-request': 'true' })
  t.equal(hx.headers['hx-redirect'], '/bankid?next=%2Fprotected')
  t.equal((await anna.post('/protected', {})).statusCode, 403)
  const anon = await ctx.app.inject({ method: 'GET', url: '/bankid?next=/protected' })
  t.equal(anon.statusCode, 303, 'the BankID page needs a login first')
  t.match(anon.headers.location, /^\/login\?next=/)
})

t.test('the BankID page: why, the two ways, the simulator link; an unsafe next is dropped', async (t) => {
  const anna = await loginAs(ctx.app, 'anna.lind')
  const res = await anna.get('/bankid?next=/protected')
  t.equal(res.statusCode, 200)
  t.match(res.body, 'BankID på den här enheten')
  t.match(res.body, 'Mobilt BankID på annan enhet')
  t.match(res.body, 'href="/dev/bankid"')
  t.match(res.body, 'Öppna BankID-simulatorn')
  t.match(res.body, 'name="next" value="/protected"')
  t.match(res.body, '15 minuter')
  t.notMatch(res.body, /19850314|8503142385/, 'no personal identity number in the page')
  const evil = await anna.get('/bankid?next=https://evil.example/x')
  t.match(evil.body, 'name="next" value="/"')
})

t.test('QR: the page polls, BankID is collected at most every 2 s, the right person gets the step-up and lands on next', async (t) => {
  const anna = await loginAs(ctx.app, 'anna.lind')
  const { res, ref } = await start(anna)
  t.equal(res.headers.location, '/bankid/order')
  const order = sim.order(ref)!
  t.equal(order.endUserIp, '127.0.0.1', 'endUserIp is the request\'s address')

  const page = await anna.get('/bankid/order')
  t.equal(page.statusCode, 200)
  t.match(page.body, '<noscript><meta http-equiv="refresh" content="2"></noscript>', 'without JavaScript the page refreshes itself')
  t.match(page.body, /<svg role="img" aria-label="QR-kod för BankID"/)
  t.match(page.body, 'Starta BankID-appen.', 'RFA1')
  t.match(page.body, 'hx-get="/bankid/order"')
  t.match(page.body, 'action="/bankid/cancel"')
  t.match(page.body, '>Uppdatera<')
  for (const secret of [order.qrStartSecret, order.orderRef]) t.notMatch(page.body, secret, 'neither the QR secret nor the order reference in the page')
  t.equal(page.headers['cache-control'], 'no-store')

  // htmx asks for the fragment: a new QR code every second, BankID's message.
  wall += 1000
  const frag = await anna.get('/bankid/order', { 'hx-request': 'true' })
  t.notMatch(frag.body, '<html')
  t.match(frag.body, /^\s*<div id="bankid-order"/)
  t.not(frag.body.match(/<svg[\s\S]*<\/svg>/)![0], page.body.match(/<svg[\s\S]*<\/svg>/)![0], 'the QR code changed after a second')

  // The phone: the simulator's page shows the order and names, numbers only masked.
  const phone = await anna.get('/dev/bankid')
  t.equal(phone.statusCode, 200)
  t.match(phone.body, 'Anna Lind (19850314-****)')
  t.notMatch(phone.body, /8503142385|8307212392|1603152388/, 'no full personal identity number on the phone page')
  sim.scan(ref)
  tick()
  t.match((await anna.get('/bankid/order')).body, 'Söker efter BankID', 'started: RFA15')
  const approve = await anna.post('/dev/bankid', { ref, action: 'approve', person: String(ctx.world.anna) })
  t.equal(approve.statusCode, 303)
  t.equal(sim.order(ref)!.status, 'complete')

  // Less than two seconds since the last collect: BankID is not asked again yet.
  wall += 500
  t.equal((await anna.get('/bankid/order')).statusCode, 200, 'still the last answer')
  tick()
  const done = await anna.get('/bankid/order')
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, '/protected')
  const open = await anna.get('/protected')
  t.equal(open.statusCode, 200)
  t.equal(open.body, 'the protected page')
  t.equal((await anna.get('/bankid?next=/protected')).headers.location, '/protected', 'with a step-up the BankID page goes straight on')
  t.equal((await anna.get('/bankid/order')).headers.location, '/bankid', 'the order is gone')
})

t.test('htmx: a completed order sends the browser on with HX-Redirect', async (t) => {
  const erik = await loginAs(ctx.app, 'erik.lind')
  const { ref } = await start(erik, 'device')
  const page = await erik.get('/bankid/order')
  const order = sim.order(ref)!
  t.match(page.body, `href="bankid:///?autostarttoken=${order.autoStartToken}&amp;redirect=null"`, 'the autostart link')
  t.match(page.body, 'Försöker starta BankID-appen.', 'RFA13')
  t.notMatch(page.body, 'bankid-qr', 'no QR code on this device')
  sim.userSign(ref)
  tick()
  t.match((await erik.get('/bankid/order', { 'hx-request': 'true' })).body, 'Skriv in din säkerhetskod i BankID-appen', 'userSign: RFA9')
  sim.approve(ref, person(PNR.erik, 'Erik'))
  tick()
  const done = await erik.get('/bankid/order', { 'hx-request': 'true' })
  t.equal(done.statusCode, 200)
  t.equal(done.headers['hx-redirect'], '/protected')
  t.equal((await erik.get('/protected')).statusCode, 200)
})

t.test('another person\'s BankID: refused, audited without the number, no step-up', async (t) => {
  const anna = await loginAs(ctx.app, 'anna.lind')
  const { ref } = await start(anna)
  sim.approve(ref, person(PNR.erik, 'Erik'))
  tick()
  const res = await anna.get('/bankid/order')
  t.equal(res.statusCode, 403)
  t.match(res.body, 'Det BankID du använde tillhör inte dig')
  t.match(res.body, 'Försök igen')
  t.notMatch(res.body, /8307212392|8503142385/)
  const rows = await ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'bankid.refused').where('order_ref', '=', ref).execute()
  t.equal(rows.length, 1)
  t.match(rows[0], { actor_id: ctx.world.anna, actor_role: 'guardian', child_id: null, order_ref: ref })
  // The order reference is a random UUID (it may hold ten digits in a row); the rest may not.
  t.notMatch(JSON.stringify({ ...rows[0], order_ref: null }), /\d{10}/, 'no personal identity number in the audit row')
  t.notMatch(JSON.stringify(rows), /8307212392|8503142385/, 'neither person\'s number anywhere in it')
  t.equal((await anna.get('/protected')).statusCode, 303, 'still no step-up')
})

t.test('a person without a personal identity number on file is refused', async (t) => {
  const karin = await loginAs(ctx.app, 'karin.berg')
  const { ref } = await start(karin)
  sim.approve(ref, person(PNR.anna, 'Anna'))
  tick()
  t.equal((await karin.get('/bankid/order')).statusCode, 403)
  const row = await ctx.db.selectFrom('audit_log').selectAll().where('order_ref', '=', ref).executeTakeFirstOrThrow()
  t.match(row, { action: 'bankid.refused', actor_id: ctx.world.karin, detail: 'no personal identity number on file' })
  t.equal((await karin.get('/protected')).statusCode, 303)
})

t.test('a pupil steps up for herself', async (t) => {
  const elsa = await loginAs(ctx.app, 'elsa.lind')
  const { ref } = await start(elsa, 'qr', '/protected?child=1')
  sim.approve(ref, person(PNR.elsa, 'Elsa'))
  tick()
  t.equal((await elsa.get('/bankid/order')).headers.location, '/protected?child=1')
  t.equal((await elsa.get('/protected')).statusCode, 200)
})

t.test('the step-up lasts 15 minutes without a request, moves with use, and ends at logout', async (t) => {
  const anna = await loginAs(ctx.app, 'anna.lind')
  const { ref } = await start(anna)
  sim.approve(ref, person(PNR.anna, 'Anna'))
  tick()
  t.equal((await anna.get('/bankid/order')).statusCode, 303)
  const t0 = ctx.clock.now().getTime()
  try {
    ctx.clock.set(new Date(t0 + 10 * 60_000))
    t.equal((await anna.get('/protected')).statusCode, 200, 'after 10 minutes: still valid (and moved forward)')
    ctx.clock.set(new Date(t0 + 20 * 60_000))
    t.equal((await anna.get('/protected')).statusCode, 200, '10 minutes after the last request: still valid')
    ctx.clock.set(new Date(t0 + 36 * 60_000))
    const expired = await anna.get('/protected')
    t.equal(expired.statusCode, 303, '16 minutes without a request: asked again')
    t.equal(expired.headers.location, '/bankid?next=%2Fprotected')
  } finally {
    ctx.clock.set(new Date(t0))
  }

  const erik = await loginAs(ctx.app, 'erik.lind')
  const second = await start(erik)
  sim.approve(second.ref, person(PNR.erik, 'Erik'))
  tick()
  await erik.get('/bankid/order')
  t.equal((await erik.get('/protected')).statusCode, 200)
  const cookie = erik.cookie
  await erik.post('/logout', {})
  const reused = await ctx.app.inject({ method: 'GET', url: '/protected', headers: { cookie } })
  t.equal(reused.statusCode, 303, 'the old session cookie gives nothing after logout')
  t.match(reused.headers.location, /^\/login/)
  const again = await loginAs(ctx.app, 'erik.lind')
  t.equal((await again.get('/protected')).statusCode, 303, 'a new login needs BankID again')
})

t.test('failed and cancelled orders: a clear message and a way to try again', async (t) => {
  const maria = await loginAs(ctx.app, 'maria.nilsson')
  const a = await start(maria)
  sim.userCancel(a.ref)
  tick()
  const cancelled = await maria.get('/bankid/order')
  t.equal(cancelled.statusCode, 200)
  t.match(cancelled.body, 'Åtgärden avbröts.', 'userCancel: RFA6')
  t.match(cancelled.body, 'action="/bankid/start"')
  t.notMatch(cancelled.body, 'http-equiv="refresh"', 'no more refreshing')

  const b = await start(maria)
  sim.expire(b.ref)
  tick()
  t.match((await maria.get('/bankid/order')).body, 'BankID-appen svarar inte', 'expiredTransaction: RFA8')

  const c = await start(maria)
  const res = await maria.post('/bankid/cancel', { next: '/protected' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/bankid?next=%2Fprotected')
  t.equal(sim.order(c.ref)!.hintCode, 'cancelled', 'the order is cancelled at BankID')
  t.match((await maria.get('/bankid?next=/protected')).body, 'Legitimeringen avbröts.')

  // A new order in the same session cancels the last one first.
  const d = await start(maria)
  const e = await start(maria)
  t.equal(sim.order(d.ref)!.status, 'failed')
  t.equal(sim.order(e.ref)!.status, 'pending')
  await maria.post('/bankid/cancel', {})
})

t.test('an order already in progress from this address (another session): RFA4, and trying again works', async (t) => {
  const anna = await loginAs(ctx.app, 'anna.lind')
  const erik = await loginAs(ctx.app, 'erik.lind')
  const first = await start(anna)
  const res = await erik.post('/bankid/start', { mode: 'qr', next: '/protected' })
  t.equal(res.statusCode, 409)
  t.match(res.body, 'pågår redan')
  t.equal(sim.order(first.ref)!.status, 'failed', 'BankID aborted the pending order')
  const retry = await start(erik)
  t.equal(retry.res.statusCode, 303)
  await erik.post('/bankid/cancel', {})
})

t.test('no personal identity number, order secret or token in the logs', async (t) => {
  const all = logs.join('')
  t.ok(all.length > 0, 'something was logged')
  t.notMatch(all, /8503142385|8307212392|1603152388|8811092389/)
  for (const o of [...sim.pending()]) t.notMatch(all, o.qrStartSecret)
})

t.test('BankID not configured: the page says so and nothing opens', async (t) => {
  const bare = await buildTestApp({
    async register(app: FastifyInstance) {
      app.get('/protected', { preHandler: [requireLogin, requireStepUp] }, async () => 'the protected page')
    },
  })
  t.teardown(() => bare.close())
  const anna = await loginAs(bare.app, 'anna.lind')
  t.equal((await anna.get('/protected')).headers.location, '/bankid?next=%2Fprotected')
  const page = await anna.get('/bankid?next=/protected')
  t.equal(page.statusCode, 200, 'a page that says so (not an error of the server)')
  t.match(page.body, 'BankID är inte tillgängligt just nu')
  t.notMatch(page.body, 'action="/bankid/start"')
  t.notMatch(page.body, '/dev/bankid', 'no simulator')
  t.equal((await bare.app.inject({ method: 'GET', url: '/dev/bankid' })).statusCode, 404)
  const start = await anna.post('/bankid/start', { mode: 'qr', next: '/protected' })
  t.equal(start.headers.location, '/bankid?next=%2Fprotected')
})

t.test('production: the simulator\'s phone page is never mounted, and no link to it', async (t) => {
  const PROD = {
    NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/x', SMTP_URL: 'smtp://mail.example:587',
    SMS_API_URL: 'https://sms.example/a1/sms', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p',
  }
  const prod = await buildTestApp({ seed: false, env: PROD, bankid: { client, simulator: sim, now: () => wall } })
  t.teardown(() => prod.close())
  t.equal((await prod.app.inject('/dev/bankid')).statusCode, 404)
})
