import type { Db } from '../../db/index.js'
import type { Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'
import { addDaysIso, mondayOf } from '../../clock.js'
import { weekDates } from './rules.js'

/**
 * Elsa (fritids) and Olle (preschool) have times for this week and the next four; one
 * of Elsa's days carries a comment that staff have not opened yet, and staff wrote a
 * comment on one of Olle's days.
 */
export async function seedCareScheduleDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const now = clock.now()
  const monday = mondayOf(clock.today())
  const elsa = { 1: ['07:15', '16:30'], 2: ['07:15', '16:30'], 3: ['07:15', '15:00'], 4: ['07:15', '16:30'], 5: ['07:15', '14:30'] } as const
  const olle = { 1: ['07:45', '16:00'], 2: ['07:45', '16:00'], 3: ['07:45', '16:00'], 4: ['08:15', '16:00'], 5: ['07:45', '15:00'] } as const
  const rows: { child_id: number; day: string; starts_at: string; ends_at: string; comment: string | null; comment_changed_at: Date | null; updated_by: number; updated_at: Date }[] = []
  for (let w = 0; w < 5; w++) {
    weekDates(addDaysIso(monday, 7 * w)).forEach((day, i) => {
      const wd = (i + 1) as 1 | 2 | 3 | 4 | 5
      const elsaComment = w === 1 && wd === 4 ? 'Morfar hämtar' : null
      rows.push({ child_id: world.elsa, day, starts_at: elsa[wd][0], ends_at: elsa[wd][1], comment: elsaComment, comment_changed_at: elsaComment ? now : null, updated_by: world.anna, updated_at: now })
      rows.push({ child_id: world.olle, day, starts_at: olle[wd][0], ends_at: olle[wd][1], comment: null, comment_changed_at: null, updated_by: w % 2 ? world.erik : world.anna, updated_at: now })
    })
  }
  await db.insertInto('care_days').values(rows).execute()
  await db.insertInto('care_day_log').values(rows.map((r) => ({
    child_id: r.child_id, day: r.day, action: 'set' as const, starts_at: r.starts_at, ends_at: r.ends_at, comment: r.comment, changed_by: r.updated_by, changed_at: now,
  }))).execute()
  await db.insertInto('care_staff_comments').values({
    child_id: world.olle, day: addDaysIso(monday, 9), body: 'Vi går till skogen på förmiddagen. Ta gärna med regnkläder.', author_id: world.johan, updated_at: now,
  }).execute()
}
