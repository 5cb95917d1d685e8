import { sql } from 'kysely'
import { isGuardian, type BoxManifest } from '../../web/box.js'
import { benchGet, type BudgetContext } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { sendTalkReminders, talksSummary } from './guardian.js'
import { seedTalksDemo } from './demo.js'
import { seedTalks } from './district.js'
import { talksTodo } from './family.js'
import { talksAvailable } from './queries.js'

/** karin.berg's demo round for 4B (the one Sam's family booked in). */
const karinRound = async ({ db, world }: BudgetContext) =>
  (await db.selectFrom('talk_rounds').select('id').where('group_id', '=', world.class4B).where('staff_id', '=', world.karin)
    .orderBy('id').executeTakeFirstOrThrow()).id

/**
 * Utvecklingssamtal: staff publish rounds of bookable times for a group; guardians book one
 * time per child and round. Shown to guardians only while the child has bookable times or a
 * booking (SPEC.md section 1 and 4.4); pupils get 403, other families 404.
 */
export const talks: BoxManifest = {
  key: 'talks',
  path: 'talks',
  title: () => 'boxes.talks',
  guardianOnly: true,
  visible: (a) => isGuardian(a),
  /** Bookable: a free time ahead in an open round with no booking of the child yet. Or a booking ahead. */
  available: ({ db, clock, child }) => talksAvailable(db, child.id, clock.now(), clock.today()),
  summary: talksSummary,
  todo: talksTodo,
  routes,
  staffRoutes,
  staffLinks: [{ key: 'talks', title: 'talks:staff.link', href: '/staff/talks' }],
  // The day-before reminders: each booking is claimed once, so every instance may run it.
  housekeeping: sendTalkReminders,
  demo: seedTalksDemo,
  district: { seed: seedTalks, tables: ['talk_rounds', 'talk_slots', 'talk_bookings'] },
  bench: [
    // Only where the child's box applies (a third of the district's classes have a round).
    { name: 'talks', request: (s) => (s.hasTalks ? benchGet(`/children/${s.childId}/talks`) : null) },
    { name: 'staff: talks of the class', staff: true, request: (s) => benchGet(`/staff/talks?group=${s.groupId}`) },
  ],
  budgets: {
    pages: [
      { name: 'talks', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/talks`, bounded: true, maxQueries: 4 },
      { name: 'staff talks', user: 'karin.berg', url: ({ world }) => `/staff/talks?group=${world.class4B}`, bounded: true },
      { name: 'staff talks round', user: 'karin.berg', url: async (c) => `/staff/talks/rounds/${await karinRound(c)}`, bounded: true, maxQueries: 3 },
      { name: 'staff talks publish form', user: 'karin.berg', url: () => '/staff/talks/new', bounded: true },
    ],
    grow: {
      what: 'times in karin.berg\'s round for 4B, every tenth booked by Sam\'s family in other rounds',
      async run(c, n) {
        const { db } = c
        const roundId = await karinRound(c)
        const have = Number((await db.selectFrom('talk_slots').select((eb) => eb.fn.countAll<number>().as('n')).where('round_id', '=', roundId).executeTakeFirstOrThrow()).n)
        // Later evenings after the demo's times: 20 minutes each, 16:30 to 22:30, day after day.
        await sql`
          insert into talk_slots (round_id, group_id, staff_id, starts_at, ends_at, place)
          select r.id, r.group_id, r.staff_id, t, t + interval '20 minutes', r.place
          from talk_rounds r,
            lateral (select (date '2026-12-14' + (g / 18) + time '16:30' + ((g % 18) * 20) * interval '1 minute') at time zone 'Europe/Stockholm' as t
                     from generate_series(${have + 1}::int, ${n}::int) g) x
          where r.id = ${roundId}`.execute(db)
      },
    },
  },
}
