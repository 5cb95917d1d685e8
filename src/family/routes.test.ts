import t from 'tap'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'

// The clock is frozen on Tuesday 1 December 2026 (week 49); next week is 2026-W50.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world, db } = ctx
const queries = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-hubben-queries'])
const todoList = (body: string) => /<section class="todo"[\s\S]*?<\/section>/.exec(body)?.[0] ?? ''

t.test('a guardian of two lands on the family page: one heading per child, in one statement for the boxes', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const start = await anna.get('/start')
  t.equal(start.statusCode, 303)
  t.equal(start.headers.location, '/family')
  const res = await anna.get('/family')
  t.equal(res.statusCode, 200)
  t.match(res.body, /<h2 class="family__name"><a href="\/children\/\d+">Elsa Lind<\/a><\/h2>/)
  t.match(res.body, /<h2 class="family__name"><a href="\/children\/\d+">Olle Lind<\/a><\/h2>/)
  t.match(res.body, `href="/children/${world.elsa}"`)
  t.match(res.body, `href="/children/${world.olle}"`)
  t.match(res.body, /Meddelanden:<\/span> 1 oläst meddelande/)
  t.match(res.body, /Schema:<\/span> I dag \d+ lektioner?/)
  t.match(res.body, /Tidsregistrering:<\/span> I dag \d\d:\d\d–\d\d:\d\d/)
  // The session (with the person and the bar's counts), the children, every box's reads; the
  // first two from memory when the access cache has them.
  t.ok(queries(res) <= 3, `at most three statements whatever the number of children and boxes (${queries(res)})`)
})

t.test('an absence reported for today shows beside that child only', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.post(`/children/${world.olle}/absences`, { date: '2026-12-01', reason: 'illness', comment: '' })).statusCode, 303)
  const res = await anna.get('/family')
  t.match(res.body, /Frånvaro:<\/span> Frånvaro anmäld i dag, hela dagen\./)
  t.equal(res.body.match(/Frånvaro anmäld i dag/g)?.length, 1)
  await db.deleteFrom('absence_reports').where('child_id', '=', world.olle).execute()
})

t.test('Att göra: the unread message from staff is listed, and gone once read', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  let res = await anna.get('/family')
  const conv = await db.selectFrom('conversations').select('id').where('child_id', '=', world.elsa).where('title', '=', 'Utflykten på torsdag').executeTakeFirstOrThrow()
  t.match(todoList(res.body), `<a href="/children/${world.elsa}/messages/${conv.id}"><span class="todo__child">Elsa:</span> Läs meddelandet från personalen: Utflykten på torsdag</a>`)
  // The child's start page has the same item, still in three statements.
  const startPage = await anna.get(`/children/${world.elsa}`)
  t.match(todoList(startPage.body), /Läs meddelandet från personalen: Utflykten på torsdag/)
  t.ok(queries(startPage) <= 3)
  t.notMatch(todoList((await anna.get(`/children/${world.olle}`)).body), /Utflykten/, 'not on the other child\'s page')
  t.equal((await anna.get(`/children/${world.elsa}/messages/${conv.id}`)).statusCode, 200)
  res = await anna.get('/family')
  t.notMatch(todoList(res.body), /Utflykten på torsdag/, 'gone once read')
})

t.test('Att göra: a message from the other guardian is no message from staff', async (t) => {
  const erik = await loginAs(app, 'erik.lind')
  const sent = await erik.post(`/children/${world.elsa}/messages`, { title: 'Från pappa', body: 'Hej', to: String(world.karin), key: 'fam-test-1' })
  t.ok([303, 422].includes(sent.statusCode))
  const anna = await loginAs(app, 'anna.lind')
  t.notMatch(todoList((await anna.get('/family')).body), /Från pappa/)
})

t.test('Att göra: care times missing for next week, gone once entered', async (t) => {
  await db.deleteFrom('care_days').where('child_id', '=', world.olle).where('day', '>=', '2026-12-07').where('day', '<=', '2026-12-11').execute()
  const anna = await loginAs(app, 'anna.lind')
  let res = await anna.get('/family')
  t.match(todoList(res.body), `<a href="/children/${world.olle}/care-schedule/weeks/2026-W50"><span class="todo__child">Olle:</span> Lägg in tider för vecka 50</a>`)
  t.notMatch(todoList(res.body), /Elsa:<\/span> Lägg in tider/, 'Elsa has her times')
  const saved = await anna.post(`/children/${world.olle}/care-schedule/weeks/2026-W50`, { start1: '08:00', end1: '16:00', start2: '08:00', end2: '16:00' })
  t.equal(saved.statusCode, 303)
  res = await anna.get('/family')
  t.notMatch(todoList(res.body), /Lägg in tider/, 'gone once entered')
})

t.test('Att göra: an open talk round with no booking, gone once booked', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get('/family')
  t.match(todoList(res.body), /Elsa:<\/span> Boka utvecklingssamtal hos Karin Berg senast måndag 7 december/)
  const rounds = await db.selectFrom('talk_rounds').select('id').where('group_id', '=', world.class4B).execute()
  const slots = await db.selectFrom('talk_slots').select(['id', 'round_id']).where('round_id', 'in', rounds.map((r) => r.id))
    .where((w) => w.not(w.exists(w.selectFrom('talk_bookings as b').select('b.slot_id').whereRef('b.slot_id', '=', 'talk_slots.id')))).orderBy('starts_at').execute()
  for (const round of rounds) {
    const slot = slots.find((s) => s.round_id === round.id)
    if (slot) await db.insertInto('talk_bookings').values({ slot_id: slot.id, round_id: round.id, child_id: world.elsa, booked_by: world.anna, created_at: new Date() }).execute()
  }
  t.notMatch(todoList((await anna.get('/family')).body), /Boka utvecklingssamtal/, 'gone once booked')
  await db.deleteFrom('talk_bookings').where('child_id', '=', world.elsa).execute()
})

t.test('who gets the family page: pupils 403, staff to their page, one child to the child', async (t) => {
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get('/family')).statusCode, 403)
  t.notMatch((await elsa.get(`/children/${world.elsa}`)).body, /class="todo"/, 'no Att göra for pupils')
  const karin = await loginAs(app, 'karin.berg')
  t.equal((await karin.get('/family')).headers.location, '/staff')
  const maria = await loginAs(app, 'maria.nilsson')
  const start = await maria.get('/start')
  t.equal(start.headers.location, `/children/${world.sam}`)
  t.equal((await maria.get('/family')).headers.location, `/children/${world.sam}`)
})

t.test('logged out: the family page asks for a login', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/family' })
  t.equal(res.statusCode, 303)
  t.match(res.headers.location, /^\/login\?next=/)
})
