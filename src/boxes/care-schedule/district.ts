import type { DistrictContext } from '../../demo/district.js'
import { run } from '../../demo/district-sql.js'
import { addDaysIso, mondayOf } from '../../clock.js'

/**
 * Every child in care (preschool, or fritids) has times on about 95% of the weekdays
 * from a year back to four weeks ahead, from a weekly pattern of its own; a few days
 * carry a guardian's comment or a staff comment; the last weeks' changes are logged.
 */
export async function seedCareSchedule({ db, today, now, r }: DistrictContext): Promise<void> {
  const nowSql = `'${now.toISOString()}'::timestamptz`
  const from = addDaysIso(today, -365)
  const to = addDaysIso(mondayOf(today), 7 * 5 - 3)
  const comments = `array['Morfar hämtar', 'Hämtas av mormor', 'Går hem med en kompis', 'Tandläkare på eftermiddagen', 'Hämtas tidigt']`
  const noon = (day: string) => `((${day} + time '12:00') at time zone 'Europe/Stockholm')`
  await run(db, `
    insert into care_days (child_id, day, starts_at, ends_at, comment, comment_changed_at, comment_seen_at, updated_by, updated_at)
    select k.id, x.day,
      k.st + case when extract(isodow from x.day) = 1 then interval '15 minutes' else interval '0' end,
      k.en - case when extract(isodow from x.day) = 5 then interval '60 minutes' else interval '0' end,
      case when x.rc < 0.02 then (${comments})[1 + floor(${r(`k.id || ':t:' || x.day`)} * 5)::int] end,
      case when x.rc < 0.02 then least(${nowSql}, ${noon('x.day')} - interval '3 days') end,
      case when x.rc < 0.02 and x.day <= '${today}'::date then ${noon('x.day')} - interval '2 days' end,
      k.guardian,
      least(${nowSql} - interval '1 hour', ${noon('x.day')} - interval '7 days')
    from (
      select c.id,
        time '06:30' + floor(${r(`c.id || ':s'`)} * 8) * interval '15 minutes' as st,
        time '14:00' + floor(${r(`c.id || ':e'`)} * 11) * interval '15 minutes' as en,
        (select min(guardian_id) from guardianships where child_id = c.id) as guardian
      from persons c join units u on u.id = c.unit_id
      where c.role = 'child' and (u.kind = 'preschool' or (u.has_fritids and c.in_fritids))
      offset 0
    ) k
    cross join lateral (
      select dd.day, ${r(`k.id || ':c:' || dd.day`)} as rc, ${r(`k.id || ':x:' || dd.day`)} as rx
      from (select d::date as day from generate_series('${from}'::date, '${to}'::date, interval '1 day') d) dd
      where extract(isodow from dd.day) < 6
      offset 0
    ) x
    where x.rx >= 0.05
    order by k.id, x.day`)
  await run(db, `
    insert into care_day_log (child_id, day, action, starts_at, ends_at, comment, changed_by, changed_at)
    select child_id, day, 'set', starts_at, ends_at, comment, updated_by, updated_at
    from care_days where day >= '${addDaysIso(today, -14)}'::date
    order by updated_at, child_id, day`)
  await run(db, `
    insert into care_staff_comments (child_id, day, body, author_id, updated_at)
    select d.child_id, d.day, 'Vi går till skogen på förmiddagen. Ta gärna med regnkläder.',
      (select sg.staff_id from group_memberships gm join staff_groups sg on sg.group_id = gm.group_id
        where gm.child_id = d.child_id and sg.duty in ('fritids', 'preschool') order by sg.staff_id limit 1),
      least(${nowSql}, ${noon('d.day')} - interval '1 day')
    from care_days d where ${r(`d.child_id || ':k:' || d.day`)} < 0.01
    order by d.day, d.child_id`)
}
