import type { DistrictContext } from '../../demo/district.js'
import { run } from '../../demo/district-sql.js'
import { addDaysIso, mondayOf } from '../../clock.js'

/**
 * A round of talks for about a third of the classes: the class's mentor, next week's
 * Tuesday and Wednesday 13:00 to 17:00, 20 minutes with 5 between, in the classroom,
 * bookable until next Monday; about half of each class has booked, a third with a message.
 */
export async function seedTalks({ db, today, r }: DistrictContext): Promise<void> {
  const monday = addDaysIso(mondayOf(today), 7)
  await run(db, `
    insert into talk_rounds (group_id, staff_id, created_by, place, last_booking_day, created_at)
    select g.id, m.staff_id, m.staff_id, 'Klassrum ' || g.name, '${monday}'::date, '${today}'::date - 3
    from groups g
    join lateral (select min(sg.staff_id) as staff_id from staff_groups sg where sg.group_id = g.id and sg.duty = 'mentor') m on m.staff_id is not null
    where g.kind = 'class' and ${r(`'talks:' || g.id`)} < 1.0 / 3
    order by g.id`)
  await run(db, `
    insert into talk_slots (round_id, group_id, staff_id, starts_at, ends_at, place)
    select r.id, r.group_id, r.staff_id, t.at, t.at + interval '20 minutes', r.place
    from talk_rounds r
    cross join lateral (
      select ((d.day + time '13:00') + (k * 25) * interval '1 minute') at time zone 'Europe/Stockholm' as at
      from (values ('${addDaysIso(monday, 1)}'::date), ('${addDaysIso(monday, 2)}'::date)) d(day), generate_series(0, 8) k
    ) t
    order by r.id, t.at`)
  // Each booking takes the pupil's own time (by order in the class), so no two share one.
  await run(db, `
    insert into talk_bookings (slot_id, round_id, child_id, booked_by, message, created_at)
    select s.id, s.round_id, c.child_id, c.guardian_id,
      case when ${r(`'talkmsg:' || c.child_id`)} < 0.33 then 'Vi vill gärna prata om hur det går i skolan.' else '' end,
      '${today}'::date - 1
    from (
      select r.id as round_id, gm.child_id, (select min(guardian_id) from guardianships gs where gs.child_id = gm.child_id) as guardian_id,
        row_number() over (partition by r.id order by gm.child_id) as n
      from talk_rounds r join group_memberships gm on gm.group_id = r.group_id
      where ${r(`'talkbook:' || gm.child_id`)} < 0.5
    ) c
    join lateral (select s.id, s.round_id from talk_slots s where s.round_id = c.round_id order by s.starts_at offset c.n - 1 limit 1) s on true
    where c.guardian_id is not null
    order by s.id`)
}
