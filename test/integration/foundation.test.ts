import t from 'tap'
import { buildTestApp, Client, loginAs } from '../helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world, db } = ctx

const tileKeys = (html: string) => [...html.matchAll(/class="tile tile--([a-z-]+)"/g)].map((m) => m[1])

t.test('/ sends a visitor to the Swedish login page', async (t) => {
  const c = new Client(app)
  const res = await c.get('/')
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/login')
  const login = await c.get('/login')
  t.equal(login.statusCode, 200)
  t.match(login.body, /<html lang="sv">/)
  t.match(login.body, /Användarnamn/)
  t.match(login.body, /Lösenord/)
  t.match(login.body, />Logga in</)
  t.match(login.body, /Glömt lösenord\?/)
  const en = await c.get('/login?lang=en')
  t.match(en.body, /<html lang="en">/)
  t.match(en.body, /Username/)
})

t.test('security headers: strict CSP, no inline script, cookie flags', async (t) => {
  const c = new Client(app)
  const res = await c.get('/login')
  const csp = String(res.headers['content-security-policy'])
  t.match(csp, /script-src 'self'/)
  t.notMatch(csp, /unsafe-inline/)
  t.notMatch(csp, /upgrade-insecure-requests/, 'not over plain http')
  t.notMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script element')
  t.notMatch(res.body, /\sstyle="/, 'no style attributes')
  const cookie = String(res.headers['set-cookie'])
  t.match(cookie, /HttpOnly/)
  t.match(cookie, /SameSite=Lax/)
})

t.test('a guardian of two logs in and lands on the family page, each child a link away (issue 18)', async (t) => {
  const c = new Client(app)
  await c.get('/login')
  const before = c.cookie
  const res = await c.post('/login', { username: 'Anna.Lind', password: 'hubbendemo' })
  t.equal(res.statusCode, 303)
  t.not(c.cookie, before, 'a new session id at login')
  t.equal((await c.get('/')).headers.location, '/start')
  const start = await c.get('/start')
  t.equal(start.headers.location, '/family')
  t.match((await c.get('/family')).body, `href="/children/${world.elsa}"`)
  const page = await c.get(`/children/${world.elsa}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Anna Lind · Elsa Lind/)
  t.match(page.body, /href="\/notifications"/)
  t.match(page.body, /<span class="visually-hidden">\d+ nya? notis(er)?<\/span>/, 'bell count as text for screen readers')
  t.match(page.body, /href="\/profile"/)
  t.match(page.body, /href="\/settings"/)
})

t.test('wrong credentials: one generic message, 422, username kept', async (t) => {
  const c = new Client(app)
  const wrongPassword = await c.post('/login', { username: 'erik.lind', password: 'not the password' })
  const unknownUser = await c.post('/login', { username: 'nobody.here', password: 'not the password' })
  t.equal(wrongPassword.statusCode, 422)
  t.equal(unknownUser.statusCode, 422)
  t.match(wrongPassword.body, /Användarnamnet eller lösenordet stämmer inte/)
  t.match(unknownUser.body, /Användarnamnet eller lösenordet stämmer inte/)
  t.match(wrongPassword.body, /value="erik.lind"/)
})

t.test('boxes shown follow SPEC.md section 1', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const elsaTiles = tileKeys((await anna.get(`/children/${world.elsa}`)).body)
  t.same(elsaTiles, ['messages', 'talks', 'timetable', 'absence', 'information', 'assessments', 'plans', 'documentation', 'calendar', 'blog', 'care-schedule'], 'guardian, school child in fritids')
  const olleTiles = tileKeys((await anna.get(`/children/${world.olle}`)).body)
  t.same(olleTiles, ['messages', 'absence', 'information', 'calendar', 'blog', 'care-schedule'], 'guardian, preschool child')
  t.match((await anna.get(`/children/${world.olle}`)).body, /Tidsregistrering/)

  const maria = await loginAs(app, 'maria.nilsson')
  const samTiles = tileKeys((await maria.get(`/children/${world.sam}`)).body)
  t.notOk(samTiles.includes('care-schedule'), 'no fritids schedule for a child not enrolled in fritids')

  const elsa = await loginAs(app, 'elsa.lind')
  const pupilTiles = tileKeys((await elsa.get(`/children/${world.elsa}`)).body)
  t.same(pupilTiles, ['messages', 'timetable', 'absence', 'information', 'assessments', 'plans', 'documentation', 'calendar', 'blog'], 'pupil')
})

// Development talks' rule (shown only while bookable times or a booking exist) is tested
// with the box: src/boxes/talks/routes.test.ts.

t.test('a guardian reaches only their own children; others are 404', async (t) => {
  const maria = await loginAs(app, 'maria.nilsson')
  for (const path of [`/children/${world.elsa}`, `/children/${world.olle}`, `/children/${world.elsa}/messages`, `/children/${world.anna}`, '/children/999999', '/children/abc', '/children/1e3']) {
    t.equal((await maria.get(path)).statusCode, 404, path)
  }
  const res = await maria.get(`/children/${world.elsa}`)
  t.match(res.body, /Sidan finns inte/)
  t.notMatch(res.body, /Elsa/)
})

t.test('a pupil reaches only themself; guardian-only boxes answer 403', async (t) => {
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get(`/children/${world.sam}`)).statusCode, 404)
  t.equal((await elsa.get(`/children/${world.olle}`)).statusCode, 404)
  t.equal((await elsa.get(`/children/${world.elsa}/care-schedule`)).statusCode, 403)
  t.equal((await elsa.get(`/children/${world.elsa}/timetable`)).statusCode, 200)
})

t.test('staff reach the children of their own units only', async (t) => {
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.get(`/children/${world.elsa}`)).statusCode, 404, 'preschool staff on a school child')
  t.equal((await johan.get(`/children/${world.olle}`)).statusCode, 200)
  const staffHome = await johan.get('/staff')
  t.equal(staffHome.statusCode, 200)
  t.match(staffHome.body, /Förskolan Humlan/)
  t.notMatch(staffHome.body, /Solbackaskolan/)
  t.equal((await johan.get('/')).headers.location, '/staff')
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get('/staff')).statusCode, 404, 'guardians have no staff area')
})

t.test('a box that does not apply to the child is 404', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get(`/children/${world.olle}/timetable`)).statusCode, 404, 'no timetable in preschool')
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(`/children/${world.sam}/care-schedule`)).statusCode, 404, 'not enrolled in fritids')
})

t.test('child switch: the profile lists the children and remembers the choice', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const profile = await anna.get('/profile')
  t.match(profile.body, new RegExp(`href="/children/${world.elsa}"`))
  t.match(profile.body, new RegExp(`href="/children/${world.olle}"`))
  await anna.get(`/children/${world.olle}`)
  // Two children: /start is the family page (issue 18); the bar remembers the chosen child.
  t.equal((await anna.get('/start')).headers.location, '/family')
  t.match((await anna.get('/family')).body, /Anna Lind · Olle Lind/)
  t.match((await anna.get('/settings')).body, /Anna Lind · Olle Lind/)
})

t.test('POST without a valid CSRF token is refused', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const missing = await anna.post('/settings/language', { locale: 'en' }, { csrf: false })
  t.equal(missing.statusCode, 403)
  t.match(missing.body, /Formuläret har gått ut/)
  const wrong = await anna.post('/settings/language', { locale: 'en' }, { csrf: 'forged' })
  t.equal(wrong.statusCode, 403)
  const row = await db.selectFrom('persons').select('locale').where('id', '=', world.anna).executeTakeFirstOrThrow()
  t.equal(row.locale, 'sv')
})

t.test('logout ends the session', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const cookie = anna.cookie
  await anna.get('/profile')
  const out = await anna.post('/logout')
  t.equal(out.statusCode, 303)
  t.equal(out.headers.location, '/login?out=1')
  const again = await app.inject({ method: 'GET', url: '/profile', headers: { cookie } })
  t.equal(again.statusCode, 303, 'the old cookie no longer works')
  t.match(String(again.headers.location), /^\/login\?next=/)
})

t.test('sessions expire after the idle limit', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get('/profile')).statusCode, 200)
  const start = ctx.clock.now()
  ctx.clock.set(new Date(start.getTime() + 121 * 60_000))
  t.equal((await anna.get('/profile')).statusCode, 303)
  ctx.clock.set(start)
})

t.test('unknown pages: 404 in the person\'s language, no stack trace', async (t) => {
  const res = await new Client(app).get('/no/such/page')
  t.equal(res.statusCode, 404)
  t.match(res.body, /Sidan finns inte/)
  t.notMatch(res.body, /at .*\.ts:\d+/)
})

t.test('health endpoints', async (t) => {
  const h = await app.inject('/healthz')
  t.equal(h.statusCode, 200)
  const r = await app.inject('/readyz')
  t.equal(r.statusCode, 200)
  t.same(r.json(), { status: 'ok', database: 'ok' })
})

t.test('htmx is served from the package with a long cache', async (t) => {
  const page = await new Client(app).get('/login')
  const src = /<script src="(\/static\/js\/htmx\.min\.js\?v=[0-9a-f]+)" defer><\/script>/.exec(page.body)?.[1]
  t.ok(src)
  const js = await app.inject(src!)
  t.equal(js.statusCode, 200)
  t.match(String(js.headers['cache-control']), /immutable/)
  t.match(js.body, /htmx/)
  const css = await app.inject(/href="(\/static\/css\/app\.css\?v=[0-9a-f]+)"/.exec(page.body)![1]!)
  t.equal(css.statusCode, 200)
})

t.test('fragments only for plain htmx requests; boosted and history-restore get the page', async (t) => {
  const { wantsFragment } = await import('../../src/web/rendering.js')
  const req = (h: Record<string, string>) => ({ headers: h }) as never
  t.ok(wantsFragment(req({ 'hx-request': 'true' })))
  t.notOk(wantsFragment(req({})))
  t.notOk(wantsFragment(req({ 'hx-request': 'true', 'hx-boosted': 'true' })))
  t.notOk(wantsFragment(req({ 'hx-request': 'true', 'hx-history-restore-request': 'true' })))
})
