import type { DistrictContext } from '../../demo/district.js'
import { run } from '../../demo/district-sql.js'

/**
 * About five conversations per child over the year (a third started by staff to both
 * guardians), one to four messages each, recent answers unread, and the bell entries
 * that the staff's messages made.
 */
export async function seedMessages({ db, today, now, r }: DistrictContext): Promise<void> {
  const nowSql = `'${now.toISOString()}'::timestamptz`
  const titles = `array['Utflykten på torsdag', 'Fråga om läxan', 'Sjukanmälan och läxor', 'Utvecklingssamtal', 'Hämtning på fredag',
    'Glömda kläder', 'Idrottskläder', 'Matsedel och allergi', 'Föräldramöte', 'Skolfotografering', 'Ledighet', 'Tack för terminen']`
  const bodies = `array['Hej!\n\nJag undrar om ni kan ge mig lite mer information om det här? Tack på förhand.\n\nHälsningar',
    'Hej!\n\nTack för informationen, det låter bra. Vi hör av oss om något ändras.',
    'Hej,\n\nJag har lagt in det i kalendern. Säg till om ni behöver något mer från oss.\n\nVänliga hälsningar',
    'Hej!\n\nVi har pratat om det hemma och tycker att det fungerar fint. Hör gärna av er igen.',
    'Hej,\n\nBra att veta! Vi skickar med det som behövs på måndag.']`
  // Each child's contact (the class mentor, or the department's first member of staff), once.
  await run(db, `create temp table district_contact (child_id integer primary key, staff_id integer not null) on commit drop`)
  await run(db, `
    insert into district_contact
    select distinct on (gm.child_id) gm.child_id, sg.staff_id from group_memberships gm join staff_groups sg on sg.group_id = gm.group_id
    where sg.duty in ('mentor', 'preschool') order by gm.child_id, sg.staff_id`)
  const contactOf = (child: string) => `(select staff_id from district_contact where child_id = ${child})`
  await run(db, `
    insert into conversations (child_id, title, created_by, created_at, last_message_at, idempotency_key)
    select id, (${titles})[1 + floor(${r(`id || ':t:' || k`)} * 12)::int], coalesce(author, ${contactOf('id')}), at, at, null
    from (
      select c.id, k,
        case when ${r(`c.id || ':s:' || k`)} < 0.33 then null
             when ${r(`c.id || ':g:' || k`)} < 0.6 then (select min(guardian_id) from guardianships where child_id = c.id)
             else (select max(guardian_id) from guardianships where child_id = c.id) end as author,
        (('${today}'::date - 1 - floor(${r(`c.id || ':d:' || k`)} * 364)::int) + time '07:30' + floor(${r(`c.id || ':h:' || k`)} * 600) * interval '1 minute')
          at time zone 'Europe/Stockholm' as at
      from persons c cross join generate_series(1, 9) k
      where c.role = 'child' and k <= 1 + floor(${r(`c.id || ':n'`)} * 9)
    ) x
    where coalesce(author, ${contactOf('id')}) is not null
    order by at, id, k`)
  await run(db, `
    insert into conversation_participants (conversation_id, person_id, side, unread_count, last_read_at)
    select cv.id, cv.created_by, case when p.role = 'guardian' then 'family' else 'staff' end, 0, null::timestamptz
    from conversations cv join persons p on p.id = cv.created_by
    union all
    select cv.id, ${contactOf('cv.child_id')}, 'staff', 0, null
    from conversations cv join persons p on p.id = cv.created_by and p.role = 'guardian'
    where ${contactOf('cv.child_id')} is not null
    union all
    select cv.id, g.guardian_id, 'family', 0, null
    from conversations cv join persons p on p.id = cv.created_by and p.role = 'staff'
    join guardianships g on g.child_id = cv.child_id`)
  await run(db, `
    insert into messages (conversation_id, author_id, body, created_at, idempotency_key)
    select cv.id, case when j % 2 = 1 then cv.created_by else other.id end,
      (${bodies})[1 + floor(${r(`cv.id || ':b:' || j`)} * 5)::int],
      least(cv.created_at + (j - 1) * interval '10 hours' + sign(j - 1) * floor(${r(`cv.id || ':w:' || j`)} * 300) * interval '1 minute',
        ${nowSql} - interval '10 minutes' + j * interval '1 second'),
      null
    from conversations cv
    cross join generate_series(1, 4) j
    join lateral (select person_id as id from conversation_participants where conversation_id = cv.id and person_id <> cv.created_by
      order by person_id limit 1) other on true
    where j <= 1 + floor(${r(`cv.id || ':m'`)} * 4)
    order by cv.id, j`)
  // The trigger that copies a conversation's last_message_at to its participants runs per row
  // (half a million conversations in a city: 100 s); the update below sets the copies at once.
  await run(db, `alter table conversations disable trigger conversations_last_message`)
  await run(db, `
    update conversations c set last_message_at = m.at
    from (select conversation_id, max(created_at) as at from messages group by conversation_id) m
    where m.conversation_id = c.id`)
  await run(db, `alter table conversations enable trigger conversations_last_message`)
  // Read up to the last message, except recent answers: the family has not read about half of those.
  await run(db, `
    update conversation_participants cp set last_message_at = c.last_message_at, last_read_at = c.last_message_at,
      unread_count = case when c.last_message_at > ${nowSql} - interval '14 days' and last.side <> cp.side
        and ${r(`cp.conversation_id || ':u:' || cp.person_id`)} < 0.5 then 1 else 0 end
    from conversations c,
      lateral (select p2.side from messages m join conversation_participants p2 on p2.conversation_id = m.conversation_id and p2.person_id = m.author_id
               where m.conversation_id = c.id order by m.id desc limit 1) last
    where c.id = cp.conversation_id`)
  await run(db, `update conversation_participants set last_read_at = null where unread_count > 0`)
  await run(db, `
    insert into notifications (recipient_id, child_id, area, kind, params, link, created_at, read_at)
    select fp.person_id, c.child_id, 'messages', 'messageReceived', jsonb_build_object('from', a.given_name || ' ' || a.family_name),
      '/children/' || c.child_id || '/messages/' || c.id, m.created_at,
      case when fp.unread_count > 0 and m.created_at = c.last_message_at then null else m.created_at + interval '2 hours' end
    from messages m
    join conversations c on c.id = m.conversation_id
    join persons a on a.id = m.author_id and a.role = 'staff'
    join conversation_participants fp on fp.conversation_id = c.id and fp.side = 'family'
    order by m.created_at, m.id`)
}
