import t from 'tap'
import { buildTestApp, loginAs } from '../../../test/helpers/app.js'

// Tuesday 1 December 2026, 07:10 in Stockholm.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world } = ctx

const groupUrl = (id: number, date?: string) => `/staff/care-schedule/groups/${id}${date ? `?date=${date}` : ''}`
const childDayUrl = (id: number, date: string) => `/staff/care-schedule/children/${id}/days/${date}`

t.test('the staff start page links to the care schedules', async (t) => {
  const lena = await loginAs(app, 'lena.ek')
  const res = await lena.get('/staff')
  t.match(res.body, /href="\/staff\/care-schedule"/)
  const list = await lena.get('/staff/care-schedule')
  t.equal(list.statusCode, 200)
  t.match(list.body, /Fritids Solbacka/)
  t.match(list.body, /din grupp/)
  t.match(list.body, /1 ny kommentar/, 'the seeded comment has not been opened')
  t.notMatch(list.body, /Blåklockan/, 'only groups of her own unit')
})

t.test('a group\'s day: each child with times, the head count per half hour', async (t) => {
  const johan = await loginAs(app, 'johan.ek')
  const res = await johan.get(groupUrl(world.blaklockan))
  t.equal(res.statusCode, 200)
  t.match(res.body, /Blåklockan, tisdag 1 december/)
  t.match(res.body, /Olle Lind/)
  t.match(res.body, /07:45–16:00/)
  t.match(res.body, /1 barn väntas/)
  t.match(res.body, /Antal barn per halvtimme/)
  t.match(res.body, /<th scope="row">06:30–07:00<\/th><td>0<\/td>/)
  t.match(res.body, /<th scope="row">07:30–08:00<\/th><td>1<\/td>/)
  t.match(res.body, /<th scope="row">18:00–18:30<\/th><td>0<\/td>/)
  const bad = await johan.get(groupUrl(world.blaklockan, '1-12'))
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /Skriv datumet som/)
  t.match(bad.body, /value="1-12"/)
})

t.test('the marker on a new comment goes when a staff member opens it', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const saved = await anna.post(`/children/${world.elsa}/care-schedule/days/2026-12-09`, { start: '07:15', end: '16:30', comment: 'Morfar hämtar kl 15' })
  t.equal(saved.statusCode, 303)

  const lena = await loginAs(app, 'lena.ek')
  const day = await lena.get(groupUrl(world.fritids, '2026-12-09'))
  t.match(day.body, /Ny kommentar/)
  t.match(day.body, /class="care-new"/)
  const week = await lena.get(`/staff/care-schedule/groups/${world.fritids}/week?week=2026-W50`)
  t.equal(week.statusCode, 200)
  t.match(week.body, /Elsa Lind/)
  t.match(week.body, /Ny kommentar/)

  const opened = await lena.get(`${childDayUrl(world.elsa, '2026-12-09')}?group=${world.fritids}`)
  t.equal(opened.statusCode, 200)
  t.match(opened.body, /Morfar hämtar kl 15/)
  t.match(opened.body, /Anna Lind/)
  t.match(opened.body, /nu markerad som läst/)
  const after = await lena.get(groupUrl(world.fritids, '2026-12-09'))
  t.notMatch(after.body, /class="care-new"/)
  t.match(after.body, />Kommentar</, 'the bubble stays')

  // Another staff member of the unit sees it as seen too: the marker is for the staff, not per person.
  const karin = await loginAs(app, 'karin.berg')
  t.notMatch((await karin.get(groupUrl(world.fritids, '2026-12-09'))).body, /class="care-new"/)
})

t.test('staff comment on a child\'s day: the guardians see it on the day, with no notification', async (t) => {
  const johan = await loginAs(app, 'johan.ek')
  const url = childDayUrl(world.olle, '2026-12-03')
  const tooLong = await johan.post(url, { staffComment: 'x'.repeat(301) })
  t.equal(tooLong.statusCode, 422)
  t.match(tooLong.body, /Skriv högst 300 tecken/)
  t.match(tooLong.body, /x{301}/)
  const res = await johan.post(url, { staffComment: 'Olle har med sig en bok att läsa.' })
  t.equal(res.statusCode, 303)
  t.equal((await johan.get(res.headers.location as string)).statusCode, 200)

  const anna = await loginAs(app, 'anna.lind')
  const notifications = await ctx.db.selectFrom('notifications').select('id').where('recipient_id', '=', world.anna).execute()
  const day = await anna.get(`/children/${world.olle}/care-schedule/days/2026-12-03`)
  t.match(day.body, /Kommentar från personalen/)
  t.match(day.body, /Olle har med sig en bok att läsa/)
  const week = await anna.get(`/children/${world.olle}/care-schedule?week=2026-W49`)
  t.notMatch(week.body, /en bok att läsa/)
  t.same(await ctx.db.selectFrom('notifications').select('id').where('recipient_id', '=', world.anna).execute(), notifications)
})

t.test('staff of another unit are refused (404), and so are guardians and pupils', async (t) => {
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.get(groupUrl(world.fritids))).statusCode, 404)
  t.equal((await johan.get(`/staff/care-schedule/groups/${world.fritids}/week`)).statusCode, 404)
  t.equal((await johan.get(childDayUrl(world.elsa, '2026-12-03'))).statusCode, 404)
  t.equal((await johan.post(childDayUrl(world.elsa, '2026-12-03'), { staffComment: 'fel enhet' })).statusCode, 404)
  const lena = await loginAs(app, 'lena.ek')
  t.equal((await lena.get(groupUrl(world.blaklockan))).statusCode, 404)
  t.equal((await lena.get(childDayUrl(world.olle, '2026-12-03'))).statusCode, 404)
  t.equal((await lena.get(groupUrl(world.class4B))).statusCode, 404, 'a class is not a care group')
  t.equal((await lena.get(childDayUrl(world.sam, '2026-12-03'))).statusCode, 404, 'a pupil without fritids has no care days')
  t.equal((await lena.get(groupUrl(999999))).statusCode, 404)
  t.equal((await lena.get('/staff/care-schedule/groups/abc')).statusCode, 404)
  t.equal((await lena.get(childDayUrl(world.elsa, '2026-13-01'))).statusCode, 404)
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get('/staff/care-schedule')).statusCode, 404)
  t.equal((await anna.get(groupUrl(world.fritids))).statusCode, 404)
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get(childDayUrl(world.elsa, '2026-12-03'))).statusCode, 404)
  const admin = await loginAs(app, 'admin')
  t.equal((await admin.get(groupUrl(world.fritids))).statusCode, 200, 'admins see every unit')
})
