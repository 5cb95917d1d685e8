import t from 'tap'
import { readFile } from 'node:fs/promises'
import { buildTestApp, loginAs } from '../../../test/helpers/app.js'

// The timetable offline (issue 18): what the server gives the service worker to work with.
// The worker itself (public/sw.js) is tested in the browser: test/e2e/offline-timetable.spec.ts.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world, db } = ctx

t.test('the week page carries a hidden "saved … offline" note and loads the worker\'s script; no inline script', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`/children/${world.elsa}/timetable?week=2026-W50`)
  t.equal(res.statusCode, 200)
  t.match(res.body, '<p class="offline-note notice" hidden data-offline-note>Sparad <time data-saved-at></time> – du är offline. Schemat kan ha ändrats sedan dess.</p>')
  t.match(res.body, /<script src="\/static\/js\/offline\.js\?v=[0-9a-f]{10}" defer><\/script>/)
  for (const tag of res.body.match(/<script[^>]*>/g) ?? []) t.match(tag, / src="/, `no inline script: ${tag}`)
  t.match(String(res.headers['content-security-policy']), /script-src 'self'/)
  const js = await app.inject('/static/js/offline.js')
  t.equal(js.statusCode, 200)
  t.match(js.body, /\.register\('\/sw\.js'/)

  await db.updateTable('persons').set({ locale: 'en' }).where('id', '=', world.anna).execute()
  t.teardown(async () => { await db.updateTable('persons').set({ locale: 'sv' }).where('id', '=', world.anna).execute() })
  const en = await (await loginAs(app, 'anna.lind')).get(`/children/${world.elsa}/timetable`)
  t.match(en.body, '<p class="offline-note notice" hidden data-offline-note>Saved <time data-saved-at></time> – you are offline.')
})

t.test('other pages do not load the worker for the timetable, and the worker stores timetable pages only', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  for (const url of [`/children/${world.elsa}/messages`, `/children/${world.elsa}/absences/new`, `/children/${world.elsa}`]) {
    const res = await anna.get(url)
    t.notMatch(res.body, /offline\.js|data-offline-note/, url)
  }
  // The worker's rule for what it stores: the timetable's address, with at most ?week=.
  const sw = await readFile(new URL('../../../public/sw.js', import.meta.url), 'utf8')
  const rule = /var TIMETABLE = (\/.*\/)\n/.exec(sw)
  t.ok(rule, 'the worker names the timetable address')
  const re = new Function(`return ${rule![1]}`)() as RegExp
  t.ok(re.test(`/children/${world.elsa}/timetable`))
  t.notOk(re.test(`/children/${world.elsa}/messages`))
  t.notOk(re.test(`/children/${world.elsa}/timetable/print`))
  t.notOk(re.test(`/children/${world.elsa}/timetable/lessons/1`))
  t.match(sw, /request\.method === 'POST' && url\.pathname === '\/logout'/, 'the caches are emptied at logout')
  const served = await app.inject('/sw.js')
  t.equal(served.body, sw, 'the worker served at the root is this file')
})
