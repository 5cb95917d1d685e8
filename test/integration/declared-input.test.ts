import t from 'tap'
import { buildTestApp, loginAs } from '../helpers/app.js'

// Every route declares its params, query and body (src/web/schemas.ts). What does not fit
// answers as before the declarations: after login and access checks, 404 for URLs, the
// page's default for hints like ?page=, and the form again with 422 for bodies.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world } = ctx

t.test('malformed ids in URLs are pages that do not exist', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const elsa = `/children/${world.elsa}`
  for (const path of [
    '/children/abc', '/children/99999999999', '/children/1e3/messages', '/children/0x10/absences',
    `${elsa}/absences/abc`, `${elsa}/absences/registered/1.5`, `${elsa}/messages/abc`, `${elsa}/timetable/lessons/x?date=2026-12-01`,
    `${elsa}/care-schedule/days/tomorrow`, `${elsa}/care-schedule/weeks/49`, '/notifications/abc', '/feeds/timetable/abc/x.ics',
  ]) {
    const res = await anna.get(path)
    t.equal(res.statusCode, 404, path)
    t.match(res.body, /Sidan finns inte/, `${path}: the framed 404 page`)
  }
  const lena = await loginAs(app, 'lena.ek')
  for (const path of ['/staff/messages/abc', '/staff/care-schedule/groups/abc', `/staff/care-schedule/children/abc/days/2026-12-01`, '/staff/absences?group=abc']) {
    t.equal((await lena.get(path)).statusCode, 404, path)
  }
  const post = await anna.post(`${elsa}/messages/abc/replies`, { body: 'Hej' })
  t.equal(post.statusCode, 404, 'a POST to a malformed id')
})

t.test('guards answer first: login, then the malformed id', async (t) => {
  const anon = await app.inject({ method: 'GET', url: '/children/abc' })
  t.equal(anon.statusCode, 303)
  t.match(anon.headers.location, /^\/login\?next=/)
  const staffOnly = await loginAs(app, 'anna.lind')
  t.equal((await staffOnly.get('/staff/messages/abc')).statusCode, 404, 'the staff area does not exist for guardians')
})

t.test('query parameters: odd hints fall back, odd weeks and dates are 404', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const elsa = `/children/${world.elsa}`
  for (const q of ['page=abc', 'page=0', 'page=-1', 'page=1&page=2', 'page=999999']) {
    const res = await anna.get(`${elsa}/messages?${q}`)
    t.equal(res.statusCode, 200, `messages ?${q}`)
    t.equal((await anna.get(`${elsa}/absences?${q}`)).statusCode, 200, `absences ?${q}`)
    t.equal((await anna.get(`/notifications?${q}`)).statusCode, 200, `notifications ?${q}`)
  }
  t.equal((await anna.get(`${elsa}/absences/new?date=nonsense`)).statusCode, 200, 'an odd date shows today')
  for (const q of ['week=49', 'week=2026-w49']) {
    t.equal((await anna.get(`${elsa}/care-schedule?${q}`)).statusCode, 404, `care ?${q}`)
    t.equal((await anna.get(`${elsa}/timetable?${q}`)).statusCode, 404, `timetable ?${q}`)
  }
  // A single-value parameter given twice is a crafted URL: the input guard answers 400 first.
  t.equal((await anna.get(`${elsa}/care-schedule?week=2026-W49&week=2026-W50`)).statusCode, 400, 'care: week twice')
  t.equal((await anna.get(`${elsa}/timetable?week=2026-W49&week=2026-W50`)).statusCode, 400, 'timetable: week twice')
  t.equal((await anna.get(`${elsa}/care-schedule?week=`)).statusCode, 200, 'an empty week is the current one')
  t.equal((await anna.get(`${elsa}/timetable?week=`)).statusCode, 200)
  t.equal((await anna.get(`${elsa}/care-schedule/weeks/2026-W50?from=soon`)).statusCode, 404)
  const lena = await loginAs(app, 'lena.ek')
  t.equal((await lena.get(`/staff/care-schedule/groups/${world.fritids}/week?week=soon`)).statusCode, 404)
  t.equal((await lena.get(`/staff/care-schedule/children/${world.elsa}/days/2026-12-01?group=abc`)).statusCode, 200, 'an odd group only changes the back link')
  t.equal((await lena.get('/staff/messages/new?child=abc')).statusCode, 200)
})

t.test('forms: a failed check is the form again with 422, the message and the typed values, in both languages', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const care = `/children/${world.elsa}/care-schedule`
  const day = await anna.post(`${care}/days/2026-12-10`, { start: '07:30', end: '16:00', comment: 'x'.repeat(2001) })
  t.equal(day.statusCode, 422)
  t.match(day.body, /Något behöver rättas/)
  t.match(day.body, /Skriv högst 2000 tecken/)
  t.match(day.body, /value="07:30"/)
  const week = await anna.post(`${care}/weeks/2026-W51`, { start1: '08:00', end1: '1'.repeat(30), every: '1' })
  t.equal(week.statusCode, 422)
  t.match(week.body, /Skriv högst 20 tecken/)
  t.match(week.body, /value="08:00"/)

  await anna.post('/settings/language', { locale: 'en' })
  const en = await anna.post(`${care}/days/2026-12-10`, { start: '1'.repeat(21), end: '16:00', comment: 'Late pick-up' })
  t.equal(en.statusCode, 422)
  t.match(en.body, /Something needs correcting/)
  t.match(en.body, /Write at most 20 characters/)
  t.match(en.body, /Late pick-up/)
  await anna.post('/settings/language', { locale: 'sv' })

  const lena = await loginAs(app, 'lena.ek')
  const comment = await lena.post(`/staff/care-schedule/children/${world.elsa}/days/2026-12-09`, { staffComment: 'y'.repeat(2001) })
  t.equal(comment.statusCode, 422)
  t.match(comment.body, /Skriv högst 2000 tecken/)

  const anon = new (await import('../helpers/app.js')).Client(app)
  const forgot = await anon.post('/password/forgot', { email: 'not-an-address' })
  t.equal(forgot.statusCode, 422)
  t.match(forgot.body, /Skriv en e-postadress/)
  t.match(forgot.body, /value="not-an-address"/)
  const missing = await anon.post('/password/forgot', { email: '  ' })
  t.equal(missing.statusCode, 422)
  t.match(missing.body, /Fyll i fältet/)

  const admin = await loginAs(app, 'admin')
  const invite = await admin.post('/staff/admin/invite', { email: 'nobody' })
  t.equal(invite.statusCode, 422)
  t.match(invite.body, /Skriv en e-postadress/)
  t.match(invite.body, /value="nobody"/)
})

t.test('talks: malformed ids are 404 after the guards, odd hints fall back, forms are 422 with the typed values', async (t) => {
  const { db } = ctx
  const round = (await db.selectFrom('talk_rounds').select('id').where('staff_id', '=', world.karin).executeTakeFirstOrThrow()).id
  const slot = (await db.selectFrom('talk_slots').select('id').where('round_id', '=', round).orderBy('starts_at').executeTakeFirstOrThrow()).id
  const talks = `/children/${world.elsa}/talks`
  const anna = await loginAs(app, 'anna.lind')
  for (const path of [`${talks}/rounds/abc`, `${talks}/rounds/1e3`, `${talks}/bookings/x.ics`, `${talks}/bookings/1.5.ics`, `${talks}/bookings/${slot}`]) {
    t.equal((await anna.get(path)).statusCode, 404, path)
  }
  t.equal((await anna.post(`${talks}/bookings/abc/cancel`)).statusCode, 404, 'a POST to a malformed id')
  const pupil = await loginAs(app, 'elsa.lind')
  t.equal((await pupil.get(`${talks}/rounds/abc`)).statusCode, 403, 'the box\'s rule answers before the malformed id')
  for (const q of ['cancelled=abc', 'cancelled=', 'cancelled=99999999999']) t.equal((await anna.get(`${talks}?${q}`)).statusCode, 200, `talks ?${q}`)
  for (const q of ['offset=abc', 'offset=-1', 'offset=999999']) t.equal((await anna.get(`${talks}/rounds/${round}?${q}`)).statusCode, 200, `round ?${q}`)

  const long = await anna.post(`${talks}/bookings`, { round: String(round), slot: String(slot), message: 'x'.repeat(501) })
  t.equal(long.statusCode, 422)
  t.match(long.body, /Skriv högst 500 tecken/)
  t.match(long.body, new RegExp(`id="message-${round}-error"`), 'the message at the round\'s field')
  t.match(long.body, new RegExp(`value="${slot}" checked`), 'the chosen time kept')
  const twice = await anna.post(`${talks}/bookings`, { round: String(round), slot: ['abc', String(slot)], message: 'Hej' })
  t.equal(twice.statusCode, 422, 'a time sent twice is a crafted form: the input guard refuses it')
  t.match(twice.body, /Inget sparades/)

  const anon = await app.inject({ method: 'GET', url: '/staff/talks/rounds/abc' })
  t.equal(anon.statusCode, 303, 'login first')
  t.equal((await anna.get('/staff/talks/rounds/abc')).statusCode, 404, 'the staff area does not exist for guardians')
  const karin = await loginAs(app, 'karin.berg')
  for (const path of ['/staff/talks?group=abc', '/staff/talks/rounds/abc', `/staff/talks/rounds/${round}/slots/abc/move`, '/staff/talks/rounds/99999999999']) {
    t.equal((await karin.get(path)).statusCode, 404, path)
  }
  for (const path of [`/staff/talks/rounds/abc/slots/${slot}/cancel`, `/staff/talks/rounds/${round}/slots/x/booking/cancel`]) {
    t.equal((await karin.post(path)).statusCode, 404, `POST ${path}`)
  }
  t.equal((await karin.get('/staff/talks?group=')).statusCode, 200, 'an empty group is the first one')
  t.equal((await karin.get('/staff/talks/new?group=abc')).statusCode, 200, 'an odd group preselects none')
  t.equal((await karin.get(`/staff/talks/rounds/${round}?page=abc`)).statusCode, 200, 'an odd page is the first')

  const publish = await karin.post('/staff/talks/preview', {
    group: String(world.class4B), dates: '2026-12-15', from: '08:00', to: '10:00', length: '20', placeKind: 'room', place: 'p'.repeat(121), lastDay: '2026-12-11',
  })
  t.equal(publish.statusCode, 422)
  t.match(publish.body, /Skriv högst 120 tecken/)
  t.match(publish.body, /id="place-error"/)
  t.match(publish.body, /value="2026-12-15"/, 'the typed dates kept')
  const move = await karin.post(`/staff/talks/rounds/${round}/slots/${slot}/move`, { to: 'abc' })
  t.equal(move.statusCode, 404, 'karin\'s first time is not booked: nothing to move')
})
