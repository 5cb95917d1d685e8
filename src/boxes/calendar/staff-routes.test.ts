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

t.test('publishing a survey tells each guardian concerned once (bell and push), never the pupils; edits and republishing tell nobody again', async (t) => {
  // A second child of Anna's in 4B: she is told once all the same.
  const twin = await db.insertInto('persons').values({ role: 'child', given_name: 'Ebba', family_name: 'Lind', unit_id: world.school }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('guardianships').values({ guardian_id: world.anna, child_id: twin.id }).execute()
  await db.insertInto('group_memberships').values({ group_id: world.class4B, child_id: twin.id }).execute()
  await db.insertInto('push_subscriptions').values({ person_id: world.anna, endpoint: 'https://push.example/anna-survey', p256dh: 'p', auth: 'a', created_at: new Date() }).execute()
  await db.insertInto('push_subscriptions').values({ person_id: world.maria, endpoint: 'https://push.example/maria-survey', p256dh: 'p', auth: 'a', created_at: new Date() }).execute()
  await db.insertInto('notification_optouts').values({ person_id: world.maria, area: 'calendar' }).execute()

  const karin = await loginAs(app, 'karin.berg')
  const form = await karin.get('/staff/calendar/surveys/new')
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const survey = {
    key, audience: `g${world.class4B}`, title: 'Luciafirandet', body: '', date: '2026-12-10', closes: '2026-12-12',
    kind1: 'single', prompt1: 'Kommer ni?', options1: 'Ja\nNej', kind2: 'single', prompt2: '', options2: '', kind3: 'single', prompt3: '', options3: '',
    kind4: 'single', prompt4: '', options4: '', kind5: 'single', prompt5: '', options5: '',
  }
  t.equal((await karin.post('/staff/calendar/surveys', survey)).statusCode, 303)
  t.equal((await karin.post('/staff/calendar/surveys', survey)).statusCode, 303, 'a double submit')
  const id = (await db.selectFrom('surveys').select('id').where('title', '=', 'Luciafirandet').executeTakeFirstOrThrow()).id
  const link = `/calendar/surveys/${id}`
  const notified = async () => (await db.selectFrom('notifications').select(['recipient_id', 'area', 'kind', 'child_id']).where('link', '=', link).execute())
  const rows = await notified()
  const ids = rows.map((r) => r.recipient_id).sort((a, b) => a - b)
  const guardians4B = (await db.selectFrom('guardianships as g').innerJoin('group_memberships as m', 'm.child_id', 'g.child_id')
    .select('g.guardian_id').distinct().where('m.group_id', '=', world.class4B).execute()).map((r) => r.guardian_id).sort((a, b) => a - b)
  t.same(ids, guardians4B, 'every guardian of 4B, each once')
  t.ok(ids.includes(world.anna) && ids.includes(world.erik) && ids.includes(world.maria))
  t.notOk(ids.includes(world.elsa) || ids.includes(world.sam), 'no pupil')
  t.ok(rows.every((r) => r.area === 'calendar' && r.kind === 'surveyPublished' && r.child_id === null))
  const push = await db.selectFrom('outbox').select(['recipient_id']).where('kind', '=', 'push:calendar').execute()
  t.same(push.map((p) => p.recipient_id), [world.anna], 'push for Anna once; Maria opted out of calendar notices')

  // Edit, hide, publish again: nobody is told again.
  t.equal((await karin.post(`/staff/calendar/surveys/${id}`, { title: 'Luciafirandet i aulan', body: '', date: '2026-12-10', closes: '2026-12-12' })).statusCode, 303)
  t.equal((await karin.post(`/staff/calendar/surveys/${id}/visibility`, { status: 'hidden' })).statusCode, 303)
  t.equal((await karin.post(`/staff/calendar/surveys/${id}/visibility`, { status: 'published' })).statusCode, 303)
  t.equal((await notified()).length, rows.length, 'still once each')

  // The notice leads each guardian to the survey for a child of theirs; a pupil following it gets 404.
  const anna = await loginAs(app, 'anna.lind')
  const go = await anna.get(link)
  t.equal(go.statusCode, 303)
  t.match(go.headers.location as string, new RegExp(`^/children/(${world.elsa}|${twin.id})/calendar/surveys/${id}$`))
  t.equal((await anna.get(go.headers.location as string)).statusCode, 200)
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(link)).headers.location, `/children/${world.sam}/calendar/surveys/${id}`)
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get(link)).statusCode, 404)

  // Johan's survey for Blåklockan: Olle's guardians, not 4B's.
  const johan = await loginAs(app, 'johan.ek')
  const jform = await johan.get('/staff/calendar/surveys/new')
  const jkey = /name="key" value="([^"]+)"/.exec(jform.body)![1]!
  t.equal((await johan.post('/staff/calendar/surveys', { ...survey, key: jkey, audience: `g${world.blaklockan}`, title: 'Pepparkaksbak' })).statusCode, 303)
  const jid = (await db.selectFrom('surveys').select('id').where('title', '=', 'Pepparkaksbak').executeTakeFirstOrThrow()).id
  const jrows = (await db.selectFrom('notifications').select('recipient_id').where('link', '=', `/calendar/surveys/${jid}`).execute()).map((r) => r.recipient_id)
  t.ok(jrows.includes(world.anna), 'Olle\'s guardian')
  t.notOk(jrows.includes(world.maria), 'not Sam\'s')
  t.equal((await maria.get(`/calendar/surveys/${jid}`)).statusCode, 404)
})
