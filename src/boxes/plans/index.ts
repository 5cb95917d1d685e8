import { sql } from 'kysely'
import { isSchool, seesHub, type BoxManifest } from '../../web/box.js'
import { benchGet, type BudgetContext } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { plansSummary } from './service.js'
import { seedPlansDemo } from './demo.js'

const firstPlan = async ({ db, world }: BudgetContext) =>
  (await db.selectFrom('plans').select('id').where('group_id', '=', world.class4B).orderBy('id').executeTakeFirstOrThrow()).id

/** Planeringar: the teachers' plans per subject for the pupil's groups (school only; SPEC.md 4.10). */
export const plans: BoxManifest = {
  key: 'plans',
  path: 'plans',
  title: () => 'boxes.plans',
  visible: (a, c) => seesHub(a) && isSchool(c),
  summary: plansSummary,
  routes,
  staffRoutes,
  staffLinks: [{ key: 'plans', title: 'plans:staff.link', href: '/staff/plans', unitKinds: ['school'] }],
  demo: seedPlansDemo,
  district: {
    tables: ['plans'],
    async seed({ db, today }) {
      // A plan per class in Swedish, mathematics and English, six weeks each, this term.
      await sql.raw(`
        insert into plans (group_id, subject, title, starts_on, ends_on, content, goals, assessment, created_at, updated_at)
        select g.id, s.subject, s.subject || ': arbetsområde ' || k, date_trunc('week', '${today}'::date)::date + (k * 6 - 9) * 7,
          date_trunc('week', '${today}'::date)::date + (k * 6 - 3) * 7 - 1, 'Innehåll.', 'Mål.', 'Bedömning.', '${today}'::date, '${today}'::date
        from groups g cross join (values ('Svenska'), ('Matematik'), ('Engelska')) s(subject) cross join generate_series(0, 2) k
        where g.kind = 'class' order by g.id`).execute(db)
    },
  },
  bench: [{ name: 'plans', request: (s) => (s.unitKind === 'school' ? benchGet(`/children/${s.childId}/plans`) : null) }],
  budgets: {
    pages: [
      { name: 'plans', user: 'elsa.lind', url: ({ world }) => `/children/${world.elsa}/plans`, bounded: true, maxQueries: 3 },
      { name: 'plan', user: 'anna.lind', url: async (c) => `/children/${c.world.elsa}/plans/${await firstPlan(c)}`, bounded: true, maxQueries: 3 },
      { name: 'staff plans', user: 'karin.berg', url: () => '/staff/plans', bounded: true },
    ],
    grow: {
      what: 'earlier plans of 4B (the page shows the current ones and the latest 60)',
      async run({ db, world }, n) {
        const have = Number((await db.selectFrom('plans').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', world.class4B).where('title', 'like', 'Budget %').executeTakeFirstOrThrow()).n)
        await sql`
          insert into plans (group_id, subject, title, starts_on, ends_on, content, goals, assessment, created_at, updated_at)
          select ${world.class4B}::int, 'Bild', 'Budget ' || g, date '2026-06-01' - g * 7, date '2026-06-01' - g * 7 + 6, 'Innehåll ' || g, 'Mål', 'Bedömning', now(), now()
          from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
      },
    },
  },
}
