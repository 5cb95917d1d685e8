import t from 'tap'
import { gzipSync } from 'node:zlib'
import { buildTestApp, Client, loginAs } from '../helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world } = ctx
const queries = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-hubben-queries'])

t.test('the login page is small: HTML, CSS and JS gzipped', async (t) => {
  const c = new Client(app)
  const page = await c.get('/login')
  const html = gzipSync(page.body).length
  const cssUrl = /href="(\/static\/css\/app\.css[^"]*)"/.exec(page.body)![1]!
  const jsUrl = /src="(\/static\/js\/htmx\.min\.js[^"]*)"/.exec(page.body)![1]!
  const css = gzipSync((await app.inject(cssUrl)).rawPayload).length
  const js = gzipSync((await app.inject(jsUrl)).rawPayload).length
  t.comment(`login page gzipped: HTML ${html} B, CSS ${css} B, JS (htmx) ${js} B, total ${html + css + js} B`)
  t.ok(html < 10_000, 'HTML under 10 KB')
  t.ok(css < 10_000, 'CSS under 10 KB')
  const scripts = [...page.body.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]!.split('?')[0])
  t.same(scripts, ['/static/js/htmx.min.js'], 'no JavaScript but htmx')
})

t.test('the start page makes a small, constant number of queries', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`/children/${world.elsa}`)
  t.equal(res.statusCode, 200)
  const n = queries(res)
  t.comment(`start page: ${n} SQL statements, ${gzipSync(res.body).length} B gzipped HTML`)
  t.ok(n > 0 && n <= 25, `start page queries (${n})`)
})
