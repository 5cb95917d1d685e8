import { sql } from 'kysely'
import { seesHub, type BoxManifest } from '../../web/box.js'
import { benchGet, type BudgetContext } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { absenceSummary } from './guardian.js'
import { seedAbsenceDemo } from './demo.js'
import { seedAbsence } from './district.js'
import { absenceFamilyLine } from './family.js'

const demoReport = async ({ db, world }: BudgetContext) =>
  (await db.selectFrom('absence_reports').select('id').where('child_id', '=', world.elsa).orderBy('id').executeTakeFirstOrThrow()).id
/** A lesson of class 4B on Tuesday 1 December (the staff's attendance register). */
const tuesdayLesson = async ({ db, world }: BudgetContext) =>
  (await db.selectFrom('timetable_lessons').select('id').where('group_id', '=', world.class4B).where('weekday', '=', 2)
    .orderBy('starts_at').executeTakeFirstOrThrow()).id

/** Frånvaro: the child's history, and the guardians' report (the green button); the school's registers. */
export const absence: BoxManifest = {
  key: 'absence',
  path: 'absences',
  title: () => 'boxes.absence',
  visible: (a) => seesHub(a),
  summary: absenceSummary,
  family: absenceFamilyLine,
  // The green button sits on the tile too: reporting is what guardians come here for.
  action: (actor, child) => (actor.role === 'guardian' ? { href: `/children/${child.id}/absences/new`, label: 'absence:report', variant: 'green' } : null),
  routes,
  staffRoutes,
  staffLinks: [{ key: 'absence', title: 'absence:staff.link', href: '/staff/absences' }],
  demo: seedAbsenceDemo,
  district: { seed: seedAbsence, tables: ['absence_reports', 'absence_report_lessons', 'lesson_attendance'], after: ['timetable'] },
  bench: [
    { name: 'absence history', request: (s) => benchGet(`/children/${s.childId}/absences`) },
    {
      name: 'absence report (POST)',
      request: (s) => ({
        method: 'POST',
        path: `/children/${s.childId}/absences`,
        body: new URLSearchParams({ _csrf: s.csrf, date: s.today, scope: 'day', reason: 'illness' }).toString(),
        expect: 303,
      }),
    },
    // The school's side of the same morning.
    { name: 'staff: class absences today', staff: true, request: (s) => benchGet(`/staff/absences?group=${s.groupId}&date=${s.today}`) },
  ],
  budgets: {
    pages: [
      { name: 'absence history', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/absences`, bounded: true, maxQueries: 3 },
      { name: 'absence report form', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/absences/new`, bounded: true },
      { name: 'absence report', user: 'anna.lind', url: async (c) => `/children/${c.world.elsa}/absences/${await demoReport(c)}`, bounded: true },
      {
        name: 'absence report (POST)', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/absences`, method: 'POST', status: 303, bounded: true, maxQueries: 6,
        form: () => ({ date: '2026-12-02', scope: 'day', reason: 'illness' }),
      },
      { name: 'staff absences (class, today)', user: 'karin.berg', url: ({ world }) => `/staff/absences?group=${world.class4B}&date=2026-12-01`, bounded: true, maxQueries: 3 },
      { name: 'staff attendance register', user: 'karin.berg', url: async (c) => `/staff/absences/groups/${c.world.class4B}/lessons/${await tuesdayLesson(c)}?date=2026-12-01`, bounded: true },
    ],
    grow: {
      what: 'Elsa\'s reports and registrations over the years',
      async run({ db, world, clock }, n) {
        const have = Number((await db.selectFrom('absence_reports').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', world.elsa).executeTakeFirstOrThrow()).n)
        await sql`
          insert into absence_reports (child_id, date, whole_day, reason, comment, reported_by, created_at)
          select ${world.elsa}::int, date '2026-11-01' - g * 3, true, 'illness', '', ${world.anna}::int, ${clock.now()}::timestamptz - (g * 3 || ' days')::interval
          from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
        const lesson = await db.selectFrom('timetable_lessons').select('id').where('group_id', '=', world.class4B).orderBy('id').executeTakeFirstOrThrow()
        await sql`
          insert into lesson_attendance (child_id, lesson_id, date, status, registered_by, registered_at)
          select ${world.elsa}::int, ${lesson.id}::int, date '2026-11-02' - g * 3, 'absent_invalid', ${world.per}::int, ${clock.now()}::timestamptz
          from generate_series(1, ${n}::int) g
          on conflict do nothing`.execute(db)
      },
    },
  },
}
