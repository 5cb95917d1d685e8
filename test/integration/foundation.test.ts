import t from 'tap'
import { buildTestApp, Client, loginAs } from '../helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world } = ctx

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
})

t.test('a guardian logs in and lands on the first child\'s start page', async (t) => {
  const c = await loginAs(app, 'anna.lind')
  const res = await c.get('/start')
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/children/${world.elsa}`)
  const page = await c.get(`/children/${world.elsa}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Anna Lind · Elsa Lind/)
})
