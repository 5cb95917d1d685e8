import t from 'tap'
import { buildTestApp, Client, loginAs, TEST_NOW } from '../../../test/helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world, db } = ctx
const queries = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-hubben-queries'])
const absences = (childId: number) => `/children/${childId}/absences`
const lessonsOn = async (weekday: number) => (await db.selectFrom('timetable_lessons').select(['id', 'subject'])
  .where('group_id', '=', world.class4B).where('weekday', '=', weekday).orderBy('starts_at').execute())
const reportCount = async (childId: number) => Number((await db.selectFrom('absence_reports').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', childId).executeTakeFirstOrThrow()).n)
const reportedLessons = async (childId: number, date: string) => (await db.selectFrom('absence_report_lessons').select('lesson_id')
  .where('child_id', '=', childId).where('date', '=', date).orderBy('lesson_id').execute()).map((r) => r.lesson_id)
const reset = async () => {
  await db.deleteFrom('absence_reports').where('date', '>=', '2026-12-01').execute()
  ctx.clock.set(TEST_NOW)
}
const TODAY = '2026-12-01' // Tuesday
const TOMORROW = '2026-12-02' // Wednesday

t.test('a guardian reports two of tomorrow\'s lessons; the confirmation and the history show them', async (t) => {
  await reset()
  const anna = await loginAs(app, 'anna.lind')
  const list = await anna.get(absences(world.elsa))
  t.equal(list.statusCode, 200)
  t.match(list.body, /<a class="button button--green" href="\/children\/\d+\/absences\/new">Anmäl frånvaro<\/a>/)

  const form = await anna.get(`${absences(world.elsa)}/new?date=${TOMORROW}`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /aria-current="true"><span class="choice__name">I morgon<\/span> onsdag 2 december/)
  const wed = await lessonsOn(3)
  for (const l of wed) t.match(form.body, new RegExp(`name="lessons" value="${l.id}"`))
  t.notMatch(form.body, /name="comment"/, 'no comment field for school')

  const res = await anna.post(absences(world.elsa), { date: TOMORROW, scope: 'lessons', lessons: [String(wed[1]!.id), String(wed[2]!.id)], reason: 'illness' })
  t.equal(res.statusCode, 303)
  const confirm = await anna.get(res.headers.location as string)
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, /Frånvaron är anmäld\./)
  t.match(confirm.body, /onsdag 2 december 2026/)
  t.match(confirm.body, /<li>09:10–10:00 Matematik<\/li><li>10:20–11:10 Musik<\/li>/)
  t.match(confirm.body, /<dt>Orsak<\/dt><dd>Sjukdom<\/dd>/)
  t.match(confirm.body, /av Anna Lind/)
  t.match(confirm.body, /kan inte ändras i Hubben\. Kontakta skolan/)
  t.match(confirm.body, new RegExp(`href="/children/${world.elsa}/messages/new\\?to=${world.karin}">Skriv ett meddelande till Karin Berg`), 'a message to the mentor')
  t.notMatch(confirm.body, /<form[^>]*action="[^"]*absences\/\d+/, 'nothing to change or delete')

  const history = await anna.get(absences(world.elsa))
  t.match(history.body, /onsdag 2 december 2026<\/a>\s*<span class="absence-list__scope">Matematik 09:10, Musik 10:20<\/span>\s*<span class="absence-list__meta">Anmäld av vårdnadshavare · <strong class="tag tag--valid">Giltig/)
  t.match(history.body, /Registrerad av skolan · <strong class="tag tag--invalid">Ogiltig/, 'the school\'s registration from the demo')
})

t.test('only today or tomorrow, in Stockholm, also around midnight', async (t) => {
  await reset()
  let anna = await loginAs(app, 'anna.lind')
  for (const date of [TODAY, TOMORROW]) {
    t.equal((await anna.post(absences(world.elsa), { date, scope: 'day', reason: 'illness' })).statusCode, 303, `${date} is accepted`)
  }
  for (const date of ['2026-11-30', '2026-12-03', '2026-12-31', 'i morgon', '2026-02-30', '']) {
    const res = await anna.post(absences(world.elsa), { date, scope: 'day', reason: 'other' })
    t.equal(res.statusCode, 422, `${JSON.stringify(date)} is refused`)
    t.match(res.body, /<a href="#date">Välj i dag eller i morgon/)
    t.match(res.body, /id="scope" name="scope" value="day" checked/, 'the typed choices are kept')
    t.match(res.body, /id="reason-other" name="reason" value="other" checked/)
  }
  t.equal(await reportCount(world.elsa), 2 + 1, 'nothing more was stored (one report is from the demo)')

  // 23:59 in Stockholm on Tuesday: tomorrow is Wednesday.
  await reset()
  ctx.clock.set('2026-12-01T23:59:00+01:00')
  anna = await loginAs(app, 'anna.lind') // the session idled out while the clock moved
  t.equal((await anna.post(absences(world.olle), { date: '2026-12-03', reason: 'illness' })).statusCode, 422)
  t.equal((await anna.post(absences(world.olle), { date: '2026-12-02', reason: 'illness' })).statusCode, 303)
  // 00:00:30 on Wednesday in Stockholm is still Tuesday in UTC: Tuesday is gone, Thursday is tomorrow.
  ctx.clock.set('2026-12-01T23:00:30Z')
  anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.post(absences(world.olle), { date: '2026-12-01', reason: 'illness' })).statusCode, 422)
  const thu = await anna.post(absences(world.olle), { date: '2026-12-03', reason: 'leave' })
  t.equal(thu.statusCode, 303)
  const form = await anna.get(`${absences(world.olle)}/new`)
  t.match(form.body, /value="2026-12-02" checked><label for="date">I dag, onsdag 2 december/)
  t.match(form.body, /value="2026-12-03"><label for="date-tomorrow">I morgon, torsdag 3 december/)
  await reset()
})

t.test('the lessons must be that day\'s lessons', async (t) => {
  await reset()
  let anna = await loginAs(app, 'anna.lind')
  const tue = await lessonsOn(2)
  const wed = await lessonsOn(3)
  let res = await anna.post(absences(world.elsa), { date: TODAY, scope: 'lessons', lessons: [String(tue[0]!.id), String(wed[0]!.id)], reason: 'illness' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /<a href="#lessons">Välj bara lektioner som finns den valda dagen\.<\/a>/)
  t.match(res.body, new RegExp(`id="lessons" name="lessons" value="${tue[0]!.id}" checked`), 'the ticked lesson stays ticked')
  for (const bad of [['abc'], ['999999'], ['1.5']]) {
    res = await anna.post(absences(world.elsa), { date: TODAY, scope: 'lessons', lessons: bad, reason: 'illness' })
    t.equal(res.statusCode, 422, `lessons=${bad} refused`)
  }
  res = await anna.post(absences(world.elsa), { date: TODAY, scope: 'lessons', reason: 'illness' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Välj minst en lektion\./)
  res = await anna.post(absences(world.elsa), { date: TODAY, lessons: [String(tue[0]!.id)] })
  t.equal(res.statusCode, 422)
  t.match(res.body, /<a href="#scope">Välj hela dagen eller vissa lektioner\.<\/a>/)
  t.match(res.body, /<a href="#reason">Välj en orsak\.<\/a>/)
  t.match(res.body, /aria-describedby="scope-error"/)
  res = await anna.post(absences(world.elsa), { date: TODAY, scope: 'day', reason: 'leave' })
  t.equal(res.statusCode, 422, 'leave is a preschool reason')

  // A cancelled lesson cannot be missed: next Wednesday's music, reported on Tuesday 8 December.
  ctx.clock.set('2026-12-08T07:00:00+01:00')
  anna = await loginAs(app, 'anna.lind')
  const music = wed.find((l) => l.subject === 'Musik')!
  const form = await anna.get(`${absences(world.elsa)}/new?date=2026-12-09`)
  t.notMatch(form.body, new RegExp(`value="${music.id}"`), 'the cancelled lesson is not offered')
  res = await anna.post(absences(world.elsa), { date: '2026-12-09', scope: 'lessons', lessons: [String(music.id)], reason: 'other' })
  t.equal(res.statusCode, 422)
  t.equal(await reportCount(world.elsa), 1, 'nothing stored')
  await reset()
})

t.test('the same lessons reported twice (double click, both guardians) are stored once', async (t) => {
  await reset()
  const anna = await loginAs(app, 'anna.lind')
  const erik = await loginAs(app, 'erik.lind')
  const tue = (await lessonsOn(2)).map((l) => String(l.id))
  const body = { date: TODAY, scope: 'lessons', lessons: [tue[2]!, tue[3]!], reason: 'illness' }

  // A double click: two submits at once.
  const [a, b] = await Promise.all([anna.post(absences(world.elsa), body), anna.post(absences(world.elsa), body)])
  t.equal(a.statusCode, 303)
  t.equal(b.statusCode, 303)
  t.equal(a.headers.location, b.headers.location, 'both land on the one report')
  t.equal(await reportCount(world.elsa), 2, 'one new report (plus the demo\'s)')
  t.same(await reportedLessons(world.elsa, TODAY), [Number(tue[2]), Number(tue[3])])

  // The other guardian reports the same: told it was already reported.
  const again = await erik.post(absences(world.elsa), body)
  t.equal(again.statusCode, 303)
  t.equal(again.headers.location, a.headers.location)
  const page = await erik.get(again.headers.location as string)
  t.match(page.body, /<div class="flash flash--info" role="status"><p>Den här frånvaron var redan anmäld\. Ingen ny anmälan gjordes\.<\/p>/)
  t.match(page.body, /av Anna Lind/, 'the report shows who made it')

  // Overlapping lessons: only the new one is added, and the page says so.
  const overlap = await erik.post(absences(world.elsa), { ...body, lessons: [tue[3]!, tue[4]!] })
  t.not(overlap.headers.location, a.headers.location)
  const overlapPage = await erik.get(overlap.headers.location as string)
  t.match(overlapPage.body, /Några av lektionerna var redan anmälda/)
  t.match(overlapPage.body, /<ul class="plain"><li>12:40–13:30 SO<\/li><\/ul>/)
  t.same(await reportedLessons(world.elsa, TODAY), [Number(tue[2]), Number(tue[3]), Number(tue[4])])

  // The whole day on top of lessons is new; lessons or the whole day after it are not.
  const day = await anna.post(absences(world.elsa), { date: TODAY, scope: 'day', reason: 'illness' })
  const [d1, d2] = await Promise.all([erik.post(absences(world.elsa), { date: TODAY, scope: 'day', reason: 'other' }), anna.post(absences(world.elsa), body)])
  t.equal(d1.headers.location, day.headers.location)
  t.equal(d2.headers.location, day.headers.location)
  t.equal(await reportCount(world.elsa), 4, "the demo's, the lessons, the overlap, the day")

  // Preschool: a day once.
  const o1 = await anna.post(absences(world.olle), { date: TOMORROW, reason: 'leave', comment: 'Ledig' })
  const o2 = await erik.post(absences(world.olle), { date: TOMORROW, reason: 'illness' })
  t.equal(o1.headers.location, o2.headers.location)
  await reset()
})

t.test('pupils see their absences but cannot report: 403', async (t) => {
  await reset()
  const elsa = await loginAs(app, 'elsa.lind')
  const list = await elsa.get(absences(world.elsa))
  t.equal(list.statusCode, 200)
  t.notMatch(list.body, /button--green/, 'no green button')
  t.match(list.body, /Frånvaro anmäls av din vårdnadshavare/)
  t.match(list.body, /Registrerad av skolan/)
  t.equal((await elsa.get(`${absences(world.elsa)}/new`)).statusCode, 403)
  const post = await elsa.post(absences(world.elsa), { date: TODAY, scope: 'day', reason: 'illness' })
  t.equal(post.statusCode, 403)
  t.match(post.body, /Frånvaro anmäls av vårdnadshavare\./)
  t.equal(await reportCount(world.elsa), 1, 'nothing stored')
  const report = await db.selectFrom('absence_reports').select('id').where('child_id', '=', world.elsa).executeTakeFirstOrThrow()
  const details = await elsa.get(`${absences(world.elsa)}/${report.id}`)
  t.equal(details.statusCode, 200)

  // Staff may look, as a guardian would, but not report in a guardian's name.
  const karin = await loginAs(app, 'karin.berg')
  t.equal((await karin.get(absences(world.elsa))).statusCode, 200)
  t.equal((await karin.post(absences(world.elsa), { date: TODAY, scope: 'day', reason: 'illness' })).statusCode, 403)
})

t.test('another family: 404 everywhere', async (t) => {
  await reset()
  const maria = await loginAs(app, 'maria.nilsson')
  const report = await db.selectFrom('absence_reports').select('id').where('child_id', '=', world.elsa).executeTakeFirstOrThrow()
  const reg = await db.selectFrom('lesson_attendance').select('id').where('child_id', '=', world.elsa).executeTakeFirstOrThrow()
  t.equal((await maria.get(absences(world.elsa))).statusCode, 404)
  t.equal((await maria.get(`${absences(world.elsa)}/new`)).statusCode, 404)
  t.equal((await maria.get(`${absences(world.elsa)}/${report.id}`)).statusCode, 404)
  t.equal((await maria.get(`${absences(world.elsa)}/registered/${reg.id}`)).statusCode, 404)
  t.equal((await maria.post(absences(world.elsa), { date: TODAY, scope: 'day', reason: 'illness' })).statusCode, 404)
  // Elsa's report through Sam's address.
  t.equal((await maria.get(`${absences(world.sam)}/${report.id}`)).statusCode, 404)
  t.equal((await maria.get(`${absences(world.sam)}/registered/${reg.id}`)).statusCode, 404)
  t.equal((await maria.get(`${absences(world.sam)}/abc`)).statusCode, 404)
  t.equal(await reportCount(world.elsa), 1)
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.get(absences(world.elsa))).statusCode, 404, 'staff of another unit')
  const visitor = new Client(app)
  t.equal((await visitor.get(absences(world.elsa))).statusCode, 303)
})

t.test('preschool: a whole day with a reason and a comment, warned about health information', async (t) => {
  await reset()
  const anna = await loginAs(app, 'anna.lind')
  const form = await anna.get(`${absences(world.olle)}/new`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /<p class="notice notice--warning" id="comment-warning"><strong>Skriv inga uppgifter om hälsa eller sjukdom här\./)
  t.match(form.body, /aria-describedby="comment-hint comment-warning"/)
  t.match(form.body, /value="illness"><label for="reason">Sjukdom<\/label>/)
  t.match(form.body, /value="leave"><label for="reason-leave">Ledighet<\/label>/)
  t.notMatch(form.body, /name="lessons"|name="scope"/)

  const long = 'x'.repeat(301)
  let res = await anna.post(absences(world.olle), { date: TOMORROW, reason: 'other', comment: long })
  t.equal(res.statusCode, 422)
  t.match(res.body, /<a href="#comment">Skriv högst 300 tecken\.<\/a>/)
  t.match(res.body, /<a href="#reason">Välj en orsak\.<\/a>/)
  t.match(res.body, new RegExp(`>${long}</textarea>`), 'the typed comment is kept')
  t.match(res.body, /value="2026-12-02" checked/)

  res = await anna.post(absences(world.olle), { date: TOMORROW, reason: 'leave', comment: 'Ledig, farmor hämtar' })
  t.equal(res.statusCode, 303)
  const page = await anna.get(res.headers.location as string)
  t.match(page.body, /<dt>Gäller<\/dt>\s*<dd>Hela dagen<\/dd>/)
  t.match(page.body, /<dt>Orsak<\/dt><dd>Ledighet<\/dd>/)
  t.match(page.body, /<dd class="mail-body">Ledig, farmor hämtar<\/dd>/)
  t.match(page.body, /Kontakta förskolan/)
  t.match(page.body, new RegExp(`messages/new\\?to=${world.johan}">Skriv ett meddelande till Johan Ek`))
  t.notMatch(page.body, /Giltighet/, 'no valid/invalid at preschool')
  const history = await anna.get(absences(world.olle))
  t.match(history.body, /onsdag 2 december 2026<\/a>\s*<span class="absence-list__scope">Hela dagen<\/span>\s*<span class="absence-list__meta">Anmäld av vårdnadshavare<\/span>/)
  t.match(history.body, /<a class="button button--green"/)
  await reset()
})

t.test('English', async (t) => {
  await reset()
  const erik = await loginAs(app, 'erik.lind')
  await erik.post('/settings/language', { locale: 'en' })
  const res = await erik.get(`${absences(world.elsa)}/new`)
  t.match(res.body, />Report absence</)
  t.match(res.body, /How long is Elsa away on Tuesday 1 December\?/)
  await erik.post('/settings/language', { locale: 'sv' })
})

t.test('queries per absence page do not grow with the history', async (t) => {
  await reset()
  const maria = await loginAs(app, 'maria.nilsson')
  const tue = await lessonsOn(2)
  const add = async (n: number, from: number) => {
    const ids = await db.insertInto('absence_reports').values(Array.from({ length: n }, (_, i) => ({
      child_id: world.sam, date: `20${String(10 + Math.floor((from + i) / 300)).padStart(2, '0')}-0${1 + ((from + i) % 9)}-${String(1 + ((from + i) % 28)).padStart(2, '0')}`,
      whole_day: (from + i) % 2 === 0, reason: 'illness' as const, comment: '', reported_by: world.maria, created_at: new Date(),
    }))).onConflict((oc) => oc.doNothing()).returning(['id', 'date', 'whole_day']).execute()
    const lessonRows = ids.filter((r) => !r.whole_day).map((r) => ({ report_id: r.id, child_id: world.sam, date: r.date, lesson_id: tue[0]!.id }))
    if (lessonRows.length) await db.insertInto('absence_report_lessons').values(lessonRows).onConflict((oc) => oc.doNothing()).execute()
    await db.insertInto('lesson_attendance').values(Array.from({ length: n }, (_, i) => ({
      child_id: world.sam, lesson_id: tue[1 + (i % 4)]!.id, date: `2019-${String(1 + ((from + i) % 12)).padStart(2, '0')}-${String(1 + ((from + i) % 28)).padStart(2, '0')}`,
      status: 'absent_invalid' as const, registered_by: world.per, registered_at: new Date(),
    }))).onConflict((oc) => oc.doNothing()).execute()
  }
  await add(10, 0)
  // Settled visits: the first remembers the child in the session, whose save makes the next
  // request read the session once more (the access cache's notice); the third is settled.
  await maria.get(absences(world.sam))
  await maria.get(absences(world.sam))
  const small = await maria.get(absences(world.sam))
  t.equal(small.statusCode, 200)
  t.equal((small.body.match(/absence-list__item/g) ?? []).length, 20)
  await add(990, 10)
  const big = await maria.get(absences(world.sam))
  t.equal((big.body.match(/absence-list__item/g) ?? []).length, 30, 'a page of 30')
  t.match(big.body, /\?page=2">Visa äldre/)
  const second = await maria.get(`${absences(world.sam)}?page=2`)
  t.match(second.body, /href="\/children\/\d+\/absences">Visa nyare/)
  t.comment(`absence page: ${queries(small)} SQL statements with 20 rows, ${queries(big)} with about 2,000`)
  t.equal(queries(big), queries(small))
  t.ok(queries(small) <= 12, `a small number (${queries(small)})`)
  const form = await maria.get(`${absences(world.sam)}/new`)
  t.comment(`report form: ${queries(form)} SQL statements`)
  const report = await db.selectFrom('absence_reports').select('id').where('child_id', '=', world.sam).executeTakeFirstOrThrow()
  const details = await maria.get(`${absences(world.sam)}/${report.id}`)
  t.comment(`report details: ${queries(details)} SQL statements`)
})

t.test('the start page tile carries the green button for guardians only', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const tile = /tile--absence">[\s\S]*?<\/li>/.exec((await anna.get(`/children/${world.elsa}`)).body)![0]
  t.match(tile, new RegExp(`<a class="button button--green" href="/children/${world.elsa}/absences/new">Anmäl frånvaro</a>`))
  t.match(tile, /tile__summary/)
  const elsa = await loginAs(app, 'elsa.lind')
  const pupilTile = /tile--absence">[\s\S]*?<\/li>/.exec((await elsa.get(`/children/${world.elsa}`)).body)![0]
  t.notMatch(pupilTile, /button--green/)
})
