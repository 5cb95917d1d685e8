import type { DistrictContext } from '../../demo/district.js'
import { run, schoolDaysSql } from '../../demo/district-sql.js'
import { addDaysIso } from '../../clock.js'

/**
 * Guardians' reports on about 4.5% of a year's school days (a fifth of them for two
 * lessons, the rest whole days), the school's absent registrations for reported lessons
 * and some unexcused ones, and the attendance of every lesson of the last week.
 */
export async function seedAbsence({ db, today, r }: DistrictContext): Promise<void> {
  const days = schoolDaysSql(addDaysIso(today, -365), addDaysIso(today, -1))
  await run(db, `
    insert into absence_reports (child_id, date, whole_day, reason, comment, reported_by, created_at)
    select x.id, x.day, x.kind = 'preschool' or x.rr < 0.036,
      case when x.kind = 'preschool' then (case when ${r(`x.id || ':q:' || x.day`)} < 0.8 then 'illness' else 'leave' end)
           else (case when ${r(`x.id || ':q:' || x.day`)} < 0.9 then 'illness' else 'other' end) end,
      '', (select min(guardian_id) from guardianships where child_id = x.id),
      ((x.day + time '06:40') + floor(${r(`x.id || ':m:' || x.day`)} * 90) * interval '1 minute') at time zone 'Europe/Stockholm'
    from (
      -- About 4.5% of the school days of each child, drawn per child (19 draws, each kept with
      -- probability 0.5, on a day at random): not a hash for every child and school day, which
      -- is 25 million at a city's size.
      select distinct on (id, day) id, kind, day, rr from (
        select c.id, u.kind, sd.days[1 + floor(${r(`c.id || ':d:' || k`)} * cardinality(sd.days))::int] as day,
          ${r(`c.id || ':k:' || k`)} * 0.045 as rr
        from persons c join units u on u.id = c.unit_id
        cross join (select array_agg(day order by day) as days from (${days}) d) sd
        cross join generate_series(1, 19) k
        where c.role = 'child' and ${r(`c.id || ':n:' || k`)} < 0.5
      ) y
      order by id, day, rr
    ) x
    order by x.day, x.id`)
  await run(db, `
    insert into absence_report_lessons (report_id, child_id, date, lesson_id)
    select id, child_id, date, lesson_id from (
      select r.id, r.child_id, r.date, l.id as lesson_id,
        row_number() over (partition by r.id order by ${r(`r.id || ':' || l.id`)}) as n
      from absence_reports r
      join group_memberships gm on gm.child_id = r.child_id
      join groups g on g.id = gm.group_id and g.kind = 'class'
      join timetable_lessons l on l.group_id = g.id and l.weekday = extract(isodow from r.date)
      where not r.whole_day
    ) x where n <= 2
    order by id, lesson_id`)
  // The school's registrations: reported lessons absent with a valid reason...
  await run(db, `
    insert into lesson_attendance (child_id, lesson_id, date, status, registered_by, registered_at)
    select rl.child_id, rl.lesson_id, rl.date, 'absent_valid', l.teacher_id, (rl.date + l.ends_at) at time zone 'Europe/Stockholm'
    from absence_report_lessons rl join timetable_lessons l on l.id = rl.lesson_id
    order by rl.date, rl.child_id, rl.lesson_id`)
  // ...an unexcused lesson on about 0.4% of school days...
  await run(db, `
    insert into lesson_attendance (child_id, lesson_id, date, status, registered_by, registered_at)
    select distinct on (x.id, x.day) x.id, l.id, x.day, 'absent_invalid', l.teacher_id, (x.day + l.ends_at) at time zone 'Europe/Stockholm'
    from (
      -- About one school day in 250 per child, drawn per child as above.
      select distinct c.id, sd.days[1 + floor(${r(`c.id || ':j:' || k`)} * cardinality(sd.days))::int] as day
      from persons c
      cross join (select array_agg(day order by day) as days from (${days}) d) sd
      cross join generate_series(1, 2) k
      where c.role = 'child' and ${r(`c.id || ':i:' || k`)} < 0.5
    ) x
    join group_memberships gm on gm.child_id = x.id
    join groups g on g.id = gm.group_id and g.kind = 'class'
    join timetable_lessons l on l.group_id = g.id and l.weekday = extract(isodow from x.day)
    where not exists (select 1 from absence_reports ar where ar.child_id = x.id and ar.date = x.day)
    order by x.id, x.day, ${r(`l.id || ':' || x.id`)}
    on conflict do nothing`)
  // ...and every lesson of the last five school days registered (present unless registered otherwise).
  const lastWeek = schoolDaysSql(addDaysIso(today, -7), addDaysIso(today, -1))
  await run(db, `
    insert into lesson_attendance (child_id, lesson_id, date, status, registered_by, registered_at)
    select gm.child_id, l.id, d.day, 'present', l.teacher_id, (d.day + l.starts_at + interval '5 minutes') at time zone 'Europe/Stockholm'
    from groups g
    join group_memberships gm on gm.group_id = g.id
    join timetable_lessons l on l.group_id = g.id
    join (${lastWeek}) d on extract(isodow from d.day) = l.weekday
    where g.kind = 'class'
      and not exists (select 1 from absence_reports ar where ar.child_id = gm.child_id and ar.date = d.day and ar.whole_day)
    order by d.day, l.id, gm.child_id
    on conflict do nothing`)
}
