import { sql } from 'kysely'
import { isGuardian, type BoxManifest } from '../../web/box.js'
import { benchGet } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { careSummary } from './guardian.js'
import { seedCareScheduleDemo } from './demo.js'
import { seedCareSchedule } from './district.js'
import { careFamilyLine, careTodo } from './family.js'

/** Fritidsschema / Tidregistrering: the times a fritids or preschool child is in care. */
export const careSchedule: BoxManifest = {
  key: 'care-schedule',
  path: 'care-schedule',
  guardianOnly: true,
  title: (c) => (c.unitKind === 'school' ? 'boxes.fritidsSchedule' : 'boxes.timeRegistration'),
  visible: (a, c) => isGuardian(a) && (c.unitKind === 'preschool' || c.inFritids),
  summary: careSummary,
  family: careFamilyLine,
  todo: careTodo,
  routes,
  staffRoutes,
  staffLinks: [{ key: 'care-schedule', title: 'care:staff.link', href: '/staff/care-schedule', unitKinds: ['school', 'preschool'] }],
  demo: seedCareScheduleDemo,
  district: { seed: seedCareSchedule, tables: ['care_days', 'care_day_log'] },
  bench: [{ name: 'care schedule week', request: (s) => (s.inCare ? benchGet(`/children/${s.childId}/care-schedule`) : null) }],
  budgets: {
    pages: [
      { name: 'care schedule week', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/care-schedule?week=2026-W50`, bounded: true, maxQueries: 3 },
      { name: 'care schedule day', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/care-schedule/days/2026-12-09`, bounded: true },
      { name: 'care schedule week form', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/care-schedule/weeks/2026-W50`, bounded: true },
      { name: 'staff care schedule', user: 'lena.ek', url: () => '/staff/care-schedule', bounded: true },
      { name: 'staff care group day', user: 'lena.ek', url: ({ world }) => `/staff/care-schedule/groups/${world.fritids}?date=2026-12-09`, bounded: true },
      { name: 'staff care group week', user: 'lena.ek', url: ({ world }) => `/staff/care-schedule/groups/${world.fritids}/week?week=2026-W50`, bounded: true },
      { name: 'staff care child day', user: 'lena.ek', url: ({ world }) => `/staff/care-schedule/children/${world.elsa}/days/2026-12-09?group=${world.fritids}`, bounded: true },
    ],
    grow: {
      what: 'Elsa\'s days going back four years',
      async run({ db, world, clock }, n) {
        const have = Number((await db.selectFrom('care_days').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', world.elsa).where('day', '<', '2026-11-30').executeTakeFirstOrThrow()).n)
        await sql`
          insert into care_days (child_id, day, starts_at, ends_at, comment, updated_by, updated_at)
          select ${world.elsa}::int, d, time '07:00', time '16:00', case when g % 7 = 0 then 'Hämtas tidigt' end, ${world.anna}::int, ${clock.now()}::timestamptz
          from (select g, (date '2026-11-27' - g)::date as d from generate_series(0, 3000) g) x
          where extract(isodow from d) < 6
          order by d desc
          limit greatest(0, ${n - have}::int)
          on conflict do nothing`.execute(db)
        await sql`
          insert into care_day_log (child_id, day, action, starts_at, ends_at, comment, changed_by, changed_at)
          select ${world.elsa}::int, date '2026-12-09', 'set', time '07:00', time '16:00', null, ${world.anna}::int, ${clock.now()}::timestamptz
          from generate_series(1, 5)`.execute(db)
      },
    },
  },
}
