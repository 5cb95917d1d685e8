import { sql } from 'kysely'
import type { DistrictContext } from '../../demo/district.js'
import { run } from '../../demo/district-sql.js'
import type { BudgetContext } from '../../web/measure.js'

/**
 * A term of news: for every group, one item a week for the last 18 weeks by one of the
 * group's staff, and a unit-wide item every other week per unit. Files and links are not
 * generated (their bytes would have to exist in the store).
 */
export async function seedInformation({ db, today, r }: DistrictContext): Promise<void> {
  await run(db, `
    insert into info_news (unit_id, group_id, title, body, author_id, published_at)
    select g.unit_id, g.id, 'Veckobrev vecka ' || w, 'Den här veckan har vi arbetat med ' || (array['läsning', 'bråk', 'rymden', 'vikingatiden', 'vatten'])[1 + (w % 5)] || '.' || chr(10) || chr(10) || 'Hälsningar från ' || g.name,
      (select min(sg.staff_id) from staff_groups sg where sg.group_id = g.id),
      ('${today}'::date - w * 7 + time '15:00') at time zone 'Europe/Stockholm'
    from groups g cross join generate_series(0, 17) w
    where ${r(`'news:' || g.id || ':' || w`)} < 0.9
    order by g.id, w`)
  await run(db, `
    insert into info_news (unit_id, group_id, title, body, author_id, published_at)
    select u.id, null, 'Information från ' || u.name, 'Välkomna på föräldramöte. Mer information kommer.', null,
      ('${today}'::date - w * 14 + time '12:00') at time zone 'Europe/Stockholm'
    from units u cross join generate_series(0, 8) w
    order by u.id, w`)
}

/** Budgets: bring 4B's news to n items. */
export async function growNews({ db, world, clock }: BudgetContext, n: number): Promise<void> {
  const have = Number((await db.selectFrom('info_news').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', world.class4B).executeTakeFirstOrThrow()).n)
  await sql`
    insert into info_news (unit_id, group_id, title, body, author_id, published_at)
    select ${world.school}::integer, ${world.class4B}::integer, 'Veckobrev ' || g, repeat('Vi har arbetat med läsning och matematik. ', 6), ${world.karin}::integer,
      ${clock.now()}::timestamptz - g * interval '1 day'
    from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
}
