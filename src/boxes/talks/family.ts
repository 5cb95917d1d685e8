// Development talks in "Att göra" (issue 18): a round open for booking with no booking of the child.
import type { BoxContext, TodoItem } from '../../web/box.js'
import { formatters } from '../../web/format.js'
import { openRoundsWithoutBooking } from './queries.js'

/** Rounds of the child's groups with a free time ahead, still bookable, where the child has no booking. */
export async function talksTodo({ db, clock, actor, child }: BoxContext): Promise<TodoItem[]> {
  if (actor.role !== 'guardian') return []
  const rows = await openRoundsWithoutBooking(db, child.id, clock.now(), clock.today(), 3)
  const fmt = formatters(actor.locale)
  return rows.map((r) => ({
    id: `talks:${r.id}`,
    key: 'family:todo.talksBook',
    params: { name: `${r.given_name} ${r.family_name}`, date: fmt.weekdayDate(r.last_day) },
    href: `/children/${child.id}/talks`,
  }))
}
