import type { DistrictContext } from '../../demo/district.js'
import { run } from '../../demo/district-sql.js'
import { addDaysIso, mondayOf } from '../../clock.js'

/** Every class has a weekly timetable (five or six lessons a day) for the year, and changes week by week. */
export async function seedTimetable({ db, today, r }: DistrictContext): Promise<void> {
  const validFrom = addDaysIso(today, -400)
  const subjects = `(values (0, 'Svenska', 'SVE', 'Sal 1'), (1, 'Matematik', 'MA', 'Sal 1'), (2, 'Engelska', 'ENG', 'Sal 2'),
    (3, 'SO', 'SO', 'Sal 2'), (4, 'NO', 'NO', 'NO-salen'), (5, 'Idrott och hälsa', 'IDH', 'Idrottshallen'), (6, 'Bild', 'BL', 'Bildsalen'),
    (7, 'Musik', 'MU', 'Musiksalen'), (8, 'Slöjd', 'SL', 'Slöjdsalen'), (9, 'Matematik', 'MA', 'Sal 1')) as s(i, name, code, room)`
  await run(db, `
    insert into timetable_lessons (group_id, weekday, starts_at, ends_at, subject, subject_code, teacher_id, room, valid_from, valid_to, external_id)
    select x.gid, x.d, x.starts, x.ends, s.name, s.code,
      (select sg.staff_id from staff_groups sg where sg.group_id = x.gid order by ${r(`sg.staff_id || ':' || x.gid || ':' || x.d || ':' || x.slot`)} limit 1),
      s.room, '${validFrom}'::date, null, null
    from (
      select g.id as gid, d, slot.n as slot, slot.starts::time as starts, slot.ends::time as ends, floor(${r(`g.id || ':' || d || ':' || slot.n`)} * 10)::int as si
      from groups g
      cross join generate_series(1, 5) d
      cross join (values (1, '08:10', '09:00'), (2, '09:10', '10:00'), (3, '10:20', '11:10'), (4, '11:20', '12:00'),
                         (5, '12:40', '13:30'), (6, '13:40', '14:30')) as slot(n, starts, ends)
      where g.kind = 'class' and (slot.n <= 5 or d % 2 = 0)
    ) x join ${subjects} on s.i = x.si
    order by x.gid, x.d, x.slot`)
  // Each class: one change a week (room, or a cancelled lesson every few weeks), from 20 weeks back to 4 ahead.
  const monday = mondayOf(today)
  await run(db, `
    insert into timetable_exceptions (lesson_id, date, cancelled, teacher_id, room, starts_at, ends_at, note, external_id)
    select id, '${monday}'::date + w * 7 + (weekday - 1), cancelled, null, case when cancelled then null else 'Biblioteket' end, null, null,
      case when cancelled then 'Studiedag för lärarna.' else 'Vi är i biblioteket.' end, null
    from (
      select distinct on (l.group_id, w) l.id, l.weekday, w, ${r(`l.group_id || ':x:' || w`)} < 0.25 as cancelled
      from timetable_lessons l cross join generate_series(-20, 4) w
      order by l.group_id, w, ${r(`l.id || ':' || w`)}
    ) x
    order by id, w`)
}
