import t from 'tap'
import { buildTestApp, loginAs, TEST_NOW, type TestContext } from '../../../test/helpers/app.js'

// The demo world at Tuesday 1 December 2026, 07:10: karin.berg's round for 4B on Tuesday 8
// and Wednesday 9 December 14:00-16:20 (20 minutes, 10 between, in Klassrum 4B, bookable
// until Monday 7 December; Sam's family has the 14:30 on the 8th), and per.holm's digital
// round on Thursday 10 December 13:00-14:55 (bookable until Tuesday 8 December).
const ctx: TestContext = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world, clock } = ctx
const base = `/children/${world.elsa}/talks`

const tileKeys = (html: string) => [...html.matchAll(/class="tile tile--([a-z-]+)"/g)].map((m) => m[1])
const rounds = await db.selectFrom('talk_rounds').select(['id', 'staff_id']).orderBy('id').execute()
const karinRound = rounds.find((r) => r.staff_id === world.karin)!.id
const perRound = rounds.find((r) => r.staff_id === world.per)!.id
const slotsOf = async (roundId: number) => db.selectFrom('talk_slots').select(['id', 'starts_at']).where('round_id', '=', roundId).orderBy('starts_at').execute()
const karinSlots = await slotsOf(karinRound)
const perSlots = await slotsOf(perRound)
const bookings = async (childId: number) => db.selectFrom('talk_bookings').selectAll().where('child_id', '=', childId).orderBy('slot_id').execute()
const clearElsa = () => db.deleteFrom('talk_bookings').where('child_id', '=', world.elsa).execute()
const book = (c: Awaited<ReturnType<typeof loginAs>>, roundId: number, slotId: number, message = '', childId = world.elsa) =>
  c.post(`/children/${childId}/talks/bookings`, { round: String(roundId), slot: String(slotId), message })

t.afterEach(async () => {
  clock.set(TEST_NOW)
  await clearElsa()
})

t.test('the page: times per pedagogue, the mentor first and marked, Sam\'s booked time not offered', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(base)
  t.equal(res.statusCode, 200)
  const karinAt = res.body.indexOf('>Karin Berg')
  const perAt = res.body.indexOf('>Per Holm')
  t.ok(karinAt > 0 && perAt > karinAt, 'karin (the mentor) before per')
  t.match(res.body, /Karin Berg <span class="badge">Elsas mentor<\/span>/)
  t.notMatch(res.body, /Per Holm <span class="badge">/)
  t.match(res.body, /Klassrum 4B/)
  t.match(res.body, /Digitalt: <a href="https:\/\/meet.example\/per-holm-4b"/)
  t.match(res.body, /tisdag 8 december 14:00–14:20/)
  t.notMatch(res.body, new RegExp(`name="slot" value="${karinSlots[1]!.id}"`), 'Sam\'s time is not free')
  t.match(res.body, new RegExp(`name="slot" value="${karinSlots[2]!.id}"`))
  t.match(res.body, /Sista dag att boka<\/dt>\s*<dd>måndag 7 december/)
  const start = await anna.get(`/children/${world.elsa}`)
  t.ok(tileKeys(start.body).includes('talks'))
  t.match(start.body, /Boka en tid senast måndag 7 december/)
})

t.test('booking with a message; the other guardian sees it and who booked; the tile says when', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await book(anna, karinRound, karinSlots[0]!.id, 'Vi vill prata om matten.')
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, base)
  const page = await anna.get(base)
  t.match(page.body, /Tiden är bokad/)
  t.match(page.body, /Er bokade tid/)
  t.match(page.body, /tisdag 8 december 14:00–14:20/)
  t.match(page.body, /Bokad av dig \(Anna Lind\)/)
  t.match(page.body, /Vi vill prata om matten./)
  t.match(page.body, new RegExp(`action="${base}/bookings/${karinSlots[0]!.id}/cancel"`), 'Avboka offered')
  t.match(page.body, new RegExp(`href="${base}/bookings/${karinSlots[0]!.id}.ics"`))
  const erik = await loginAs(app, 'erik.lind')
  const seen = await erik.get(base)
  t.match(seen.body, /Bokad av Anna Lind,/)
  t.match(seen.body, /Vi vill prata om matten./)
  const start = await erik.get(`/children/${world.elsa}`)
  t.match(start.body, /Bokad: tis 8\/12 14:00/)
  t.equal((await db.selectFrom('notifications').select('id').where('area', '=', 'talks').execute()).length, 0, 'no notice for the booking\'s message (SPEC 4.4)')
})

t.test('one booking per child per round; another round is fine; a double submit books once', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await book(anna, karinRound, karinSlots[0]!.id)).statusCode, 303)
  const again = await book(anna, karinRound, karinSlots[0]!.id)
  t.equal(again.statusCode, 303, 'the same booking again is the same booking')
  t.match((await anna.get(base)).body, /Tiden var redan bokad/)
  const second = await book(anna, karinRound, karinSlots[3]!.id)
  t.equal(second.statusCode, 409)
  t.match(second.body, /Elsa har redan en bokad tid i den här omgången \(bokad av Anna Lind\)/)
  t.equal((await book(anna, perRound, perSlots[0]!.id)).statusCode, 303, 'per\'s round is another round')
  t.same((await bookings(world.elsa)).map((b) => b.slot_id), [karinSlots[0]!.id, perSlots[0]!.id])
})

t.test('bad input: 422 with the message at the field and the typed message kept', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const none = await anna.post(`${base}/bookings`, { round: String(karinRound), message: 'Hej' })
  t.equal(none.statusCode, 422)
  t.match(none.body, new RegExp(`<a href="#slot-${karinRound}">Välj en tid</a>`))
  t.match(none.body, new RegExp(`id="slot-${karinRound}-error"`))
  t.match(none.body, />Hej<\/textarea>/)
  const long = await book(anna, karinRound, karinSlots[0]!.id, 'x'.repeat(501))
  t.equal(long.statusCode, 422)
  t.match(long.body, /Högst 500 tecken|högst 500 tecken|500/)
  t.match(long.body, new RegExp(`id="message-${karinRound}-error"`))
  t.match(long.body, new RegExp(`value="${karinSlots[0]!.id}" checked`), 'the chosen time stays chosen')
  for (const slot of ['abc', '', '99999999', String(-1)]) {
    const res = await anna.post(`${base}/bookings`, { round: String(karinRound), slot })
    t.equal(res.statusCode, 422, `slot ${JSON.stringify(slot)}`)
  }
  const sams = await anna.post(`${base}/bookings`, { round: String(karinRound), slot: String(karinSlots[1]!.id) })
  t.equal(sams.statusCode, 409, 'Sam\'s time is taken')
  t.match(sams.body, /Någon hann boka tiden före dig/)
  t.match(sams.body, new RegExp(`name="slot" value="${karinSlots[2]!.id}"`), 'with the times left')
  t.same(await bookings(world.elsa), [])
})

t.test('pupils get 403 on every talks route; another family 404; preschool child 404', async (t) => {
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get(base)).statusCode, 403)
  t.equal((await book(elsa, karinRound, karinSlots[0]!.id)).statusCode, 403)
  t.equal((await elsa.post(`${base}/bookings/${karinSlots[0]!.id}/cancel`)).statusCode, 403)
  t.equal((await elsa.get(`${base}/bookings/${karinSlots[1]!.id}.ics`)).statusCode, 403)
  t.equal((await elsa.get(`${base}/rounds/${karinRound}`)).statusCode, 403)
  t.notOk(tileKeys((await elsa.get(`/children/${world.elsa}`)).body).includes('talks'))

  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(base)).statusCode, 404)
  t.equal((await book(maria, karinRound, karinSlots[0]!.id)).statusCode, 404, 'cannot book for another family\'s child')
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.post(`/children/${world.sam}/talks/bookings/${karinSlots[1]!.id}/cancel`)).statusCode, 404, 'cannot cancel another family\'s booking')
  t.equal((await anna.get(`/children/${world.sam}/talks/bookings/${karinSlots[1]!.id}.ics`)).statusCode, 404)
  t.equal((await anna.post(`${base}/bookings/${karinSlots[1]!.id}/cancel`)).statusCode, 303, 'Sam\'s slot through Elsa: nothing to cancel')
  t.equal((await bookings(world.sam)).length, 1, 'Sam\'s booking stands')
  t.equal((await anna.get(`${base}/bookings/${karinSlots[1]!.id}.ics`)).statusCode, 404, 'Sam\'s booking is not Elsa\'s')
  t.equal((await anna.get(`/children/${world.olle}/talks`)).statusCode, 404, 'no rounds for Olle\'s department')
})

t.test('Avboka, then the suggested message to the pedagogue, preselected', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await book(anna, karinRound, karinSlots[0]!.id, 'Hej')
  const res = await anna.post(`${base}/bookings/${karinSlots[0]!.id}/cancel`)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `${base}?cancelled=${world.karin}#suggest`)
  t.same(await bookings(world.elsa), [])
  const page = await anna.get(`${base}?cancelled=${world.karin}`)
  t.match(page.body, /Tiden är avbokad/)
  t.match(page.body, new RegExp(`<a href="/children/${world.elsa}/messages/new\\?to=${world.karin}">Skriv ett meddelande till Karin Berg</a>`))
  const form = await anna.get(`/children/${world.elsa}/messages/new?to=${world.karin}`)
  t.equal(form.statusCode, 200)
  t.match(form.body, new RegExp(`value="${world.karin}"[^>]*checked`), 'karin is the chosen recipient')
  const odd = await anna.get(`${base}?cancelled=${world.johan}`)
  t.notMatch(odd.body, /id="suggest"/, 'only a pedagogue of the child\'s rounds is suggested')
  t.equal((await anna.post(`${base}/bookings/${karinSlots[0]!.id}/cancel`)).statusCode, 303, 'cancelling twice is harmless')
})

t.test('after the last booking day: no Avboka, contact the pedagogue; no new bookings', async (t) => {
  await book(await loginAs(app, 'anna.lind'), karinRound, karinSlots[0]!.id)
  // karin's round closed at the end of 7 December; the booked time (8 December 14:00) is ahead.
  clock.set('2026-12-08T08:00:00+01:00')
  const anna = await loginAs(app, 'anna.lind')
  const page = await anna.get(base)
  t.equal(page.statusCode, 200)
  t.notMatch(page.body, new RegExp(`bookings/${karinSlots[0]!.id}/cancel"`))
  t.match(page.body, /Sista dag att avboka har passerat. Kontakta Karin Berg/)
  t.match(page.body, new RegExp(`href="/children/${world.elsa}/messages/new\\?to=${world.karin}">Skriv till Karin Berg`))
  const late = await anna.post(`${base}/bookings/${karinSlots[0]!.id}/cancel`)
  t.equal(late.statusCode, 303)
  t.match((await anna.get(base)).body, /kan inte avbokas längre/)
  t.equal((await bookings(world.elsa)).length, 1, 'the booking stands')
  await clearElsa()
  const closed = await book(anna, karinRound, karinSlots[6]!.id)
  t.equal(closed.statusCode, 409, 'karin\'s round is closed for new bookings too')
  t.match(closed.body, /Tiden går inte att boka längre/)
  t.match(closed.body, /Sista dag att boka har passerat. Kontakta Karin Berg/)
  t.equal((await book(anna, perRound, perSlots[0]!.id)).statusCode, 303, 'per\'s round is open until the end of the day')
})

t.test('the box shows only while there are bookable times or a booking', async (t) => {
  clock.set('2026-12-09T08:00:00+01:00')
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get(base)).statusCode, 404, 'both rounds closed, no booking')
  t.notOk(tileKeys((await anna.get(`/children/${world.elsa}`)).body).includes('talks'))
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(`/children/${world.sam}/talks`)).statusCode, 404, 'Sam\'s time (the 8th) has passed')
  clock.set('2026-12-07T20:00:00+01:00')
  const maria2 = await loginAs(app, 'maria.nilsson')
  t.ok(tileKeys((await maria2.get(`/children/${world.sam}`)).body).includes('talks'), 'a booking ahead keeps the box')
  t.equal((await maria2.get(`/children/${world.sam}/talks`)).statusCode, 200)
})

t.test('more times than a page: a link to the next page of the round', async (t) => {
  const round = await db.insertInto('talk_rounds').values({
    group_id: world.class4B, staff_id: world.per, place: 'Sal 12', last_booking_day: '2026-12-20', created_at: clock.now(),
  }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('talk_slots').values(Array.from({ length: 30 }, (_, i) => ({
    round_id: round.id, group_id: world.class4B, staff_id: world.per, place: 'Sal 12',
    starts_at: new Date(Date.parse('2026-12-21T08:00:00+01:00') + i * 1_200_000), ends_at: new Date(Date.parse('2026-12-21T08:15:00+01:00') + i * 1_200_000),
  }))).execute()
  t.teardown(() => db.deleteFrom('talk_rounds').where('id', '=', round.id).execute())
  const anna = await loginAs(app, 'anna.lind')
  const page = await anna.get(base)
  t.match(page.body, new RegExp(`href="${base}/rounds/${round.id}\\?offset=24">Visa fler tider \\(30 lediga\\)`))
  const more = await anna.get(`${base}/rounds/${round.id}?offset=24`)
  t.equal(more.statusCode, 200)
  t.equal([...more.body.matchAll(/name="slot"/g)].length, 6)
  t.match(more.body, /Visa tidigare tider/)
  t.equal((await anna.get(`${base}/rounds/999999`)).statusCode, 404)
})

t.test('the booking as an .ics file', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await book(anna, perRound, perSlots[0]!.id, 'Hej Per')
  const res = await anna.get(`${base}/bookings/${perSlots[0]!.id}.ics`)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/calendar/)
  t.match(res.headers['content-disposition'], /attachment/)
  t.match(res.body, /BEGIN:VEVENT/)
  t.match(res.body, /SUMMARY:Utvecklingssamtal för Elsa med Per Holm/)
  t.match(res.body, /DTSTART[^\n]*20261210T1200|DTSTART[^\n]*20261210T1300/)
  t.match(res.body, /LOCATION:https:\/\/meet.example\/per-holm-4b/)
  t.equal((await anna.get(`${base}/bookings/${perSlots[1]!.id}.ics`)).statusCode, 404, 'not booked')
  t.equal((await anna.get(`${base}/bookings/x.ics`)).statusCode, 404)
})

t.test('the page in English', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await db.updateTable('persons').set({ locale: 'en' }).where('id', '=', world.anna).execute()
  t.teardown(() => db.updateTable('persons').set({ locale: 'sv' }).where('id', '=', world.anna).execute())
  const page = await anna.get(base)
  t.match(page.body, /Development talks/)
  t.match(page.body, /Elsa(&#39;|')s mentor/)
  t.match(page.body, /Tuesday 8 December 14:00–14:20/)
})
