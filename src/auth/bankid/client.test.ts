import t from 'tap'
import https from 'node:https'
import { BankIdClient, BankIdError } from './client.js'
import { generateCerts } from './simulator/certs.js'
import { ORDER_LIMIT_MS, START_LIMIT_MS, startSimulator } from './simulator/server.js'

// The production client against the simulator over HTTPS with mutual TLS and the test CA
// (certificates made in memory for this file).
const certs = generateCerts()
let now = Date.parse('2026-12-01T06:10:00Z')
const sim = await startSimulator({ certs, now: () => now })
const client = new BankIdClient({ url: sim.url, pfx: certs.clientPfx, passphrase: certs.passphrase, ca: certs.caPem, timeoutMs: 5000 })
t.teardown(async () => { client.close(); await sim.close() })

const ANNA = { personalNumber: '198503142385', givenName: 'Anna', surname: 'Lind' }
let ip = 10
const nextIp = () => `192.0.2.${ip++}`

/** The BankIdError's code the call failed with ('no error' when it did not fail, 'not a BankIdError'). */
async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'no error'
  } catch (e) {
    return e instanceof BankIdError ? e.errorCode : 'not a BankIdError'
  }
}

t.test('complete: pending hintCodes, then the person', async (t) => {
  const order = await client.auth({ endUserIp: nextIp() })
  t.match(order, { orderRef: /^[0-9a-f-]{36}$/, autoStartToken: /^[0-9a-f-]{36}$/, qrStartToken: /^[0-9a-f-]{36}$/, qrStartSecret: /^[0-9a-f]{32}$/ })
  t.same(await client.collect(order.orderRef), { orderRef: order.orderRef, status: 'pending', hintCode: 'outstandingTransaction' })
  t.ok(sim.scan(order.orderRef))
  t.same(await client.collect(order.orderRef), { orderRef: order.orderRef, status: 'pending', hintCode: 'started' })
  t.ok(sim.userSign(order.orderRef))
  t.same(await client.collect(order.orderRef), { orderRef: order.orderRef, status: 'pending', hintCode: 'userSign' })
  t.ok(sim.approve(order.orderRef, ANNA))
  const done = await client.collect(order.orderRef)
  t.equal(done.status, 'complete')
  if (done.status !== 'complete') return
  t.same(done.completionData.user, { personalNumber: '198503142385', name: 'Anna Lind', givenName: 'Anna', surname: 'Lind' })
  t.equal(done.completionData.device.ipAddress, `192.0.2.${ip - 1}`)
  t.match(done.completionData, { bankIdIssueDate: /^\d{4}-\d{2}-\d{2}$/, signature: /^[A-Za-z0-9+/=]+$/, ocspResponse: /^[A-Za-z0-9+/=]+$/ })
  t.notOk(sim.approve(order.orderRef, ANNA), 'a finished order cannot be approved again')
})

t.test('cancel by the relying party; the person cancelling in the app', async (t) => {
  const a = await client.auth({ endUserIp: nextIp() })
  await client.cancel(a.orderRef)
  t.same(await client.collect(a.orderRef), { orderRef: a.orderRef, status: 'failed', hintCode: 'cancelled' })
  const b = await client.auth({ endUserIp: nextIp() })
  t.ok(sim.userCancel(b.orderRef))
  t.same(await client.collect(b.orderRef), { orderRef: b.orderRef, status: 'failed', hintCode: 'userCancel' })
  t.equal(await errorOf(client.cancel('00000000-0000-0000-0000-000000000000')), 'invalidParameters')
})

t.test('expire: 30 s without a scan, 3 minutes in all, or let run out from the phone', async (t) => {
  const a = await client.auth({ endUserIp: nextIp() })
  now += START_LIMIT_MS
  t.same(await client.collect(a.orderRef), { orderRef: a.orderRef, status: 'failed', hintCode: 'startFailed' })
  const b = await client.auth({ endUserIp: nextIp() })
  sim.scan(b.orderRef)
  now += START_LIMIT_MS
  t.equal((await client.collect(b.orderRef)).status, 'pending', 'scanned in time: still pending after 30 s')
  now += ORDER_LIMIT_MS - START_LIMIT_MS
  t.same(await client.collect(b.orderRef), { orderRef: b.orderRef, status: 'failed', hintCode: 'expiredTransaction' })
  const c = await client.auth({ endUserIp: nextIp() })
  t.ok(sim.expire(c.orderRef))
  t.same(await client.collect(c.orderRef), { orderRef: c.orderRef, status: 'failed', hintCode: 'expiredTransaction' })
  now += 10 * 60_000
  t.equal(await errorOf(client.collect(c.orderRef)), 'invalidParameters')
})

t.test('alreadyInProgress: a second order from the same address (or person) aborts both', async (t) => {
  const address = nextIp()
  const a = await client.auth({ endUserIp: address })
  t.equal(await errorOf(client.auth({ endUserIp: address })), 'alreadyInProgress')
  t.same(await client.collect(a.orderRef), { orderRef: a.orderRef, status: 'failed', hintCode: 'cancelled' }, 'the pending order is aborted')
  t.ok(await client.auth({ endUserIp: address }), 'and a new try works')
  const p = await client.auth({ endUserIp: nextIp(), requirement: { personalNumber: '198307212392' } })
  t.equal(await errorOf(client.auth({ endUserIp: nextIp(), requirement: { personalNumber: '198307212392' } })), 'alreadyInProgress')
  t.equal((await client.collect(p.orderRef)).status, 'failed')
})

t.test('invalid parameters and unsupported media type come back typed', async (t) => {
  t.equal(await errorOf(client.auth({ endUserIp: 'not an address' })), 'invalidParameters')
  t.equal(await errorOf(client.collect('')), 'invalidParameters')
  // A request that is not JSON, over the same mutual TLS.
  const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.request(`${sim.url}/collect`, {
      method: 'POST', pfx: certs.clientPfx, passphrase: certs.passphrase, ca: certs.caPem, headers: { 'content-type': 'text/plain' },
    }, (r) => { let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => resolve({ status: r.statusCode!, body: b })) })
    req.on('error', reject)
    req.end('orderRef=x')
  })
  t.equal(res.status, 415)
  t.same(JSON.parse(res.body), { errorCode: 'unsupportedMediaType', details: 'Content-Type must be application/json' })
})

t.test('a client without the relying party certificate is refused at the TLS handshake', async (t) => {
  const address = nextIp()
  const outcome = await new Promise<string>((resolve) => {
    const req = https.request(`${sim.url}/auth`, { method: 'POST', ca: certs.caPem, headers: { 'content-type': 'application/json' } }, (r) => resolve(`HTTP ${r.statusCode}`))
    req.on('error', (e) => resolve(`refused: ${e.message}`))
    req.end(JSON.stringify({ endUserIp: address }))
  })
  t.match(outcome, /^refused: /, 'no answer without a client certificate')
  t.equal(sim.pending().filter((o) => o.endUserIp === address).length, 0, 'no order was made')
})

t.test('a client that does not pin the test CA does not trust the simulator', async (t) => {
  const other = generateCerts()
  const c = new BankIdClient({ url: sim.url, pfx: certs.clientPfx, passphrase: certs.passphrase, ca: other.caPem, timeoutMs: 5000 })
  t.teardown(() => c.close())
  t.equal(await errorOf(c.auth({ endUserIp: nextIp() })), 'transport')
})

t.test('a client certificate from another CA is refused', async (t) => {
  const other = generateCerts()
  const c = new BankIdClient({ url: sim.url, pfx: other.clientPfx, passphrase: other.passphrase, ca: certs.caPem, timeoutMs: 5000 })
  t.teardown(() => c.close())
  t.equal(await errorOf(c.auth({ endUserIp: nextIp() })), 'transport')
})

t.test('a wrong passphrase fails when the client is made', async (t) => {
  t.throws(() => new BankIdClient({ url: sim.url, pfx: certs.clientPfx, passphrase: 'wrong', ca: certs.caPem }))
})

t.test('no answer in time: timeout', async (t) => {
  const net = await import('node:net')
  const silent = net.createServer(() => {}).listen(0, '127.0.0.1')
  await new Promise((r) => silent.once('listening', r))
  const port = (silent.address() as { port: number }).port
  const c = new BankIdClient({ url: `https://127.0.0.1:${port}/rp/v6.0`, pfx: certs.clientPfx, passphrase: certs.passphrase, ca: certs.caPem, timeoutMs: 300 })
  t.teardown(() => { c.close(); silent.close() })
  t.equal(await errorOf(c.auth({ endUserIp: nextIp() })), 'timeout')
})
