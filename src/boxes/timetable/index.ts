import { sql } from 'kysely'
import { isSchool, seesHub, type BoxManifest } from '../../web/box.js'
import { benchGet } from '../../web/measure.js'
import routes from './routes.js'
import { feedSettings, todaySummary } from './service.js'
import { seedTimetableDemo } from './demo.js'
import { seedTimetable } from './district.js'
import { timetableFamilyLine } from './family.js'

/** Schema: the school child's week, a lesson's details, the printable week and the calendar feed. */
export const timetable: BoxManifest = {
  key: 'timetable',
  path: 'timetable',
  title: () => 'boxes.timetable',
  visible: (a, c) => seesHub(a) && isSchool(c),
  summary: todaySummary,
  family: timetableFamilyLine,
  routes,
  settingsSections: [{
    id: 'calendar-feed',
    title: 'timetable:feed.title',
    template: '/timetable/_settings-feed',
    data: async (req) => ({ feed: await feedSettings(req.server.deps.db, req.actor!, req.server.deps.config.baseUrl) }),
  }],
  demo: seedTimetableDemo,
  district: { seed: seedTimetable, tables: ['timetable_lessons', 'timetable_exceptions'] },
  bench: [{ name: 'timetable week', request: (s) => (s.unitKind === 'school' ? benchGet(`/children/${s.childId}/timetable`) : null) }],
  budgets: {
    pages: [
      { name: 'timetable week', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/timetable?week=2026-W49`, bounded: false, maxQueries: 3, scripts: ['/static/js/offline.js'] },
      { name: 'timetable print', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/timetable/print?week=2026-W49`, bounded: false, scripts: ['/static/js/print.js'] },
    ],
    grow: {
      what: 'lessons of a second group of Elsa\'s',
      async run({ db, world }, n) {
        let group = await db.selectFrom('groups').select('id').where('name', '=', 'Budget-språkval').executeTakeFirst()
        if (!group) {
          group = await db.insertInto('groups').values({ unit_id: world.school, name: 'Budget-språkval', kind: 'teaching', external_id: null }).returning('id').executeTakeFirstOrThrow()
          await db.insertInto('group_memberships').values({ group_id: group.id, child_id: world.elsa }).execute()
        }
        const have = Number((await db.selectFrom('timetable_lessons').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', group.id).executeTakeFirstOrThrow()).n)
        await sql`
          insert into timetable_lessons (group_id, weekday, starts_at, ends_at, subject, teacher_id, room, valid_from)
          select ${group.id}::int, 1 + g % 5, time '15:00', time '15:40', 'Tyska ' || g, ${world.per}::int, 'Sal 3', date '2026-08-17'
          from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
      },
    },
  },
}
