import t from 'tap'
import { buildTestApp, loginAs, type TestContext } from '../../../test/helpers/app.js'

// Races decided by the database (SPEC.md 4.4): requests fired at once. On PostgreSQL
// (DATABASE_URL) they run on separate connections at the same time; on PGlite they are
// serialized by its single connection, and must come out the same.
const ctx: TestContext = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world, clock } = ctx

async function roundWith(n: number): Promise<{ roundId: number; slotIds: number[] }> {
  const round = await db.insertInto('talk_rounds').values({
    group_id: world.class4B, staff_id: world.karin, place: 'Sal 12', last_booking_day: '2026-12-20', created_at: clock.now(),
  }).returning('id').executeTakeFirstOrThrow()
  const slots = await db.insertInto('talk_slots').values(Array.from({ length: n }, (_, i) => ({
    round_id: round.id, group_id: world.class4B, staff_id: world.karin, place: 'Sal 12',
    starts_at: new Date(Date.parse('2026-12-21T08:00:00+01:00') + i * 1_800_000), ends_at: new Date(Date.parse('2026-12-21T08:20:00+01:00') + i * 1_800_000),
  }))).returning('id').execute()
  return { roundId: round.id, slotIds: slots.map((s) => s.id) }
}

const anna = await loginAs(app, 'anna.lind')
const erik = await loginAs(app, 'erik.lind')
const maria = await loginAs(app, 'maria.nilsson')
const book = (c: typeof anna, childId: number, roundId: number, slotId: number) =>
  c.post(`/children/${childId}/talks/bookings`, { round: String(roundId), slot: String(slotId), message: `från ${childId}` })

t.test('two families racing for the last time: exactly one booking; the other is told and sees the times left', async (t) => {
  for (let i = 0; i < 5; i++) {
    const { roundId, slotIds } = await roundWith(3)
    const last = slotIds[2]!
    const [a, m] = await Promise.all([book(anna, world.elsa, roundId, last), book(maria, world.sam, roundId, last)])
    const statuses = [a.statusCode, m.statusCode].sort()
    t.same(statuses, [303, 409], `round ${i}: one wins, one loses`)
    const loser = a.statusCode === 409 ? a : m
    t.match(loser.body, /Någon hann boka tiden före dig/)
    t.match(loser.body, new RegExp(`name="slot" value="${slotIds[0]}"`), 'the loser sees the times left')
    const rows = await db.selectFrom('talk_bookings').select(['child_id']).where('slot_id', '=', last).execute()
    t.equal(rows.length, 1)
    await db.deleteFrom('talk_rounds').where('id', '=', roundId).execute()
  }
})

t.test('two guardians of the same child booking different times at once: one booking', async (t) => {
  for (let i = 0; i < 5; i++) {
    const { roundId, slotIds } = await roundWith(4)
    const [a, e] = await Promise.all([book(anna, world.elsa, roundId, slotIds[0]!), book(erik, world.elsa, roundId, slotIds[3]!)])
    t.same([a.statusCode, e.statusCode].sort(), [303, 409], `round ${i}`)
    const loser = a.statusCode === 409 ? a : e
    t.match(loser.body, /Elsa har redan en bokad tid i den här omgången \(bokad av (Anna|Erik) Lind\)/)
    const rows = await db.selectFrom('talk_bookings').select('slot_id').where('round_id', '=', roundId).where('child_id', '=', world.elsa).execute()
    t.equal(rows.length, 1)
    await db.deleteFrom('talk_rounds').where('id', '=', roundId).execute()
  }
})

t.test('a double submit of the same booking: one booking, both answers fine', async (t) => {
  const { roundId, slotIds } = await roundWith(2)
  const [x, y] = await Promise.all([book(anna, world.elsa, roundId, slotIds[0]!), book(anna, world.elsa, roundId, slotIds[0]!)])
  t.same([x.statusCode, y.statusCode], [303, 303])
  t.equal((await db.selectFrom('talk_bookings').select('slot_id').where('round_id', '=', roundId).execute()).length, 1)
  await db.deleteFrom('talk_rounds').where('id', '=', roundId).execute()
})

t.test('the database itself refuses a second child on a time and a second time per child and round', async (t) => {
  const { roundId, slotIds } = await roundWith(2)
  const now = clock.now()
  await db.insertInto('talk_bookings').values({ slot_id: slotIds[0]!, round_id: roundId, child_id: world.elsa, booked_by: world.anna, created_at: now }).execute()
  await t.rejects(db.insertInto('talk_bookings').values({ slot_id: slotIds[0]!, round_id: roundId, child_id: world.sam, booked_by: world.maria, created_at: now }).execute())
  await t.rejects(db.insertInto('talk_bookings').values({ slot_id: slotIds[1]!, round_id: roundId, child_id: world.elsa, booked_by: world.erik, created_at: now }).execute())
  const other = await roundWith(1)
  await t.rejects(db.insertInto('talk_bookings').values({ slot_id: other.slotIds[0]!, round_id: roundId, child_id: world.sam, booked_by: world.maria, created_at: now }).execute(),
    'a booking\'s round is its time\'s round')
  await db.deleteFrom('talk_rounds').where('id', 'in', [roundId, other.roundId]).execute()
})
