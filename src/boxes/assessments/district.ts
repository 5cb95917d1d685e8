import { sql } from 'kysely'
import type { DistrictContext } from '../../demo/district.js'
import { run } from '../../demo/district-sql.js'
import type { BudgetContext } from '../../web/measure.js'
import { termOf } from '../../web/terms.js'

/**
 * A term of assessments for every pupil of a school unit: Swedish, mathematics, English and
 * science, by a teacher of the pupil's class, on the "Når målen" scale; about one in
 * twenty not published yet.
 */
export async function seedAssessments({ db, today, r }: DistrictContext): Promise<void> {
  await run(db, `
    insert into assessments (child_id, subject, term, grade, comment, assessed_on, teacher_id, published_at, created_at, updated_at)
    select c.id, s.subject, '${termOf(today)}',
      (array['Når målen', 'Når målen med god marginal', 'Når inte målen ännu'])[1 + floor(${r(`'grade:' || c.id || s.subject`)} * 3)::int],
      'Arbetar bra under lektionerna.', '${today}'::date - s.k * 3,
      (select min(sg.staff_id) from group_memberships gm join groups g on g.id = gm.group_id and g.kind = 'class' join staff_groups sg on sg.group_id = g.id where gm.child_id = c.id),
      case when ${r(`'pub:' || c.id || s.subject`)} < 0.95 then ('${today}'::date - s.k * 3 + time '16:00') at time zone 'Europe/Stockholm' end,
      '${today}'::date, '${today}'::date
    from persons c join units u on u.id = c.unit_id and u.kind = 'school'
    cross join (values ('Svenska', 1), ('Matematik', 2), ('Engelska', 3), ('NO', 4)) s(subject, k)
    where c.role = 'child'
    order by c.id, s.k`)
}

/** Budgets: bring Elsa's published assessments to n, over earlier terms (twenty subjects a term). */
export async function growAssessments({ db, world, clock }: BudgetContext, n: number): Promise<void> {
  const have = Number((await db.selectFrom('assessments').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', world.elsa).where('subject', 'like', 'Ämne %').executeTakeFirstOrThrow()).n)
  await sql`
    insert into assessments (child_id, subject, term, grade, comment, assessed_on, teacher_id, published_at, created_at, updated_at)
    select ${world.elsa}::int, 'Ämne ' || (g % 20), (case when (g / 20) % 2 = 0 then 'VT' else 'HT' end) || (2025 - g / 40)::text, 'Når målen',
      repeat('En kommentar om arbetet. ', 4), date '2025-06-01' - g, ${world.per}::int, ${clock.now()}::timestamptz - interval '200 days', now(), now()
    from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
}
