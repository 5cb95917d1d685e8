// Development talks in "Att göra" (issue 18): a round open for booking with no booking of the child.
import { sql } from 'kysely'
import type { IsoDate } from '../../clock.js'
import type { BoxContext, TodoItem } from '../../web/box.js'
import { formatters } from '../../web/format.js'

/** Rounds of the child's groups with a free time ahead, still bookable, where the child has no booking. */
export async function talksTodo({ db, clock, actor, child }: BoxContext): Promise<TodoItem[]> {
  if (actor.role !== 'guardian') return []
  const rows = await db.selectFrom('talk_rounds as r')
    .innerJoin('group_memberships as gm', 'gm.group_id', 'r.group_id')
    .innerJoin('persons as p', 'p.id', 'r.staff_id')
    .select(['r.id', 'p.given_name', 'p.family_name', sql<IsoDate>`r.last_booking_day::text`.as('last_day')])
    .where('gm.child_id', '=', child.id)
    .where(sql<boolean>`r.last_booking_day >= ${clock.today()}::date`)
    .where((w) => w.not(w.exists(w.selectFrom('talk_bookings as o').select('o.slot_id').whereRef('o.round_id', '=', 'r.id').where('o.child_id', '=', child.id))))
    .where((w) => w.exists(w.selectFrom('talk_slots as s').select('s.id').whereRef('s.round_id', '=', 'r.id').where('s.starts_at', '>', clock.now())
      .where((x) => x.not(x.exists(x.selectFrom('talk_bookings as b').select('b.slot_id').whereRef('b.slot_id', '=', 's.id'))))))
    .orderBy('r.last_booking_day').orderBy('r.id')
    .limit(3)
    .execute()
  const fmt = formatters(actor.locale)
  return rows.map((r) => ({
    id: `talks:${r.id}`,
    key: 'family:todo.talksBook',
    params: { name: `${r.given_name} ${r.family_name}`, date: fmt.weekdayDate(r.last_day) },
    href: `/children/${child.id}/talks`,
  }))
}
