// The care schedule on the family page and in "Att göra" (issue 18).
import { addDaysIso, isoWeekOf, mondayOf } from '../../clock.js'
import type { BoxContext, BoxSummary, TodoItem } from '../../web/box.js'
import * as q from './queries.js'
import { hhmm, weekParam } from './rules.js'

/** Today's care times, or that none are registered for today. */
export async function careFamilyLine({ db, clock, child }: BoxContext): Promise<BoxSummary | null> {
  const today = clock.today()
  const r = await q.nextRegisteredDay(db, child.id, today)
  if (!r || r.day !== today) return { key: 'family:lines.careNoneToday' }
  return { key: 'care:summary.today', params: { start: hhmm(r.starts_at)!, end: hhmm(r.ends_at)! } }
}

/** "Att göra": no care time registered for any day of next week; the week form is where it is done. */
export async function careTodo({ db, clock, actor, child }: BoxContext): Promise<TodoItem[]> {
  if (actor.role !== 'guardian') return []
  const monday = addDaysIso(mondayOf(clock.today()), 7)
  const r = await q.nextRegisteredDay(db, child.id, monday)
  if (r && r.day <= addDaysIso(monday, 4)) return []
  return [{
    id: `care-schedule:${weekParam(monday)}`,
    key: 'family:todo.careNextWeek',
    params: { week: isoWeekOf(monday).week },
    href: `/children/${child.id}/care-schedule/weeks/${weekParam(monday)}`,
  }]
}
