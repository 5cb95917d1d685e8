import type { DistrictContext } from '../../demo/district.js'
import { run } from '../../demo/district-sql.js'
import { addDaysIso } from '../../clock.js'

/**
 * A term of events per class and preschool department: one every school week from eight
 * weeks back to ten weeks ahead (homework, tests, assignments, activities and information
 * in turn), one in four with a time; and a survey for a third of the classes, open this week.
 */
export async function seedCalendar({ db, today, r }: DistrictContext): Promise<void> {
  const from = addDaysIso(today, -56)
  await run(db, `
    insert into calendar_events (unit_id, group_id, kind, title, body, date, starts_at, ends_at, created_by, created_at, updated_at)
    select g.unit_id, g.id, k.kind, k.title || ' ' || g.name, 'Mer information kommer från skolan.',
      '${from}'::date + w * 7 + (g.id % 5),
      case when w % 4 = 0 then time '18:00' end, case when w % 4 = 0 then time '19:00' end,
      null, '${today}'::date - 60, '${today}'::date - 60
    from groups g
    cross join generate_series(0, 17) w
    join lateral (select (array['homework','test','assignment','activity','information'])[1 + (w + g.id) % 5] as kind,
                         (array['Läxa','Prov','Inlämning','Aktivitet','Information'])[1 + (w + g.id) % 5] as title) k on true
    where g.kind in ('class', 'department')
    order by g.id, w`)
  await run(db, `
    insert into surveys (unit_id, group_id, title, body, date, closes_on, created_at, updated_at)
    select g.unit_id, g.id, 'Utflykt ' || g.name, 'Svara senast på fredag.', '${today}'::date, '${addDaysIso(today, 7)}'::date, '${today}'::date, '${today}'::date
    from groups g where g.kind = 'class' and ${r(`'survey:' || g.id`)} < 1.0 / 3 order by g.id`)
  await run(db, `
    insert into survey_questions (survey_id, position, kind, prompt)
    select s.id, q.p, q.kind, q.prompt from surveys s
    cross join (values (1, 'single', 'Får ditt barn följa med?'), (2, 'text', 'Något vi behöver veta?')) q(p, kind, prompt)
    order by s.id, q.p`)
  await run(db, `
    insert into survey_options (question_id, position, label)
    select q.id, o.p, o.label from survey_questions q cross join (values (1, 'Ja'), (2, 'Nej')) o(p, label)
    where q.kind = 'single' order by q.id, o.p`)
}
