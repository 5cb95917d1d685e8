import t from 'tap'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'

// The clock is frozen on Tuesday 1 December 2026.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world, db } = ctx
const TODAY = '2026-12-01'
const TOMORROW = '2026-12-02'
const reports = async () => db.selectFrom('absence_reports').select(['child_id', 'date', 'whole_day', 'reason', 'comment']).where('date', '>=', TODAY).orderBy('child_id').execute()
const clear = async () => { await db.deleteFrom('absence_reports').where('date', '>=', TODAY).execute() }

t.test('the form: one section per child, each under its own rules', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`/family/absences/new?date=${TOMORROW}`)
  t.equal(res.statusCode, 200)
  t.match(res.body, `name="children" value="${world.elsa}"`)
  t.match(res.body, `name="children" value="${world.olle}"`)
  t.match(res.body, `name="scope-${world.elsa}"`, 'school: whole day or lessons')
  t.notMatch(res.body, `name="scope-${world.olle}"`)
  t.match(res.body, new RegExp(`name="lessons" value="${world.elsa}:\\d+"`))
  t.match(res.body, `name="comment-${world.olle}"`, 'preschool: a comment')
  t.match(res.body, /notice--warning/, 'and the health-data warning')
  t.notMatch(res.body, `name="comment-${world.elsa}"`)
  t.match(res.body, `<input type="hidden" name="date" value="${TOMORROW}">`)
})

t.test('both children in one go: each report stored on its own; a double submit stores nothing twice', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const form = { date: TODAY, children: [String(world.elsa), String(world.olle)], [`scope-${world.elsa}`]: 'day', [`reason-${world.elsa}`]: 'illness', [`reason-${world.olle}`]: 'illness', [`comment-${world.olle}`]: 'Feber' }
  const res = await anna.post('/family/absences', form)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/family')
  t.match((await anna.get('/family')).body, /Frånvaron är anmäld för Elsa, Olle\./)
  const rows = await reports()
  t.same(rows.map((r) => [r.child_id, r.whole_day, r.reason, r.comment]), [[world.elsa, true, 'illness', ''], [world.olle, true, 'illness', 'Feber']])
  const again = await anna.post('/family/absences', form)
  t.equal(again.statusCode, 303)
  t.match((await anna.get('/family')).body, /Frånvaron var redan anmäld för Elsa, Olle\./)
  t.equal((await reports()).length, 2, 'nothing twice')
  await clear()
})

t.test('a refused child beside an accepted one: the accepted one is stored, the refused one keeps its values', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.post('/family/absences', {
    date: TODAY, children: [String(world.elsa), String(world.olle)],
    [`scope-${world.elsa}`]: 'lessons', [`reason-${world.elsa}`]: 'other',
    [`reason-${world.olle}`]: 'leave', [`comment-${world.olle}`]: 'Farmor fyller år',
  })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Välj minst en lektion|lektion/i)
  t.match(res.body, `<a href="#lessons-${world.elsa}">`, 'the error is beside Elsa')
  t.match(res.body, /Frånvaron för Olle är anmäld\./)
  t.match(res.body, new RegExp(`id="reason-${world.elsa}-other" name="reason-${world.elsa}" value="other" checked`), 'Elsa\'s values kept')
  t.notMatch(res.body, `name="children" value="${world.olle}"`, 'Olle is done, not to be chosen again')
  t.same((await reports()).map((r) => [r.child_id, r.reason, r.comment]), [[world.olle, 'leave', 'Farmor fyller år']])
  await clear()
})

t.test('a child not the guardian\'s: 404 and nothing stored', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.post('/family/absences', {
    date: TODAY, children: [String(world.olle), String(world.sam)],
    [`reason-${world.olle}`]: 'illness', [`scope-${world.sam}`]: 'day', [`reason-${world.sam}`]: 'illness',
  })
  t.equal(res.statusCode, 404)
  t.equal((await reports()).length, 0)
  t.equal((await anna.post('/family/absences', { date: TODAY, children: ['abc'], [`reason-${world.olle}`]: 'illness' })).statusCode, 404)
  t.equal((await reports()).length, 0)
})

t.test('bad input: 422 next to the field, never 500', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  let res = await anna.post('/family/absences', { date: TODAY })
  t.equal(res.statusCode, 422)
  t.match(res.body, /<a href="#children">Välj minst ett barn<\/a>/)
  res = await anna.post('/family/absences', { date: '2026-12-09', children: String(world.olle), [`reason-${world.olle}`]: 'illness' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /href="#date"/)
  res = await anna.post('/family/absences', { date: TODAY, children: String(world.olle), [`reason-${world.olle}`]: 'other', [`comment-${world.olle}`]: 'x'.repeat(301) })
  t.equal(res.statusCode, 422)
  t.match(res.body, `href="#reason-${world.olle}"`)
  t.match(res.body, `href="#comment-${world.olle}"`)
  t.equal((await reports()).length, 0)
})

t.test('pupils and staff do not report', async (t) => {
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get('/family/absences/new')).statusCode, 403)
  t.equal((await elsa.post('/family/absences', { date: TODAY, children: String(world.elsa), [`scope-${world.elsa}`]: 'day', [`reason-${world.elsa}`]: 'illness' })).statusCode, 403)
  const karin = await loginAs(app, 'karin.berg')
  t.equal((await karin.get('/family/absences/new')).statusCode, 403)
  t.equal((await reports()).length, 0)
})
