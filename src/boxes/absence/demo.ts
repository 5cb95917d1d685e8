import type { Db } from '../../db/index.js'
import { addDaysIso, mondayOf, stockholmInstant, type Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'

/**
 * A little history: Elsa was ill a whole day two weeks ago and missed a lesson without
 * a valid reason last week; Olle had a day off. Runs after the timetable's seeder.
 */
export async function seedAbsenceDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const monday = mondayOf(clock.today())
  const twoWeeksAgo = addDaysIso(monday, -14 + 2) // a Wednesday
  const lastWeek = addDaysIso(monday, -7 + 3) // a Thursday
  const lastFriday = addDaysIso(monday, -3)

  await db.insertInto('absence_reports').values([
    { child_id: world.elsa, date: twoWeeksAgo, whole_day: true, reason: 'illness', comment: '', reported_by: world.anna, created_at: stockholmInstant(twoWeeksAgo, '07:05') },
    { child_id: world.olle, date: lastFriday, whole_day: true, reason: 'leave', comment: 'Ledig, mormor hämtar på torsdag kväll.', reported_by: world.erik, created_at: stockholmInstant(addDaysIso(lastFriday, -1), '18:30') },
  ]).execute()

  const lesson = await db.selectFrom('timetable_lessons').select('id')
    .where('group_id', '=', world.class4B).where('weekday', '=', 4).orderBy('starts_at').offset(2).limit(1).executeTakeFirst()
  if (lesson) {
    await db.insertInto('lesson_attendance').values({
      child_id: world.elsa, lesson_id: lesson.id, date: lastWeek, status: 'absent_invalid', registered_by: world.per,
      registered_at: stockholmInstant(lastWeek, '10:05'),
    }).execute()
  }
}
