import t from 'tap'
import { buildTestApp, Client, loginAs, TEST_NOW } from '../../../test/helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world, db } = ctx
const queries = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-hubben-queries'])
const lessonId = async (weekday: number, subject: string) =>
  (await db.selectFrom('timetable_lessons').select('id').where('group_id', '=', world.class4B)
    .where('weekday', '=', weekday).where('subject', '=', subject).executeTakeFirstOrThrow()).id
const week = (childId: number, key?: string) => `/children/${childId}/timetable${key ? `?week=${key}` : ''}`

t.test('the week: Monday to Friday with subject, times, teacher and room, ISO week in the heading', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(week(world.elsa))
  t.equal(res.statusCode, 200)
  t.match(res.body, /<h2 class="week-nav__title" id="week-title">Vecka 49 /)
  t.match(res.body, /Elsa Lind · Klass 4B · Solbackaskolan/)
  for (const d of ['måndag 30 november', 'tisdag 1 december', 'onsdag 2 december', 'torsdag 3 december', 'fredag 4 december']) t.match(res.body, d)
  t.notMatch(res.body, /lördag|söndag/)
  t.match(res.body, /08:10–09:00<\/span>\s*<span class="lesson__subject">Matematik<\/span>\s*<span class="lesson__meta">Per Holm · Sal 12<\/span>/)
  t.match(res.body, /Idrott och hälsa/)
  t.match(res.body, /week__day--today" aria-labelledby="day-2026-12-01"/, 'today is marked')
  t.match(res.body, /href="\/children\/\d+\/timetable\?week=2026-W48" rel="prev"/)
  t.match(res.body, /href="\/children\/\d+\/timetable\?week=2026-W50" rel="next"/)
  t.notMatch(res.body, /Till denna vecka/, 'no link back to this week when on it')
  // This Thursday English is moved to the library.
  const thursday = res.body.slice(res.body.indexOf('day-2026-12-03'))
  t.match(thursday, /Engelska<\/span>\s*<span class="lesson__meta">Per Holm · Biblioteket<\/span>\s*<strong class="lesson__flag">Ändrad<\/strong>/)
})

t.test('arrows and the link back to this week; exceptions show as cancelled', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(week(world.elsa, '2026-W50'))
  t.equal(res.statusCode, 200)
  t.match(res.body, /Vecka 50 /)
  t.match(res.body, /href="\/children\/\d+\/timetable\?week=2026-W49">Till denna vecka/)
  const wednesday = res.body.slice(res.body.indexOf('day-2026-12-09'), res.body.indexOf('day-2026-12-10'))
  t.match(wednesday, /<li class="lesson lesson--cancelled">[\s\S]*?Musik[\s\S]*?Inställd/)
  // Across the year: week 53 of 2026, then week 1 of 2027.
  const w53 = await anna.get(week(world.elsa, '2026-W53'))
  t.match(w53.body, /Vecka 53 /)
  t.match(w53.body, /week=2027-W01" rel="next"/)
  for (const bad of ['2026-W54', 'next', '2026-12-01']) t.equal((await anna.get(week(world.elsa, bad))).statusCode, 404, `week=${bad} is 404`)
})

t.test('the week of the change back from summer time (2026-10-25) keeps lessons at their local times', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const w43 = await anna.get(week(world.elsa, '2026-W43'))
  t.match(w43.body, /Vecka 43 /)
  t.match(w43.body, /fredag 23 oktober/)
  t.match(w43.body, /week=2026-W44" rel="next"/)
  const w44 = await anna.get(week(world.elsa, '2026-W44'))
  t.match(w44.body, /Vecka 44 /)
  t.match(w44.body, /måndag 26 oktober/)
  t.match(w44.body, /fredag 30 oktober/)
  const monday = w44.body.slice(w44.body.indexOf('day-2026-10-26'), w44.body.indexOf('day-2026-10-27'))
  t.match(monday, /08:10–09:00<\/span>\s*<span class="lesson__subject">Svenska/, 'still 08:10 after the clocks went back')
  t.match(w44.body, /week=2026-W43" rel="prev"/)
})

t.test('a lesson\'s details: a page of its own, or only the partial for htmx', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const id = await lessonId(4, 'Engelska')
  const url = `/children/${world.elsa}/timetable/lessons/${id}?date=2026-12-03`
  const page = await anna.get(url)
  t.equal(page.statusCode, 200)
  t.match(page.body, /<h1 id="lesson-title">Engelska<\/h1>/)
  t.match(page.body, /<dt>Tid<\/dt><dd>11:20–12:00<\/dd>/)
  t.match(page.body, /<dt>Lärare<\/dt><dd>Per Holm<\/dd>/)
  t.match(page.body, /<dt>Sal<\/dt><dd>Biblioteket \(ändrad sal\)<\/dd>/)
  t.match(page.body, /Vi läser i biblioteket\./)
  t.match(page.body, /href="\/children\/\d+\/timetable\?week=2026-W49">Tillbaka till veckan/)
  t.match(page.headers.vary, /HX-Request/)
  const frag = await anna.get(url, { 'hx-request': 'true' })
  t.equal(frag.statusCode, 200)
  t.notMatch(frag.body, /<html|class="bar"/, 'no frame in the fragment')
  t.match(frag.body, /<h2 id="lesson-title">Engelska<\/h2>/)
  t.match(frag.body, /week=2026-W49">Stäng<\/a>/)
  // Not on that weekday, a date that is no date, and a lesson that does not exist.
  t.equal((await anna.get(`/children/${world.elsa}/timetable/lessons/${id}?date=2026-12-02`)).statusCode, 404)
  t.equal((await anna.get(`/children/${world.elsa}/timetable/lessons/${id}?date=2026-13-03`)).statusCode, 404)
  t.equal((await anna.get(`/children/${world.elsa}/timetable/lessons/999999?date=2026-12-03`)).statusCode, 404)
  t.equal((await anna.get(`/children/${world.elsa}/timetable/lessons/${id}`)).statusCode, 404)
})

t.test('who sees the timetable', async (t) => {
  const pupil = await loginAs(app, 'elsa.lind')
  t.equal((await pupil.get(week(world.elsa))).statusCode, 200, 'the pupil')
  t.equal((await pupil.get(week(world.sam))).statusCode, 404, 'not a classmate\'s')
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(week(world.elsa))).statusCode, 404, 'another family')
  t.equal((await maria.get(`/children/${world.elsa}/timetable/print`)).statusCode, 404)
  t.equal((await maria.get(`/children/${world.elsa}/timetable/lessons/${await lessonId(1, 'Svenska')}?date=2026-11-30`)).statusCode, 404)
  t.equal((await maria.get(week(world.sam))).statusCode, 200, 'her own child in 4B')
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get(week(world.olle))).statusCode, 404, 'a preschool child has no timetable')
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.get(week(world.elsa))).statusCode, 404, 'staff of another unit')
  const karin = await loginAs(app, 'karin.berg')
  t.equal((await karin.get(week(world.elsa))).statusCode, 200, 'staff of the school')
  const visitor = new Client(app)
  const res = await visitor.get(week(world.elsa))
  t.equal(res.statusCode, 303)
  t.match(res.headers.location, /^\/login\?next=/)
})

t.test('the print page: no navigation, name, class and week; one week', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`/children/${world.elsa}/timetable/print?week=2026-W49`)
  t.equal(res.statusCode, 200)
  t.notMatch(res.body, /class="bar"|hx-boost|rel="prev"|lesson__link" href/, 'no bar, no arrows, no links to lessons')
  t.match(res.body, /<h1 class="print-head__title">Schema för Elsa Lind, vecka 49<\/h1>/)
  t.match(res.body, /Klass 4B · Solbackaskolan · 30 november 2026 – 4 december 2026/)
  t.match(res.body, /<link rel="stylesheet" href="\/static\/css\/print\.css\?v=\w+" media="print">/)
  t.match(res.body, /<button type="button" class="button" data-print hidden>Skriv ut<\/button>/, 'the print button waits for JavaScript')
  t.notMatch(res.body, /<script>|style="/, 'no inline script or style')
  t.equal((res.body.match(/<section class="week__day/g) ?? []).length, 5)
  const normal = await anna.get(week(world.elsa))
  t.match(normal.body, /href="\/children\/\d+\/timetable\/print\?week=2026-W49" hx-boost="false">Utskriftsvänligt schema/)
})

t.test('the calendar feed: created and renewed in settings, secret per person, DST-correct', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  let settings = await anna.get('/settings')
  t.match(settings.body, /<h2 id="calendar-feed" tabindex="-1">Schemat i din kalender<\/h2>/)
  t.match(settings.body, />Skapa prenumerationsadress</)
  t.notMatch(settings.body, /\/feeds\/timetable\//)
  const created = await anna.post('/settings/calendar-feed')
  t.equal(created.statusCode, 303)
  t.equal(created.headers.location, '/settings#calendar-feed')
  settings = await anna.get('/settings')
  t.match(settings.body, /Prenumerationsadressen är skapad/)
  const url = new RegExp(`value="http://hubben\\.test(/feeds/timetable/[\\w-]+/${world.elsa}\\.ics)"`).exec(settings.body)?.[1]
  t.ok(url, 'the address of Elsa\'s feed is shown')
  t.notMatch(settings.body, new RegExp(`/${world.olle}\\.ics`), 'no feed for a preschool child')
  t.match(settings.body, /href="webcal:\/\/hubben\.test\/feeds\/timetable\//)

  const feed = await app.inject({ method: 'GET', url: url! })
  t.equal(feed.statusCode, 200)
  t.match(feed.headers['content-type'], /^text\/calendar/)
  t.match(feed.body, /BEGIN:VCALENDAR/)
  t.match(feed.body, /SUMMARY:Matematik/)
  t.match(feed.body, /LOCATION:Biblioteket/)
  t.match(feed.body, /SUMMARY:Inställd: Musik[\s\S]*?STATUS:CANCELLED/)
  t.match(feed.body, /UID:lesson-\d+-2026-12-01@hubben/)
  // Monday 30 November, Swedish 08:10 in winter is 07:10 UTC.
  t.match(feed.body, /DTSTART:20261130T071000Z/)

  // Another person's child through Anna's secret, and a made-up secret.
  const token = url!.split('/')[3]!
  t.equal((await app.inject(`/feeds/timetable/${token}/${world.sam}.ics`)).statusCode, 404)
  t.equal((await app.inject(`/feeds/timetable/${token}/${world.olle}.ics`)).statusCode, 404)
  t.equal((await app.inject(`/feeds/timetable/${'x'.repeat(32)}/${world.elsa}.ics`)).statusCode, 404)
  t.equal((await app.inject(`/feeds/timetable/${token}/${world.elsa}.txt`)).statusCode, 404)

  // Renewing: the old address stops working, the new one works.
  const renewed = await anna.post('/settings/calendar-feed')
  t.equal(renewed.statusCode, 303)
  settings = await anna.get('/settings')
  t.match(settings.body, /Du har fått en ny prenumerationsadress/)
  const url2 = /value="http:\/\/hubben\.test(\/feeds\/timetable\/[^"]+)"/.exec(settings.body)![1]!
  t.not(url2, url)
  t.equal((await app.inject(url!)).statusCode, 404, 'the old address is dead')
  t.equal((await app.inject(url2)).statusCode, 200)

  // Around the change back from summer time: 08:10 is 06:10 UTC on Friday 23 October, 07:10 UTC on Monday 26 October.
  ctx.clock.set('2026-10-21T08:00:00+02:00')
  try {
    const dst = await app.inject(url2)
    t.match(dst.body, /DTSTART:20261023T061000Z/)
    t.match(dst.body, /DTSTART:20261026T071000Z/)
  } finally {
    ctx.clock.set(TEST_NOW)
  }

  const maria = await loginAs(app, 'maria.nilsson')
  await maria.post('/settings/calendar-feed')
  const mariaUrl = /value="http:\/\/hubben\.test(\/feeds\/timetable\/[^"]+)"/.exec((await maria.get('/settings')).body)![1]!
  t.match(mariaUrl, new RegExp(`/${world.sam}\\.ics$`))
  t.equal((await app.inject(mariaUrl.replace(`/${world.sam}.ics`, `/${world.elsa}.ics`))).statusCode, 404, 'Maria\'s secret does not open Elsa')

  const johan = await loginAs(app, 'johan.ek')
  t.match((await johan.get('/settings')).body, /Det finns inget schema att prenumerera på/)
})

t.test('the start page tile summarises today', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`/children/${world.elsa}`)
  t.match(res.body, /I dag 6 lektioner, första börjar 08:10\./)
})

t.test('queries per week page do not grow with the number of lessons', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const group = await db.insertInto('groups').values({ unit_id: world.school, name: 'Språkval', kind: 'teaching', external_id: null }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('group_memberships').values({ group_id: group.id, child_id: world.elsa }).execute()
  const add = (n: number, from: number) => db.insertInto('timetable_lessons').values(Array.from({ length: n }, (_, i) => ({
    group_id: group.id, weekday: ((from + i) % 5) + 1, starts_at: '15:00', ends_at: '15:40', subject: `Tyska ${from + i}`,
    subject_code: null, teacher_id: world.per, room: 'Sal 3', valid_from: '2026-08-17', valid_to: null, external_id: null,
  }))).execute()
  await add(10, 0)
  // The first visit saves the remembered child in the session, and with the access cache the
  // next one reads that session again once: count the third.
  await anna.get(week(world.elsa))
  await anna.get(week(world.elsa))
  const small = await anna.get(week(world.elsa))
  t.equal((small.body.match(/class="lesson"/g) ?? []).length, 28 + 10)
  await add(990, 10)
  const big = await anna.get(week(world.elsa))
  t.equal((big.body.match(/class="lesson"/g) ?? []).length, 28 + 1000)
  t.comment(`timetable week page: ${queries(small)} SQL statements with 10 extra lessons, ${queries(big)} with 1,000`)
  t.equal(queries(big), queries(small))
  t.ok(queries(small) <= 12, `a small number (${queries(small)})`)
  const print = await anna.get(`/children/${world.elsa}/timetable/print`)
  t.comment(`print page: ${queries(print)} SQL statements`)
  await db.deleteFrom('groups').where('id', '=', group.id).execute()
})
