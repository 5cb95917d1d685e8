import t from 'tap'
import { createServer } from 'node:http'
import { buildTestApp, loginAs, TEST_NOW, type TestContext } from '../../../test/helpers/app.js'
import { gatewaySmsChannel } from '../../notify/sms.js'

// A fake 46elks gateway: every SMS that leaves Hubben arrives here.
const received: URLSearchParams[] = []
const gateway = createServer((req, res) => {
  let body = ''
  req.on('data', (c) => { body += c })
  req.on('end', () => { received.push(new URLSearchParams(body)); res.writeHead(200).end('{"status":"created"}') })
})
await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r))
const sms = gatewaySmsChannel({ apiUrl: `http://127.0.0.1:${(gateway.address() as { port: number }).port}`, user: 'u', password: 'p', from: 'Hubben' })

const ctx: TestContext = await buildTestApp({ channels: { sms } })
t.teardown(async () => { await ctx.close(); gateway.close() })
const { app, world, db } = ctx
const TODAY = '2026-12-01'
const tuesday = (await db.selectFrom('timetable_lessons').select(['id', 'subject']).where('group_id', '=', world.class4B)
  .where('weekday', '=', 2).orderBy('starts_at').execute())
const lessonUrl = (lessonId: number, date = TODAY, groupId = world.class4B) => `/staff/absences/groups/${groupId}/lessons/${lessonId}?date=${date}`
const smsRows = async () => db.selectFrom('outbox').select(['payload', 'dedupe_key']).where('channel', '=', 'sms').orderBy('id').execute()
const notices = async (kind: string) => (await db.selectFrom('notifications').select('recipient_id').where('area', '=', 'absence').where('kind', '=', kind).orderBy('recipient_id').execute()).map((r) => r.recipient_id)
const register = (c: Awaited<ReturnType<typeof loginAs>>, lessonId: number, elsa: string, sam = 'present', date = TODAY) =>
  c.post(lessonUrl(lessonId, date), { [`p${world.elsa}`]: elsa, [`p${world.sam}`]: sam })

t.test('the staff page: groups of the unit, the day\'s reported absences, the lessons', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.post(`/children/${world.elsa}/absences`, { date: TODAY, scope: 'lessons', lessons: [String(tuesday[4]!.id)], reason: 'illness' })
  const karin = await loginAs(app, 'karin.berg')
  const start = await karin.get('/staff')
  t.match(start.body, /href="\/staff\/absences">Frånvaro och närvaro/)
  const index = await karin.get('/staff/absences')
  t.equal(index.statusCode, 200)
  t.match(index.body, new RegExp(`<option value="${world.class4B}"[^>]*>4B \\(Solbackaskolan\\)`))
  t.notMatch(index.body, /Blåklockan/, 'not the preschool\'s groups')
  const day = await karin.get(`/staff/absences?group=${world.class4B}&date=${TODAY}`)
  t.equal(day.statusCode, 200)
  t.match(day.body, /<h2>4B, tisdag 1 december 2026<\/h2>/)
  t.match(day.body, /<strong>Elsa Lind<\/strong>\s*<span class="absence-list__scope">12:40–13:30 SO · Sjukdom<\/span>/)
  for (const l of tuesday) t.match(day.body, new RegExp(`href="${lessonUrl(l.id).replace(/[?]/g, '\\?')}">`))
  t.match(day.body, /Närvaron är inte registrerad\./)
  const form = await karin.get(lessonUrl(tuesday[4]!.id))
  t.equal(form.statusCode, 200)
  t.match(form.body, /<h1>Närvaro: SO<\/h1>/)
  t.match(form.body, /Elsa Lind <span class="badge">Frånvaro anmäld<\/span>/)
  t.match(form.body, new RegExp(`id="p${world.elsa}-absent_valid" name="p${world.elsa}" value="absent_valid" checked`), 'a reported pupil starts as absent with a valid reason')
  t.match(form.body, new RegExp(`id="p${world.sam}" name="p${world.sam}" value="present" checked`))

  // Johan at the preschool sees his own groups, reports for Olle, no lessons.
  await anna.post(`/children/${world.olle}/absences`, { date: TODAY, reason: 'leave', comment: 'Ledig' })
  const johan = await loginAs(app, 'johan.ek')
  const pre = await johan.get(`/staff/absences?group=${world.blaklockan}`)
  t.equal(pre.statusCode, 200)
  t.match(pre.body, /<strong>Olle Lind<\/strong>\s*<span class="absence-list__scope">Hela dagen · Ledighet<\/span>\s*<span class="absence-list__meta">Kommentar: Ledig<\/span>/)
  t.notMatch(pre.body, /registrera närvaro/)
})

t.test('staff of another unit and non-staff get 404', async (t) => {
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.get(`/staff/absences?group=${world.class4B}`)).statusCode, 404)
  t.equal((await johan.get(lessonUrl(tuesday[0]!.id))).statusCode, 404)
  t.equal((await register(johan, tuesday[0]!.id, 'absent_invalid')).statusCode, 404)
  const karin = await loginAs(app, 'karin.berg')
  t.equal((await karin.get(`/staff/absences?group=${world.blaklockan}`)).statusCode, 404)
  t.equal((await karin.get(`/staff/absences?group=abc`)).statusCode, 404)
  t.equal((await karin.get(lessonUrl(tuesday[0]!.id, '2026-12-02'))).statusCode, 404, 'a Tuesday lesson on a Wednesday')
  t.equal((await karin.get(lessonUrl(tuesday[0]!.id, 'igår'))).statusCode, 404)
  t.equal((await karin.get(lessonUrl(tuesday[0]!.id, TODAY, world.fritids))).statusCode, 404, 'the lesson is not the fritids group\'s')
  for (const who of ['anna.lind', 'elsa.lind']) {
    const c = await loginAs(app, who)
    t.equal((await c.get('/staff/absences')).statusCode, 404, `${who}: no staff area`)
    t.equal((await register(c, tuesday[0]!.id, 'absent_invalid')).statusCode, 404)
  }
  t.equal((await smsRows()).length, 0, 'no SMS from refused requests')
  t.equal((await db.selectFrom('lesson_attendance').select('id').where('date', '=', TODAY).execute()).length, 0)
})

t.test('bad input: 422 with the message at the field and the choices kept; no future, no cancelled lesson', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  let res = await karin.post(lessonUrl(tuesday[0]!.id), { [`p${world.elsa}`]: 'absent_invalid', [`p${world.sam}`]: 'sick' })
  t.equal(res.statusCode, 422)
  t.match(res.body, new RegExp(`<a href="#p${world.sam}">Välj närvaro för Sam Nilsson\\.</a>`))
  t.match(res.body, new RegExp(`value="absent_invalid" checked`), 'Elsa\'s choice is kept')
  res = await register(karin, tuesday[0]!.id, 'absent_invalid', 'present', '2026-12-08')
  t.equal(res.statusCode, 422)
  t.match(res.body, /Närvaro kan registreras från och med lektionens dag\./)
  const music = (await db.selectFrom('timetable_lessons').select('id').where('group_id', '=', world.class4B).where('subject', '=', 'Musik').where('weekday', '=', 3).executeTakeFirstOrThrow()).id
  ctx.clock.set('2026-12-09T10:00:00+01:00')
  const karin2 = await loginAs(app, 'karin.berg')
  res = await karin2.post(lessonUrl(music, '2026-12-09'), { [`p${world.elsa}`]: 'absent_invalid', [`p${world.sam}`]: 'present' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Lektionen är inställd\./)
  ctx.clock.set(TEST_NOW)
  t.equal((await smsRows()).length, 0)
})

t.test('the SMS rule: one SMS per child, day and guardian; notices at the first and the second invalid lesson', async (t) => {
  received.length = 0
  const karin = await loginAs(app, 'karin.berg')
  const per = await loginAs(app, 'per.holm')

  // First lesson: Elsa absent without a valid reason.
  let res = await register(per, tuesday[0]!.id, 'absent_invalid')
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/staff/absences?group=${world.class4B}&date=${TODAY}`)
  t.match((await per.get(res.headers.location as string)).body, /Närvaron är sparad\./)
  let rows = await smsRows()
  t.equal(rows.length, 2, 'one SMS to each guardian with a mobile number')
  t.same(rows.map((r) => r.dedupe_key).sort(), [`sms:${world.elsa}:${TODAY}:${world.anna}`, `sms:${world.elsa}:${TODAY}:${world.erik}`])
  t.same((await notices('invalidAbsenceFirst')).sort(), [world.anna, world.erik, world.elsa].sort(), 'guardians and the pupil get the first notice')
  t.same(await notices('invalidAbsenceMore'), [])

  await ctx.deliver()
  t.equal(received.length, 2, 'two SMS left through the gateway')
  t.same(received.map((r) => r.get('to')).sort(), ['+46701234567', '+46709876543'])
  const text = received[0]!.get('message')!
  t.equal(text, 'Hubben: Elsa har fått ogiltig frånvaro på en lektion tisdag 1 december. Logga in i Hubben för att se mer, eller kontakta skolan.')
  t.notMatch(text, /201603152388|20160315|Lind|sjuk|Sjuk|illness/, 'no identity number, family name or health information')

  // The same registration again (a double submit) and a second lesson by another teacher.
  t.equal((await register(per, tuesday[0]!.id, 'absent_invalid')).statusCode, 303)
  t.equal((await register(karin, tuesday[1]!.id, 'absent_invalid')).statusCode, 303)
  t.equal((await smsRows()).length, 2, 'still one SMS per guardian for the day')
  t.same((await notices('invalidAbsenceMore')).sort(), [world.anna, world.erik, world.elsa].sort(), 'a second notice when more than one lesson')
  t.equal((await notices('invalidAbsenceFirst')).length, 3, 'the first notice only once')

  // A third lesson: nothing more.
  t.equal((await register(karin, tuesday[2]!.id, 'absent_invalid')).statusCode, 303)
  t.equal((await smsRows()).length, 2)
  t.equal((await notices('invalidAbsenceMore')).length, 3)
  await ctx.deliver()
  t.equal(received.length, 2, 'no more SMS left')

  // Present and valid absence send nothing; Sam invalid sends one SMS to Maria only (no login for Sam, no notice to him).
  t.equal((await register(karin, tuesday[3]!.id, 'absent_valid', 'absent_invalid')).statusCode, 303)
  rows = await smsRows()
  t.equal(rows.length, 3)
  t.equal(rows[2]!.dedupe_key, `sms:${world.sam}:${TODAY}:${world.maria}`)
  t.same((await notices('invalidAbsenceFirst')).filter((id) => id === world.maria || id === world.sam), [world.maria])

  // The next day: a new SMS.
  ctx.clock.set('2026-12-02T09:00:00+01:00')
  const karin2 = await loginAs(app, 'karin.berg')
  const wednesday = await db.selectFrom('timetable_lessons').select('id').where('group_id', '=', world.class4B).where('weekday', '=', 3).orderBy('starts_at').executeTakeFirstOrThrow()
  t.equal((await register(karin2, wednesday.id, 'absent_invalid', 'present', '2026-12-02')).statusCode, 303)
  t.equal((await smsRows()).length, 5, 'two more SMS on the next day')
  ctx.clock.set(TEST_NOW)
})

t.test('two teachers registering at once still send one SMS per guardian and count to two lessons', async (t) => {
  await db.deleteFrom('outbox').execute()
  await db.deleteFrom('lesson_attendance').execute()
  await db.deleteFrom('absence_alerts').execute()
  await db.deleteFrom('notifications').where('area', '=', 'absence').execute()
  const karin = await loginAs(app, 'karin.berg')
  const per = await loginAs(app, 'per.holm')
  const [a, b] = await Promise.all([register(karin, tuesday[0]!.id, 'absent_invalid'), register(per, tuesday[1]!.id, 'absent_invalid')])
  t.equal(a.statusCode, 303)
  t.equal(b.statusCode, 303)
  t.equal((await smsRows()).length, 2)
  t.equal((await notices('invalidAbsenceFirst')).length, 3)
  t.equal((await notices('invalidAbsenceMore')).length, 3)
})

t.test('the school\'s registrations in the guardian\'s history, with details', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const list = await anna.get(`/children/${world.elsa}/absences`)
  t.match(list.body, /tisdag 1 december 2026<\/a>\s*<span class="absence-list__scope">Matematik 08:10<\/span>\s*<span class="absence-list__meta">Registrerad av skolan · <strong class="tag tag--invalid">Ogiltig/)
  const href = /href="(\/children\/\d+\/absences\/registered\/\d+)">tisdag 1 december/.exec(list.body)![1]!
  const details = await anna.get(href)
  t.equal(details.statusCode, 200)
  t.match(details.body, /<h1>Frånvaro registrerad av skolan<\/h1>/)
  t.match(details.body, /<dt>Lektion<\/dt><dd>(08:10–09:00 Matematik|09:10–10:00 Svenska)<\/dd>/)
  t.match(details.body, /<strong class="tag tag--invalid">Ogiltig<\/strong>/)
  t.match(details.body, new RegExp(`messages/new\\?to=${world.karin}`))
  // The bell shows the notice.
  const bell = await db.selectFrom('notifications').select(['kind', 'params', 'link']).where('recipient_id', '=', world.anna).where('area', '=', 'absence').executeTakeFirstOrThrow()
  t.same(bell.params, { name: 'Elsa' })
  t.equal(bell.link, `/children/${world.elsa}/absences`)
})
