import t from 'tap'
import { buildTestApp, loginAs, TEST_NOW, type TestContext } from '../../../test/helpers/app.js'
import { sendTalkReminders } from './guardian.js'

const ctx: TestContext = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world, clock } = ctx

const karinRound = (await db.selectFrom('talk_rounds').select('id').where('staff_id', '=', world.karin).executeTakeFirstOrThrow()).id
const slots = await db.selectFrom('talk_slots').select(['id', 'starts_at']).where('round_id', '=', karinRound).orderBy('starts_at').execute()
const samSlot = slots[1]!.id
const roundUrl = `/staff/talks/rounds/${karinRound}`
const notices = async (kind: string) => (await db.selectFrom('notifications').select('recipient_id').where('area', '=', 'talks').where('kind', '=', kind).orderBy('recipient_id').execute()).map((r) => r.recipient_id)
const samBooking = async () => db.selectFrom('talk_bookings').select(['slot_id', 'message']).where('child_id', '=', world.sam).executeTakeFirst()
const good = {
  group: '', staff: '', dates: '2026-12-15 2026-12-16', from: '08:00', to: '10:00', length: '20', pause: '10',
  placeKind: 'room', place: 'Sal 12', link: '', lastDay: '2026-12-11', key: 'publish-key-0001',
}

t.afterEach(() => clock.set(TEST_NOW))

t.test('the staff page: the link, the groups, 4B\'s rounds with their counts', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  t.match((await karin.get('/staff')).body, /href="\/staff\/talks">Utvecklingssamtal/)
  const index = await karin.get(`/staff/talks?group=${world.class4B}`)
  t.equal(index.statusCode, 200)
  t.match(index.body, /Samtalsomgångar för 4B/)
  t.match(index.body, /Karin Berg, tisdag 8 december – onsdag 9 december/)
  t.match(index.body, /1 av 10 tider bokade/)
  t.match(index.body, /Per Holm, torsdag 10 december/)
  t.notMatch(index.body, /Blåklockan/, 'not the preschool\'s groups')
  t.equal((await karin.get(`/staff/talks?group=${world.blaklockan}`)).statusCode, 404)
  t.equal((await karin.get('/staff/talks?group=abc')).statusCode, 404)
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get('/staff/talks')).statusCode, 404, 'not for guardians')
  t.equal((await anna.get(roundUrl)).statusCode, 404)
})

t.test('the overview: each time, the booked child, who booked and the message', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const res = await karin.get(roundUrl)
  t.equal(res.statusCode, 200)
  t.match(res.body, /Samtal med 4B: Karin Berg/)
  t.match(res.body, /tisdag 8 december 14:30–14:50<\/time><\/strong>\s*<span class="absence-list__scope">Sam Nilsson/)
  t.match(res.body, /Bokad av Maria Nilsson/)
  t.match(res.body, /Vi vill gärna prata om hur Sam har det med läsningen och på rasterna./)
  t.equal([...res.body.matchAll(/<span class="absence-list__meta">Ledig<\/span>/g)].length, 9)
  const per = await loginAs(app, 'per.holm')
  t.equal((await per.get(roundUrl)).statusCode, 200, 'staff of the unit see the round')
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.get(roundUrl)).statusCode, 404, 'staff of another unit do not')
  t.equal((await johan.post(`${roundUrl}/slots/${samSlot}/booking/cancel`)).statusCode, 404)
  t.equal((await johan.post(`${roundUrl}/slots/${samSlot}/cancel`)).statusCode, 404)
  t.equal((await johan.get(`${roundUrl}/slots/${samSlot}/move`)).statusCode, 404)
  t.equal((await johan.post(`${roundUrl}/slots/${samSlot}/move`, { to: String(slots[5]!.id) })).statusCode, 404)
  t.ok(await samBooking(), 'Sam\'s booking stands')
  t.equal((await karin.get('/staff/talks/rounds/999999')).statusCode, 404)
})

t.test('publish: bad input is 422 at the fields with the values kept; the preview points out collisions', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const form = await karin.get(`/staff/talks/new?group=${world.class4B}`)
  t.equal(form.statusCode, 200)
  t.match(form.body, new RegExp(`<option value="${world.karin}" selected>Karin Berg`), 'the pedagogue is oneself by default')
  const bad = await karin.post('/staff/talks/preview', {
    ...good, group: String(world.class4B), dates: '2026-11-30, 15/12', from: '25:00', to: '07:00', length: 'x', placeKind: 'digital', link: 'javascript:alert(1)', lastDay: '2026-12-20',
  })
  t.equal(bad.statusCode, 422)
  for (const f of ['dates', 'from', 'length', 'link']) t.match(bad.body, new RegExp(`id="${f}-error"`), `error at ${f}`)
  t.match(bad.body, /value="2026-11-30, 15\/12"/, 'typed dates kept')
  t.match(bad.body, /id="placeKind-digital" name="placeKind" value="digital" checked/)
  const past = await karin.post('/staff/talks/preview', { ...good, group: String(world.class4B), dates: '2026-12-01', lastDay: '2026-11-30' })
  t.equal(past.statusCode, 422)
  t.match(past.body, /Datumen måste vara efter i dag/)
  t.match(past.body, /Sista dag att boka kan inte ha passerat/)
  const late = await karin.post('/staff/talks/preview', { ...good, group: String(world.class4B), lastDay: '2026-12-17' })
  t.match(late.body, /Sista dag att boka måste vara senast det första samtalsdatumet/)
  const otherUnit = await karin.post('/staff/talks/preview', { ...good, group: String(world.blaklockan) })
  t.equal(otherUnit.statusCode, 422)
  t.match(otherUnit.body, /Välj en grupp/)
  const notStaff = await karin.post('/staff/talks/preview', { ...good, group: String(world.class4B), staff: String(world.johan) })
  t.match(notStaff.body, /Välj en pedagog som arbetar på gruppens enhet/)
  const none = await karin.post('/staff/talks/preview', { ...good, group: String(world.class4B), from: '08:00', to: '08:10' })
  t.match(none.body, /Inget samtal får plats/)

  // Tuesday 15 December 08:00-10:00: karin teaches Svenska on Tuesday mornings.
  const preview = await karin.post('/staff/talks/preview', { ...good, group: String(world.class4B) })
  t.equal(preview.statusCode, 200)
  t.match(preview.body, /Antal tider<\/dt><dd>8<\/dd>/)
  t.match(preview.body, /Krockar med lektionen Svenska \(4B\)/)
  t.match(preview.body, /krockar med pedagogens lektioner eller andra samtal/)
  t.match(preview.body, /action="\/staff\/talks"/)
  // Against her own round: Tuesday 8 December 14:00.
  const talks = await karin.post('/staff/talks/preview', { ...good, group: String(world.class4B), dates: '2026-12-08', from: '14:00', to: '15:00', lastDay: '2026-12-04' })
  t.match(talks.body, /Krockar med samtal med 4B 14:00–14:20/)
  const change = await karin.post('/staff/talks/new', { ...good, group: String(world.class4B) })
  t.match(change.body, /value="2026-12-15 2026-12-16"/, '"Ändra" keeps what was entered')
  t.equal(await db.selectFrom('talk_rounds').select('id').execute().then((r) => r.length), 2, 'nothing published by the preview')
})

t.test('publish: one round with its times; a double submit publishes once; digital with a link', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const fields = { ...good, group: String(world.class4B) }
  const [a, b] = await Promise.all([karin.post('/staff/talks', fields), karin.post('/staff/talks', fields)])
  t.same([a.statusCode, b.statusCode], [303, 303])
  t.equal(a.headers.location, b.headers.location)
  const rounds = await db.selectFrom('talk_rounds').selectAll().where('publish_key', '=', good.key).execute()
  t.equal(rounds.length, 1)
  t.equal(rounds[0]!.staff_id, world.karin)
  t.equal((await db.selectFrom('talk_slots').select('id').where('round_id', '=', rounds[0]!.id).execute()).length, 8)
  const overview = await karin.get(a.headers.location as string)
  t.match(overview.body, /Samtalstiderna är publicerade/)
  t.match(overview.body, /tisdag 15 december 08:00–08:20/)

  const digital = await karin.post('/staff/talks', {
    ...fields, key: 'publish-key-0002', staff: String(world.per), placeKind: 'digital', place: '', link: 'https://meet.example/x', dates: '2026-12-17',
  })
  t.equal(digital.statusCode, 303)
  const r = await db.selectFrom('talk_rounds').selectAll().where('publish_key', '=', 'publish-key-0002').executeTakeFirstOrThrow()
  t.equal(r.staff_id, world.per, 'published for a colleague')
  t.equal(r.digital, true)
  t.equal(r.meeting_link, 'https://meet.example/x')
  const anna = await loginAs(app, 'anna.lind')
  t.match((await anna.get(`/children/${world.elsa}/talks`)).body, /torsdag 17 december 08:00–08:20/, 'guardians see the new times')
  await db.deleteFrom('talk_rounds').where('publish_key', 'in', [good.key, 'publish-key-0002']).execute()
})

t.test('move a booking to a free time; the guardians are told', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const form = await karin.get(`${roundUrl}/slots/${samSlot}/move`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /Flytta bokningen för Sam Nilsson/)
  t.equal((await karin.post(`${roundUrl}/slots/${samSlot}/move`, {})).statusCode, 422)
  t.equal((await karin.get(`${roundUrl}/slots/${slots[0]!.id}/move`)).statusCode, 404, 'no booking to move')
  const res = await karin.post(`${roundUrl}/slots/${samSlot}/move`, { to: String(slots[5]!.id) })
  t.equal(res.statusCode, 303)
  t.equal((await samBooking())?.slot_id, slots[5]!.id)
  t.equal((await samBooking())?.message, 'Vi vill gärna prata om hur Sam har det med läsningen och på rasterna.', 'the message goes along')
  t.same(await notices('talkMoved'), [world.maria])
  const maria = await loginAs(app, 'maria.nilsson')
  const bell = await maria.get('/notifications')
  t.match(bell.body, /Utvecklingssamtalet med Karin Berg är flyttat till 2026-12-09 14:00/)
  // Back again for the tests that follow; a taken target is refused.
  await db.insertInto('talk_bookings').values({ slot_id: slots[6]!.id, round_id: karinRound, child_id: world.elsa, booked_by: world.anna, created_at: clock.now() }).execute()
  const taken = await karin.post(`${roundUrl}/slots/${slots[5]!.id}/move`, { to: String(slots[6]!.id) })
  t.equal(taken.statusCode, 409)
  t.match(taken.body, /Tiden hann bokas/)
  await db.deleteFrom('talk_bookings').where('child_id', '=', world.elsa).execute()
  t.equal((await karin.post(`${roundUrl}/slots/${slots[5]!.id}/move`, { to: String(samSlot) })).statusCode, 303)
})

t.test('the reminder the day before: once per booking, bell and push through the outbox', async (t) => {
  await db.insertInto('push_subscriptions').values({
    person_id: world.maria, endpoint: 'https://push.example/maria', p256dh: 'p', auth: 'a', created_at: clock.now(),
  }).execute()
  clock.set('2026-12-07T06:00:00+01:00')
  t.equal(await sendTalkReminders(db, clock, { baseUrl: 'https://hubben.example' }), 0, 'not in the night')
  clock.set('2026-12-07T09:00:00+01:00')
  const [x, y] = await Promise.all([sendTalkReminders(db, clock, { baseUrl: 'https://hubben.example' }), sendTalkReminders(db, clock, { baseUrl: 'https://hubben.example' })])
  t.equal(x + y, 1, 'Sam\'s booking (8 December) reminded once, whoever runs')
  t.equal(await sendTalkReminders(db, clock, { baseUrl: 'https://hubben.example' }), 0)
  t.same(await notices('talkReminder'), [world.maria])
  const pushes = await db.selectFrom('outbox').select('payload').where('channel', '=', 'push').execute()
  const reminder = pushes.filter((p) => String((p.payload as { body?: string }).body).includes('Påminnelse'))
  t.equal(reminder.length, 1, 'one push to maria\'s one device')
  const mails = (await db.selectFrom('outbox').select(['payload', 'dedupe_key']).where('channel', '=', 'email').execute())
    .filter((m) => String((m.payload as { subject?: string }).subject).includes('utvecklingssamtal'))
  t.equal(mails.length, 1, 'one e-mail, to maria (the guardian with an address)')
  const mail = mails[0]!.payload as { to: string; text: string }
  t.equal(mail.to, 'maria.nilsson@example.com')
  t.match(mail.text, `https://hubben.example/children/${world.sam}/talks`)
  t.notMatch(mail.text, /läsningen/, 'the link only, never the booking\'s message')
  t.ok(mails[0]!.dedupe_key, 'with a dedupe key')
})

t.test('cancel a booking, then a time; the guardians are told each time', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const res = await karin.post(`${roundUrl}/slots/${samSlot}/booking/cancel`)
  t.equal(res.statusCode, 303)
  t.equal(await samBooking(), undefined)
  t.same(await notices('talkCancelled'), [world.maria])
  t.match((await karin.get(roundUrl)).body, /Bokningen är avbokad/)
  const again = await karin.post(`${roundUrl}/slots/${samSlot}/booking/cancel`)
  t.equal(again.statusCode, 303, 'nothing left to cancel: harmless')
  t.same(await notices('talkCancelled'), [world.maria], 'no second notice')

  await db.insertInto('talk_bookings').values({ slot_id: samSlot, round_id: karinRound, child_id: world.sam, booked_by: world.maria, created_at: clock.now() }).execute()
  const time = await karin.post(`${roundUrl}/slots/${samSlot}/cancel`)
  t.equal(time.statusCode, 303)
  t.equal((await db.selectFrom('talk_slots').select('id').where('id', '=', samSlot).execute()).length, 0, 'the time is gone')
  t.same(await notices('talkCancelled'), [world.maria, world.maria])
  t.equal((await karin.post(`${roundUrl}/slots/${samSlot}/cancel`)).statusCode, 404)
})
