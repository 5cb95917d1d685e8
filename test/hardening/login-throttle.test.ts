import t from 'tap'
import { buildTestApp, Client } from '../helpers/app.js'
import { loadConfig, ConfigError } from '../../src/config.js'
import { MAX_FAILURES_PER_ACCOUNT } from '../../src/auth/service.js'

const ctx = await buildTestApp({ env: { TRUST_PROXY: '1' } })
t.teardown(() => ctx.close())
const { app, db } = ctx

t.test('20 parallel guesses: at most N are evaluated', async (t) => {
  await db.deleteFrom('login_failures').execute()
  const c = new Client(app)
  await c.get('/login')
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.post('/login', { username: 'per.holm', password: `guess-${i}` })))
  const evaluated = results.filter((r) => r.statusCode === 422).length
  const throttled = results.filter((r) => r.statusCode === 429).length
  t.comment(`evaluated ${evaluated}, throttled ${throttled}`)
  t.ok(evaluated <= MAX_FAILURES_PER_ACCOUNT, `${evaluated} evaluated, at most ${MAX_FAILURES_PER_ACCOUNT}`)
  t.equal(evaluated + throttled, 20)
  // On PostgreSQL the refused attempts' reservations may have made fewer than N evaluate:
  // guess on until locked, then the right password is refused too.
  for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT && (await c.post('/login', { username: 'per.holm', password: `more-${i}` })).statusCode === 422; i++);
  t.equal((await c.post('/login', { username: 'per.holm', password: 'hubbendemo' })).statusCode, 429, 'the right password is refused too while locked')
})

t.test('a browser that logged in before is not locked out by strangers; strangers are', async (t) => {
  await db.deleteFrom('login_failures').execute()
  const known = new Client(app)
  await known.get('/login')
  const first = await known.post('/login', { username: 'lena.ek', password: 'hubbendemo' })
  t.equal(first.statusCode, 303)
  const set = [first.headers['set-cookie']].flat().find((c) => c?.startsWith('hubben_device='))
  t.ok(set, 'a device cookie is set')
  t.match(set!, /HttpOnly/)
  const deviceCookie = set!.split(';')[0]!
  await known.post('/logout')

  const stranger = new Client(app)
  await stranger.get('/login')
  for (let i = 0; i < 8; i++) await stranger.post('/login', { username: 'lena.ek', password: `wrong-${i}` }, { headers: { 'x-forwarded-for': '198.51.100.7' } })
  t.equal((await stranger.post('/login', { username: 'lena.ek', password: 'hubbendemo' }, { headers: { 'x-forwarded-for': '198.51.100.7' } })).statusCode, 429, 'a stranger is locked out')

  await known.get('/login')
  const back = await known.post('/login', { username: 'lena.ek', password: 'hubbendemo' }, { headers: { cookie: `${known.cookie}; ${deviceCookie}` } })
  t.equal(back.statusCode, 303, 'the known browser still logs in')

  const forged = deviceCookie.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'))
  const other = new Client(app)
  await other.get('/login')
  t.equal((await other.post('/login', { username: 'lena.ek', password: 'hubbendemo' }, { headers: { cookie: `${other.cookie}; ${forged}` } })).statusCode, 429, 'a forged device cookie does not help')
})

t.test('a known device has its own limit', async (t) => {
  await db.deleteFrom('login_failures').execute()
  const c = new Client(app)
  await c.get('/login')
  const first = await c.post('/login', { username: 'johan.ek', password: 'hubbendemo' })
  const deviceCookie = [first.headers['set-cookie']].flat().find((x) => x?.startsWith('hubben_device='))!.split(';')[0]!
  await c.post('/logout')
  await c.get('/login')
  const headers = () => ({ cookie: `${c.cookie}; ${deviceCookie}` })
  for (let i = 0; i < 5; i++) t.equal((await c.post('/login', { username: 'johan.ek', password: `wrong-${i}` }, { headers: headers() })).statusCode, 422)
  t.equal((await c.post('/login', { username: 'johan.ek', password: 'hubbendemo' }, { headers: headers() })).statusCode, 429)
})

t.test('TRUST_PROXY is a hop count or a list, never true; the address behind one proxy is the client', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), TRUST_PROXY: 'true' }), ConfigError)
  t.equal(loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), TRUST_PROXY: '2' }).trustProxy, 2)
  t.same(loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), TRUST_PROXY: '10.0.0.5, 10.0.1.0/24' }).trustProxy, ['10.0.0.5', '10.0.1.0/24'])
  t.equal(loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40) }).trustProxy, false)
  await db.deleteFrom('login_failures').execute()
  const c = new Client(app)
  await c.get('/login')
  for (let i = 0; i < 30; i++) await c.post('/login', { username: `probe${i}`, password: 'x' }, { headers: { 'x-forwarded-for': '203.0.113.5' } })
  t.equal((await c.post('/login', { username: 'karin.berg', password: 'hubbendemo' }, { headers: { 'x-forwarded-for': '203.0.113.5' } })).statusCode, 429, 'that client address is throttled')
  const other = await c.post('/login', { username: 'karin.berg', password: 'hubbendemo' }, { headers: { 'x-forwarded-for': '203.0.113.6' } })
  t.equal(other.statusCode, 303, 'another client behind the same proxy is not')
})
