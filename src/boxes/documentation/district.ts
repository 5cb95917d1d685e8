import { sql } from 'kysely'
import type { DistrictContext } from '../../demo/district.js'
import { run } from '../../demo/district-sql.js'
import type { BudgetContext } from '../../web/measure.js'
import { termOf } from '../../web/terms.js'

/** Two portfolio entries this term and this term's IUP for every pupil of a school unit, by a teacher of the pupil's class. */
export async function seedDocumentation({ db, today }: DistrictContext): Promise<void> {
  const teacher = `(select min(sg.staff_id) from group_memberships gm join groups g on g.id = gm.group_id and g.kind = 'class' join staff_groups sg on sg.group_id = g.id where gm.child_id = c.id)`
  await run(db, `
    insert into portfolio_entries (child_id, title, body, entry_date, author_id, created_at)
    select c.id, (array['Läsloggen', 'Vårt experiment'])[k], 'Eleven har arbetat med ' || (array['läsning', 'en undersökning'])[k] || '.', '${today}'::date - k * 11, ${teacher},
      ('${today}'::date - k * 11 + time '15:00') at time zone 'Europe/Stockholm'
    from persons c join units u on u.id = c.unit_id and u.kind = 'school' cross join generate_series(1, 2) k
    where c.role = 'child' order by c.id, k`)
  await run(db, `
    insert into iup_plans (child_id, term, goals, school_support, home_support, author_id, created_at, updated_at)
    select c.id, '${termOf(today)}', 'Utveckla läsförståelsen.', 'Lästräning i grupp.', 'Läs tillsammans hemma.', ${teacher}, '${today}'::date, '${today}'::date
    from persons c join units u on u.id = c.unit_id and u.kind = 'school'
    where c.role = 'child' order by c.id`)
}

/** Budgets: bring Elsa's portfolio to n entries. */
export async function growPortfolio({ db, world, clock }: BudgetContext, n: number): Promise<void> {
  const have = Number((await db.selectFrom('portfolio_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', world.elsa).where('title', 'like', 'Inlägg %').executeTakeFirstOrThrow()).n)
  await sql`
    insert into portfolio_entries (child_id, title, body, entry_date, author_id, created_at)
    select ${world.elsa}::int, 'Inlägg ' || g, repeat('Eleven har arbetat med läsning och skrivning. ', 5), date '2026-06-01' - g, ${world.karin}::int, ${clock.now()}::timestamptz - interval '200 days'
    from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
}
