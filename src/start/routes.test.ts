import t from 'tap'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world, db } = ctx
const queries = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-hubben-queries'])
const tile = (body: string, title: string) => {
  const m = new RegExp(`<h2[^>]*>(?:<a[^>]*>)?${title}[\\s\\S]*?</li>`).exec(body)
  if (!m) throw new Error(`no tile ${title}`)
  return m[0]
}
const TODAY = '2026-12-01'

t.test('the start page: every tile\'s summary, read in one statement with the box facts', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`/children/${world.elsa}`)
  t.equal(res.statusCode, 200)
  t.match(tile(res.body, 'Meddelanden'), /1 oläst meddelande/)
  t.match(tile(res.body, 'Schema'), /I dag \d+ lektioner?, första börjar \d\d:\d\d\./)
  t.match(tile(res.body, 'Frånvaro'), /Ingen frånvaro\.|Senaste frånvaro: /)
  t.match(tile(res.body, 'Fritidsschema'), /I dag \d\d:\d\d–\d\d:\d\d|Nästa: /)
  // The session (with the person and the bar's counts), the child, the tiles; the first two
  // from memory when the access cache has them.
  t.ok(queries(res) <= 3, `at most three statements whatever the number of boxes (${queries(res)})`)
})

t.test('a tile follows what happens: an absence reported today shows on the start page', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const report = await anna.post(`/children/${world.elsa}/absences`, { date: TODAY, scope: 'day', reason: 'illness' })
  t.equal(report.statusCode, 303)
  const res = await anna.get(`/children/${world.elsa}`)
  t.match(tile(res.body, 'Frånvaro'), /Frånvaro i dag\./)
  await db.deleteFrom('absence_reports').where('child_id', '=', world.elsa).where('date', '>=', TODAY).execute()
})

t.test('a preschool child: no timetable tile, the time registration tile with its summary', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`/children/${world.olle}`)
  t.equal(res.statusCode, 200)
  t.notMatch(res.body, /tile--timetable/)
  t.match(tile(res.body, 'Tidsregistrering'), /I dag \d\d:\d\d–\d\d:\d\d|Nästa: /)
  t.ok(queries(res) <= 3)
})
