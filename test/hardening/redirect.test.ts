import t from 'tap'
import { safeNext } from '../../src/web/redirect.js'
import { buildTestApp, Client, loginAs } from '../helpers/app.js'

const HOSTILE = [
  '/\t/evil.example', '/\n/evil.example', '/\r/evil.example', '//evil.example', '/\\evil.example', '\\\\evil.example',
  'https://evil.example/', 'http://hubben.test.evil.example/', 'javascript:alert(1)', '/%09/evil.example',
  ' //evil.example', '/\u0000/evil.example', '', 'start', 'http://hubben.test/start',
]

t.test('safeNext accepts only paths on this origin', async (t) => {
  for (const next of HOSTILE) {
    const out = safeNext(next, 'http://hubben.test')
    t.ok(out === null || (out.startsWith('/') && !out.startsWith('//') && new URL(out, 'http://hubben.test').host === 'hubben.test'), `${JSON.stringify(next)} -> ${out}`)
  }
  t.equal(safeNext('/\t/evil.example', 'http://hubben.test'), null)
  t.equal(safeNext('//evil.example', 'http://hubben.test'), null)
  t.equal(safeNext('/children/3/messages?x=1#a', 'http://hubben.test'), '/children/3/messages?x=1#a')
  t.equal(safeNext('/start', 'https://hubben.example/'), '/start')
  t.equal(safeNext(['/start'], 'http://hubben.test'), null)
})

const ctx = await buildTestApp()
t.teardown(() => ctx.close())

t.test('/login?next= with a tab in the path does not leave the site', async (t) => {
  const c = await loginAs(ctx.app, 'anna.lind')
  const res = await c.get('/login?next=%2F%09%2Fevil.example')
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/')
  const res2 = await c.get('/login?next=%2Fprofile')
  t.equal(res2.headers.location, '/profile')
})

t.test('the login form and its POST drop an off-site next', async (t) => {
  const c = new Client(ctx.app)
  const page = await c.get('/login?next=%2F%09%2Fevil.example')
  t.notMatch(page.body, /evil\.example/)
  const res = await c.post('/login', { username: 'anna.lind', password: 'hubbendemo', next: '/\t/evil.example' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/')
})
