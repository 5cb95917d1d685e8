import t from 'tap'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world } = ctx

t.test('the accessibility statement: open to all, in both languages, linked from every page\'s footer', async (t) => {
  const sv = await app.inject({ method: 'GET', url: '/tillganglighet' })
  t.equal(sv.statusCode, 200)
  t.match(sv.body, /<h1>Tillgänglighetsredogörelse<\/h1>/)
  t.match(sv.body, /Kända brister/)
  t.match(sv.body, /Rapportera brister/)
  t.match(sv.body, /DIGG/)
  const en = await app.inject({ method: 'GET', url: '/tillganglighet', headers: { 'accept-language': 'en' } })
  t.match(en.body, /<h1>Accessibility statement<\/h1>|<h1>Tillgänglighetsredogörelse<\/h1>/)
  const login = await app.inject({ method: 'GET', url: '/login?lang=en' })
  const cookie = String(login.headers['set-cookie'] ?? '').split(';')[0]!
  const enBySession = await app.inject({ method: 'GET', url: '/tillganglighet', headers: { cookie } })
  t.match(enBySession.body, /<h1>Accessibility statement<\/h1>/)
  t.match(enBySession.body, /Agency for Digital Government \(DIGG\)/)
  const anna = await loginAs(app, 'anna.lind')
  for (const url of ['/family', `/children/${world.elsa}`, '/settings']) {
    t.match((await anna.get(url)).body, /<footer[\s\S]*<a href="\/tillganglighet">Tillgänglighetsredogörelse<\/a>/, url)
  }
  t.match(login.body, /<a href="\/tillganglighet">Accessibility statement<\/a>/)
})
