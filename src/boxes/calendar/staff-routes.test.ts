import t from 'tap'
import { buildTestApp, loginAs, type TestContext } from '../../../test/helpers/app.js'

// Staff publish for their own groups (staff_groups) and units (staff_units) only:
// karin.berg and per.holm for 4B and Solbackaskolan, johan.ek for Blåklockan and Förskolan Humlan.
const ctx: TestContext = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx

const surveyId = async (title: string) => (await db.selectFrom('surveys').select('id').where('title', 'like', `${title}%`).executeTakeFirstOrThrow()).id
const closed = await surveyId('Tid för')
const events = (title: string) => db.selectFrom('calendar_events').selectAll().where('title', '=', title).execute()
const event = { audience: `g${world.class4B}`, kind: 'test', title: 'Förhör i engelska', body: 'Glosorna i kapitel 6.', date: '2026-12-11', start: '10.15', end: '1100' }

t.test('karin publishes an event for 4B: Elsa\'s guardians see it; a double submit publishes it once', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const form = await karin.get('/staff/calendar/events/new')
  t.equal(form.statusCode, 200)
  t.match(form.body, /<option value="g\d+">4B \(Solbackaskolan\)<\/option>/)
  t.match(form.body, /<option value="u\d+">Hela Solbackaskolan<\/option>/)
  t.notMatch(form.body, /Blåklockan/)
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const res = await karin.post('/staff/calendar/events', { ...event, key })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/staff/calendar')
  t.equal((await karin.post('/staff/calendar/events', { ...event, key })).statusCode, 303)
  const rows = await events('Förhör i engelska')
  t.equal(rows.length, 1, 'one event')
  t.equal(rows[0]!.starts_at, '10:15:00')
  t.equal(rows[0]!.ends_at, '11:00:00')
  t.match((await karin.get('/staff/calendar')).body, /Förhör i engelska/)
  const anna = await loginAs(app, 'anna.lind')
  t.match((await anna.get(`/children/${world.elsa}/calendar?view=list`)).body, /10:15–11:00 <a href="[^"]+">Förhör i engelska<\/a>/)
  t.notMatch((await anna.get(`/children/${world.olle}/calendar?view=list`)).body, /Förhör i engelska/)

  // Edit, unpublish (gone for guardians, 404 on its page), publish again.
  const id = rows[0]!.id
  const edit = await karin.get(`/staff/calendar/events/${id}/edit`)
  t.match(edit.body, /value="Förhör i engelska"/)
  t.equal((await karin.post(`/staff/calendar/events/${id}`, { ...event, title: 'Förhör i engelska (flyttat)', date: '2026-12-14' })).statusCode, 303)
  t.equal((await db.selectFrom('calendar_events').select('date').where('id', '=', id).executeTakeFirstOrThrow()).date, '2026-12-14')
  t.equal((await karin.post(`/staff/calendar/events/${id}/visibility`, { status: 'hidden' })).statusCode, 303)
  t.notMatch((await anna.get(`/children/${world.elsa}/calendar?view=list`)).body, /Förhör i engelska/)
  t.equal((await anna.get(`/children/${world.elsa}/calendar/events/${id}`)).statusCode, 404)
  t.match((await karin.get('/staff/calendar')).body, /avpublicerad/)
  t.equal((await karin.post(`/staff/calendar/events/${id}/visibility`, { status: 'published' })).statusCode, 303)
  t.equal((await anna.get(`/children/${world.elsa}/calendar/events/${id}`)).statusCode, 200)
})

t.test('bad event input: 422 at the field with what was typed kept; nothing stored', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  await karin.get('/staff/calendar/events/new')
  const res = await karin.post('/staff/calendar/events', { ...event, title: '', date: '2026-02-30', start: '14:00', end: '13:00', body: 'Kvar' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /<a href="#title">/)
  t.match(res.body, /<a href="#date">Skriv ett datum som 2026-12-24<\/a>/)
  t.match(res.body, /Sluttiden måste vara efter starttiden/)
  t.match(res.body, /value="2026-02-30"/)
  t.match(res.body, />Kvar<\/textarea>/)
  t.match(res.body, /value="test" checked/)
  const onlyEnd = await karin.post('/staff/calendar/events', { ...event, start: '', end: '13:00' })
  t.equal(onlyEnd.statusCode, 422)
  t.match(onlyEnd.body, /Skriv en starttid/)
  t.equal((await events('')).length, 0)
})

t.test('staff of another unit: cannot publish for 4B, edit its events, or read its survey\'s results (404)', async (t) => {
  const johan = await loginAs(app, 'johan.ek')
  await johan.get('/staff/calendar/events/new')
  const res = await johan.post('/staff/calendar/events', { ...event, title: 'Intrång' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Välj en grupp eller enhet som du hör till/)
  t.equal((await events('Intrång')).length, 0)
  const karinsEvent = (await db.selectFrom('calendar_events').select('id').where('group_id', '=', world.class4B).executeTakeFirstOrThrow()).id
  t.equal((await johan.get(`/staff/calendar/events/${karinsEvent}/edit`)).statusCode, 404)
  t.equal((await johan.post(`/staff/calendar/events/${karinsEvent}`, { ...event, audience: `g${world.blaklockan}`, title: 'Kapat' })).statusCode, 404)
  t.equal((await johan.post(`/staff/calendar/events/${karinsEvent}/visibility`, { status: 'hidden' })).statusCode, 404)
  t.equal((await johan.get(`/staff/calendar/surveys/${closed}`)).statusCode, 404)
  t.equal((await johan.get(`/staff/calendar/surveys/${closed}/results.csv`)).statusCode, 404)
  t.equal((await johan.post(`/staff/calendar/surveys/${closed}`, { title: 'x', date: '2026-12-01', closes: '2026-12-02' })).statusCode, 404)
  t.notMatch((await johan.get('/staff/calendar')).body, /Tid för föräldramötet/)
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get('/staff/calendar')).statusCode, 404, 'guardians have no staff area')
  t.equal((await anna.get(`/staff/calendar/surveys/${closed}`)).statusCode, 404)
})

t.test('karin reads the results: counts per option, free texts, who has not answered; CSV', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const res = await karin.get(`/staff/calendar/surveys/${closed}`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /2 av 2 barn/)
  t.match(res.body, /<tr><th scope="row">18:00<\/th><td>2<\/td><\/tr>/)
  t.match(res.body, /<tr><th scope="row">17:30<\/th><td>0<\/td><\/tr>/)
  t.match(res.body, /<tr><th scope="row">Raster<\/th><td>1<\/td><\/tr>/)
  t.match(res.body, /Gärna något om hur vi kan stötta läsningen hemma./)
  t.match(res.body, /Alla har svarat/)
  const csv = await karin.get(`/staff/calendar/surveys/${closed}/results.csv`)
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /text\/csv/)
  t.match(csv.headers['content-disposition'], /attachment/)
  const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n')
  t.equal(lines[0], '"Barn";"Svarade";"Tid";"Vilken tid passar er bäst?";"Vad vill ni ta upp?";"Övriga synpunkter"')
  t.match(lines[1], /^"Elsa Lind";"Anna Lind";"[^"]+";"18:00";"Läsning; Raster";""$/)
  const open = await surveyId('Utflykten')
  const openResults = await karin.get(`/staff/calendar/surveys/${open}`)
  t.match(openResults.body, /0 av 2 barn/)
  t.match(openResults.body, /2 har inte svarat/)
  t.match(openResults.body, /<li>Elsa Lind<\/li>/)
})

t.test('karin publishes a survey (one question of each kind); rules at the fields; a double submit is one survey', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const form = await karin.get('/staff/calendar/surveys/new')
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const survey = {
    key, audience: `g${world.class4B}`, title: 'Julfika', body: '', date: '2026-12-02', closes: '2026-12-09',
    kind1: 'single', prompt1: 'Kommer ni?', options1: 'Ja\nNej\n',
    kind2: 'multiple', prompt2: 'Vad tar ni med?', options2: 'Kaffe\r\nPepparkakor\r\nSaft',
    kind3: 'text', prompt3: 'Allergier?', options3: '',
    kind4: 'single', prompt4: '', options4: '', kind5: 'single', prompt5: '', options5: '',
  }
  const bad = await karin.post('/staff/calendar/surveys', { ...survey, options1: 'Bara ett', closes: '2026-11-30' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /<a href="#options1">Skriv mellan 2 och 10 svarsalternativ/)
  t.match(bad.body, /Sista dag att svara kan inte vara före enkätens datum/)
  t.match(bad.body, /value="Vad tar ni med\?"/)
  const none = await karin.post('/staff/calendar/surveys', { ...survey, prompt1: '', prompt2: '', prompt3: '' })
  t.equal(none.statusCode, 422)
  t.match(none.body, /Skriv minst en fråga/)
  const res = await karin.post('/staff/calendar/surveys', survey)
  t.equal(res.statusCode, 303)
  t.equal((await karin.post('/staff/calendar/surveys', survey)).statusCode, 303)
  const rows = await db.selectFrom('surveys').select('id').where('title', '=', 'Julfika').execute()
  t.equal(rows.length, 1, 'one survey')
  t.equal(res.headers.location, `/staff/calendar/surveys/${rows[0]!.id}`)
  const qs = await db.selectFrom('survey_questions').select(['kind', 'prompt']).where('survey_id', '=', rows[0]!.id).orderBy('position').execute()
  t.same(qs.map((q) => q.kind), ['single', 'multiple', 'text'])
  const options = await db.selectFrom('survey_options as o').innerJoin('survey_questions as q', 'q.id', 'o.question_id').select('o.label').where('q.survey_id', '=', rows[0]!.id).orderBy('q.position').orderBy('o.position').execute()
  t.same(options.map((o) => o.label), ['Ja', 'Nej', 'Kaffe', 'Pepparkakor', 'Saft'])
  // Edit (dates and texts) and unpublish.
  t.equal((await karin.post(`/staff/calendar/surveys/${rows[0]!.id}`, { title: 'Julfika i klassrummet', body: 'Välkomna!', date: '2026-12-02', closes: '2026-12-01' })).statusCode, 422)
  t.equal((await karin.post(`/staff/calendar/surveys/${rows[0]!.id}`, { title: 'Julfika i klassrummet', body: 'Välkomna!', date: '2026-12-02', closes: '2026-12-10' })).statusCode, 303)
  const anna = await loginAs(app, 'anna.lind')
  t.match((await anna.get(`/children/${world.elsa}/calendar`)).body, /Julfika i klassrummet/)
  t.equal((await karin.post(`/staff/calendar/surveys/${rows[0]!.id}/visibility`, { status: 'hidden' })).statusCode, 303)
  t.notMatch((await anna.get(`/children/${world.elsa}/calendar`)).body, /Julfika/)
  t.equal((await anna.get(`/children/${world.elsa}/calendar/surveys/${rows[0]!.id}`)).statusCode, 404)
})
