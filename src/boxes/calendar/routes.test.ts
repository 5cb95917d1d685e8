import t from 'tap'
import { buildTestApp, loginAs, TEST_NOW, type TestContext } from '../../../test/helpers/app.js'

// The demo world at Tuesday 1 December 2026, 07:10. 4B: homework on the 3rd, the maths test
// on the 8th 09:00-10:00, the museum trip on the 10th; Blåklockan: the forest outing on the
// 4th. Surveys for 4B: "Utflykten till Naturhistoriska museet" (1-8 December, open, nobody
// has answered) and "Tid för föräldramötet" (closed on 24 November, Elsa's and Sam's
// families answered). Sam's family has booked karin.berg's talk on Tuesday 8 December 14:30.
const ctx: TestContext = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world, clock } = ctx
const base = `/children/${world.elsa}/calendar`

const surveys = await db.selectFrom('surveys').select(['id', 'title']).orderBy('id').execute()
const open = surveys.find((s) => s.title.startsWith('Utflykten'))!.id
const closed = surveys.find((s) => s.title.startsWith('Tid för'))!.id
const questions = await db.selectFrom('survey_questions as q').innerJoin('survey_options as o', 'o.question_id', 'q.id')
  .select(['q.id as qid', 'q.kind', 'o.id as oid', 'o.label']).where('q.survey_id', '=', open).orderBy('o.id').execute()
const opt = (label: string) => questions.find((q) => q.label === label)!
const textQ = (await db.selectFrom('survey_questions').select('id').where('survey_id', '=', open).where('kind', '=', 'text').executeTakeFirstOrThrow()).id
const single = opt('Ja').qid
const responses = (surveyId = open) => db.selectFrom('survey_responses').selectAll().where('survey_id', '=', surveyId).execute()
const answersOf = (childId: number) => db.selectFrom('survey_answers').select(['question_id', 'option_id', 'text']).where('survey_id', '=', open).where('child_id', '=', childId).orderBy('question_id').orderBy('option_id').execute()
const eventId = async (title: string) => (await db.selectFrom('calendar_events').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id

t.afterEach(async () => {
  clock.set(TEST_NOW)
  await db.deleteFrom('survey_responses').where('survey_id', '=', open).execute()
})

t.test('the month: the child\'s group and unit events in the grid and the list, with its own URLs', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(base)
  t.equal(res.statusCode, 200)
  t.match(res.body, /<h2 class="week-nav__title" id="month-title">December 2026<\/h2>/)
  t.match(res.body, /class="cal-grid cal-grid--auto"/, 'no choice in the URL: the grid for wide screens')
  t.match(res.body, /class="cal-list cal-list--auto"/, 'and the list for small ones')
  t.match(res.body, /09:00 <span class="visually-hidden">Prov: <\/span>Prov i matematik: bråk/)
  t.match(res.body, /Vinterfest i aulan/, 'the whole school\'s event')
  t.match(res.body, /Utflykten till Naturhistoriska museet<\/a> <span class="muted">\(öppen\)/, 'the survey on its date')
  t.notMatch(res.body, /Utflykt till skogen/, 'Blåklockan\'s outing is not Elsa\'s')
  t.match(res.body, /aria-current="date"/)
  t.match(res.body, /href="\/children\/\d+\/calendar\?month=2026-11" rel="prev"/)
  t.match(res.body, /href="\/children\/\d+\/calendar\?month=2026-12&amp;view=list"/)

  const list = await anna.get(`${base}?view=list`)
  t.notMatch(list.body, /cal-grid/, 'the list alone')
  t.match(list.body, /<h3>tisdag 8 december<\/h3>/)
  t.match(list.body, /<span class="tag cal-tag--test">Prov<\/span> 09:00–10:00 <a href="[^"]+\/events\/\d+">Prov i matematik: bråk<\/a>/)
  t.match(list.body, /\?month=2027-01&amp;view=list" rel="next"/, 'the list stays a list month to month')

  const grid = await anna.get(`${base}?view=month&month=2027-01`)
  t.match(grid.body, /Januari 2027/)
  t.notMatch(grid.body, /cal-list/)
  t.match(grid.body, /Till i dag/)

  const olle = await anna.get(`/children/${world.olle}/calendar`)
  t.match(olle.body, /Utflykt till skogen/)
  t.notMatch(olle.body, /Prov i matematik/)

  t.equal((await anna.get(`${base}?month=2026-13`)).statusCode, 404, 'no such month')
  t.equal((await anna.get(`${base}?month=december`)).statusCode, 404)
  t.equal((await anna.get(`${base}?view=week`)).statusCode, 200, 'an odd view is the default one')
  t.match((await anna.get(`/children/${world.elsa}`)).body, /1 enkät väntar på svar/, 'the tile')
})

t.test('booked development talks show on their day, read through the talks read model', async (t) => {
  const maria = await loginAs(app, 'maria.nilsson')
  const res = await maria.get(`/children/${world.sam}/calendar?view=list`)
  t.match(res.body, /<span class="tag cal-tag--talk">Utvecklingssamtal<\/span> 14:30–14:50 <a href="\/children\/\d+\/talks">Karin Berg<\/a>/)
  const anna = await loginAs(app, 'anna.lind')
  t.notMatch((await anna.get(`${base}?view=list`)).body, /cal-tag--talk/, 'Elsa has no booking')
})

t.test('an event page; another family\'s child, another group\'s event and hidden events are 404', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const test = await eventId('Prov i matematik: bråk')
  const res = await anna.get(`${base}/events/${test}`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /<h1>Prov i matematik: bråk<\/h1>/)
  t.match(res.body, /<dt>Tid<\/dt><dd>09:00–10:00<\/dd>/)
  t.match(res.body, /Ta med penna, sudd och linjal/)
  t.equal((await anna.get(`${base}/events/${await eventId('Utflykt till skogen')}`)).statusCode, 404, 'Blåklockan\'s event via Elsa')
  t.equal((await anna.get(`/children/${world.olle}/calendar/events/${await eventId('Utflykt till skogen')}`)).statusCode, 200)
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(base)).statusCode, 404, 'another family\'s child')
  t.equal((await maria.get(`${base}/events/${test}`)).statusCode, 404)
  t.equal((await maria.get(`${base}/surveys/${open}`)).statusCode, 404)
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get(`${base}/events/${test}`)).statusCode, 200, 'pupils read events')
})

t.test('a guardian answers once per child; either guardian changes it until it closes; a double submit stores one answer', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.get(`${base}/surveys/${open}`)
  const answer = { [`q${single}`]: String(opt('Ja').oid), options: [String(opt('Följa med som vuxen på bussen').oid), String(opt('Hjälpa till med matsäcken').oid)], [`q${textQ}`]: 'Elsa är allergisk mot nötter.' }
  const res = await anna.post(`${base}/surveys/${open}`, answer)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `${base}/surveys/${open}`)
  const again = await anna.post(`${base}/surveys/${open}`, answer)
  t.equal(again.statusCode, 303, 'the double submit is harmless')
  t.equal((await responses()).length, 1, 'one answer for the child')
  t.same((await answersOf(world.elsa)).map((a) => a.option_id ?? a.text), [opt('Ja').oid, opt('Följa med som vuxen på bussen').oid, opt('Hjälpa till med matsäcken').oid, 'Elsa är allergisk mot nötter.'])
  const page = await anna.get(`${base}/surveys/${open}`)
  t.match(page.body, /Svaret var redan sparat/)
  t.match(page.body, /Du svarade för Elsa/)
  t.match(page.body, new RegExp(`value="${opt('Ja').oid}" checked`))
  t.match(page.body, /Elsa är allergisk mot nötter.<\/textarea>/)
  t.match(page.body, /Ändra svaret/)
  t.notMatch((await anna.get(`/children/${world.elsa}`)).body, /enkät väntar/, 'the tile no longer asks')

  // The other guardian sees the answer and changes it.
  const erik = await loginAs(app, 'erik.lind')
  const erikPage = await erik.get(`${base}/surveys/${open}`)
  t.match(erikPage.body, /Anna Lind svarade för Elsa/)
  const change = await erik.post(`${base}/surveys/${open}`, { [`q${single}`]: String(opt('Nej').oid), options: String(opt('Ingen möjlighet den här gången').oid) })
  t.equal(change.statusCode, 303)
  const rows = await responses()
  t.equal(rows.length, 1)
  t.equal(rows[0]!.answered_by, world.erik)
  t.same((await answersOf(world.elsa)).map((a) => a.option_id ?? a.text), [opt('Nej').oid, opt('Ingen möjlighet den här gången').oid], 'the free text emptied')

  // Sam's family answers for Sam: a second response, Elsa's unchanged.
  const maria = await loginAs(app, 'maria.nilsson')
  await maria.get(`/children/${world.sam}/calendar/surveys/${open}`)
  t.equal((await maria.post(`/children/${world.sam}/calendar/surveys/${open}`, { [`q${single}`]: String(opt('Ja').oid), options: String(opt('Hjälpa till med matsäcken').oid) })).statusCode, 303)
  t.equal((await responses()).length, 2)
  t.equal((await maria.post(`${base}/surveys/${open}`, { [`q${single}`]: String(opt('Ja').oid), options: String(opt('Hjälpa till med matsäcken').oid) })).statusCode, 404, 'not for another family\'s child')
  t.equal((await responses()).length, 2)
})

t.test('bad answers: 422 at the field with what was chosen kept; options of another question refused', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.get(`${base}/surveys/${open}`)
  const res = await anna.post(`${base}/surveys/${open}`, { options: String(opt('Hjälpa till med matsäcken').oid), [`q${textQ}`]: 'Kommer gärna!' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /<title>Fel: Utflykten/)
  t.match(res.body, new RegExp(`<a href="#q${single}">Välj ett svar</a>`))
  t.match(res.body, new RegExp(`id="q${single}-error"`))
  t.match(res.body, new RegExp(`value="${opt('Hjälpa till med matsäcken').oid}" checked`), 'the checkbox kept')
  t.match(res.body, /Kommer gärna!<\/textarea>/, 'the text kept')
  const none = await anna.post(`${base}/surveys/${open}`, { [`q${single}`]: String(opt('Ja').oid) })
  t.equal(none.statusCode, 422)
  t.match(none.body, /Välj minst ett svar/)
  const foreign = await db.selectFrom('survey_options').select('id').where('question_id', 'not in', questions.map((q) => q.qid)).executeTakeFirstOrThrow()
  const wrong = await anna.post(`${base}/surveys/${open}`, { [`q${single}`]: String(foreign.id), options: String(opt('Hjälpa till med matsäcken').oid) })
  t.equal(wrong.statusCode, 422)
  const wrong2 = await anna.post(`${base}/surveys/${open}`, { [`q${single}`]: String(opt('Ja').oid), options: [String(opt('Hjälpa till med matsäcken').oid), String(foreign.id)] })
  t.equal(wrong2.statusCode, 422)
  const long = await anna.post(`${base}/surveys/${open}`, { [`q${single}`]: String(opt('Ja').oid), options: String(opt('Hjälpa till med matsäcken').oid), [`q${textQ}`]: 'x'.repeat(2001) })
  t.equal(long.statusCode, 422)
  t.match(long.body, /högst 2000|2000/)
  t.equal((await responses()).length, 0, 'nothing stored')
})

t.test('after the survey closes the answer is read-only; a late POST changes nothing', async (t) => {
  // The survey closes tonight: open until midnight (Stockholm), closed a few minutes later.
  await db.updateTable('surveys').set({ closes_on: '2026-12-01' }).where('id', '=', open).execute()
  t.teardown(() => db.updateTable('surveys').set({ closes_on: '2026-12-08' }).where('id', '=', open).execute())
  clock.set('2026-12-01T23:50:00+01:00')
  const anna = await loginAs(app, 'anna.lind')
  await anna.get(`${base}/surveys/${open}`)
  t.equal((await anna.post(`${base}/surveys/${open}`, { [`q${single}`]: String(opt('Ja').oid), options: String(opt('Hjälpa till med matsäcken').oid) })).statusCode, 303)
  t.equal((await anna.get(`${base}/surveys/${open}`)).body.includes('Ändra svaret'), true, 'open through the last day')
  clock.set('2026-12-02T00:01:00+01:00')
  const page = await anna.get(`${base}/surveys/${open}`)
  t.match(page.body, /Enkäten är stängd/)
  t.notMatch(page.body, /<form method="post" action="[^"]+\/surveys\//, 'no form')
  t.match(page.body, /☑ Ja/)
  const late = await anna.post(`${base}/surveys/${open}`, { [`q${single}`]: String(opt('Nej').oid), options: String(opt('Hjälpa till med matsäcken').oid) })
  t.equal(late.statusCode, 409)
  t.match(late.body, /Enkäten stängdes innan ditt svar kom fram/)
  t.same((await answersOf(world.elsa)).map((a) => a.option_id), [opt('Ja').oid, opt('Hjälpa till med matsäcken').oid])
})

t.test('the demo\'s closed survey is read-only with the answer given', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const old = await anna.get(`${base}/surveys/${closed}`)
  t.match(old.body, /Enkäten är stängd/)
  t.match(old.body, /☑ 18:00/)
  t.match(old.body, /Du svarade för Elsa/)
})

t.test('pupils read surveys but do not answer them (403), and do not see their guardians\' answers', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.get(`${base}/surveys/${open}`)
  await anna.post(`${base}/surveys/${open}`, { [`q${single}`]: String(opt('Ja').oid), options: String(opt('Hjälpa till med matsäcken').oid) })
  const elsa = await loginAs(app, 'elsa.lind')
  const page = await elsa.get(`${base}/surveys/${open}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Vårdnadshavare svarar på enkäten/)
  t.notMatch(page.body, /☑/)
  t.notMatch(page.body, /svarade för/)
  const res = await elsa.post(`${base}/surveys/${open}`, { [`q${single}`]: String(opt('Nej').oid), options: String(opt('Hjälpa till med matsäcken').oid) })
  t.equal(res.statusCode, 403)
  t.same((await answersOf(world.elsa)).map((a) => a.option_id), [opt('Ja').oid, opt('Hjälpa till med matsäcken').oid])
})
