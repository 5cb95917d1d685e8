import type { Db } from '../../db/index.js'
import { addDaysIso, mondayOf, type Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'
import { insertRound } from './staff.js'
import type { PublishInput } from './rules.js'
import { talksQueries } from './queries.js'

/**
 * Demo: karin.berg (mentor of 4B) has published talks in the classroom next Tuesday and
 * Wednesday afternoon; per.holm digital ones next Thursday. Sam Nilsson's family has booked
 * one of karin's times with a message; Elsa's family has not booked yet.
 */
export async function seedTalksDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const monday = addDaysIso(mondayOf(clock.today()), 7)
  const karin: PublishInput = {
    groupId: world.class4B, staffId: world.karin, dates: [addDaysIso(monday, 1), addDaysIso(monday, 2)],
    from: '14:00', to: '16:30', length: 20, pause: 10, digital: false, place: 'Klassrum 4B', link: null, lastDay: monday,
  }
  const per: PublishInput = {
    groupId: world.class4B, staffId: world.per, dates: [addDaysIso(monday, 3)],
    from: '13:00', to: '15:00', length: 15, pause: 5, digital: true, place: '', link: 'https://meet.example/per-holm-4b', lastDay: addDaysIso(monday, 1),
  }
  const now = clock.now()
  const karinRound = await insertRound(db, world.karin, karin, null, now)
  await insertRound(db, world.per, per, null, now)
  const second = await db.selectFrom('talk_slots').select('id').where('round_id', '=', karinRound).orderBy('starts_at').offset(1).limit(1).executeTakeFirstOrThrow()
  await talksQueries(db).insertBooking({
    slotId: second.id, roundId: karinRound, childId: world.sam, by: world.maria, now: new Date(now.getTime() - 3 * 3600_000),
    message: 'Vi vill gärna prata om hur Sam har det med läsningen och på rasterna.',
  })
}
