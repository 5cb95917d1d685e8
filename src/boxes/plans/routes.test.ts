import t from 'tap'
import { buildTestApp, loginAs, type TestContext } from '../../../test/helpers/app.js'

// Demo at Tuesday 1 December 2026 (week 49): 4B's plans in mathematics (weeks 47–52, per.holm),
// Swedish (46–51, karin.berg), English (53–4, ahead) and an earlier Swedish one.
const ctx: TestContext = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx
const planId = async (title: string) => (await db.selectFrom('plans').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id

t.test('pupils and guardians read the plans of the child\'s groups; preschool and other families 404', async (t) => {
  const elsa = await loginAs(app, 'elsa.lind')
  const res = await elsa.get(`/children/${world.elsa}/plans`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /Matematik: Bråk och decimaltal<\/a>\s*<span class="absence-list__meta">vecka 47–52 · 4B · <strong>pågår/)
  t.match(res.body, /Engelska: My town/)
  t.match(res.body, /<h2>Tidigare<\/h2>[\s\S]*Faktatexter/)
  const plan = await elsa.get(`/children/${world.elsa}/plans/${await planId('Bråk och decimaltal')}`)
  t.match(plan.body, /<h1>Bråk och decimaltal<\/h1>/)
  t.match(plan.body, /Så bedöms arbetet<\/h2>\s*<p class="mail-body">Muntliga genomgångar/)
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get(`/children/${world.elsa}/plans`)).statusCode, 200)
  t.equal((await anna.get(`/children/${world.olle}/plans`)).statusCode, 404, 'school only')
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(`/children/${world.elsa}/plans`)).statusCode, 404)
  t.equal((await maria.get(`/children/${world.sam}/plans/${await planId('Bråk och decimaltal')}`)).statusCode, 200, 'Sam is in 4B too')
  t.equal((await maria.get(`/children/${world.elsa}/plans/${await planId('Bråk och decimaltal')}`)).statusCode, 404)
})

t.test('a lesson of the subject links to the plan in progress', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const lesson = await db.selectFrom('timetable_lessons').select(['id', 'weekday']).where('group_id', '=', world.class4B).where('subject', '=', 'Matematik').orderBy('weekday').executeTakeFirstOrThrow()
  const date = `2026-11-${String(29 + lesson.weekday).padStart(2, '0')}`.replace('2026-11-31', '2026-12-01').replace('2026-11-32', '2026-12-02').replace('2026-11-33', '2026-12-03').replace('2026-11-34', '2026-12-04')
  const res = await anna.get(`/children/${world.elsa}/timetable/lessons/${lesson.id}?date=${date}`)
  t.equal(res.statusCode, 200)
  t.match(res.body, new RegExp(`href="/children/${world.elsa}/plans/${await planId('Bråk och decimaltal')}">Planering: Bråk och decimaltal`))
  const art = await db.selectFrom('timetable_lessons').select(['id', 'weekday']).where('group_id', '=', world.class4B).where('subject', '=', 'Bild').executeTakeFirst()
  if (art) {
    const d = `2026-11-${29 + art.weekday}`.replace('2026-11-31', '2026-12-01').replace('2026-11-32', '2026-12-02').replace('2026-11-33', '2026-12-03').replace('2026-11-34', '2026-12-04')
    t.notMatch((await anna.get(`/children/${world.elsa}/timetable/lessons/${art.id}?date=${d}`)).body, /Planering:/, 'no plan for art')
  }
})

t.test('staff publish, edit and unpublish plans for their own groups only', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const form = await karin.get('/staff/plans/new')
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const plan = { key, group: String(world.class4B), subject: 'Bild', title: 'Vinterbilder', from: '2026-W50', to: '2026-W51', content: 'Vi målar.', goals: 'Färglära.', assessment: 'Bilderna.' }
  const bad = await karin.post('/staff/plans', { ...plan, from: '2026-W51', to: '2026-W50', title: '' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /Sista veckan kan inte vara före den första/)
  t.match(bad.body, /Vi målar.<\/textarea>/)
  t.equal((await karin.post('/staff/plans', plan)).statusCode, 303)
  t.equal((await karin.post('/staff/plans', plan)).statusCode, 303)
  const rows = await db.selectFrom('plans').selectAll().where('title', '=', 'Vinterbilder').execute()
  t.equal(rows.length, 1, 'a double submit publishes once')
  t.equal(rows[0]!.starts_on, '2026-12-07')
  t.equal(rows[0]!.ends_on, '2026-12-20')
  const elsa = await loginAs(app, 'elsa.lind')
  t.match((await elsa.get(`/children/${world.elsa}/plans`)).body, /Bild: Vinterbilder/)
  t.equal((await karin.post(`/staff/plans/${rows[0]!.id}/visibility`, { status: 'hidden' })).statusCode, 303)
  t.notMatch((await elsa.get(`/children/${world.elsa}/plans`)).body, /Vinterbilder/)
  t.equal((await elsa.get(`/children/${world.elsa}/plans/${rows[0]!.id}`)).statusCode, 404)

  const johan = await loginAs(app, 'johan.ek')
  await johan.get('/staff/plans/new')
  const res = await johan.post('/staff/plans', { ...plan, key: 'another-key-123', title: 'Intrång' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Välj en grupp som du undervisar/)
  t.equal((await johan.get(`/staff/plans/${rows[0]!.id}/edit`)).statusCode, 404)
  t.equal((await johan.post(`/staff/plans/${rows[0]!.id}`, { ...plan, title: 'Kapat' })).statusCode, 404)
  t.equal((await johan.post(`/staff/plans/${rows[0]!.id}/visibility`, { status: 'published' })).statusCode, 404)
  t.equal((await db.selectFrom('plans').select('id').where('title', 'in', ['Intrång', 'Kapat']).execute()).length, 0)
})
