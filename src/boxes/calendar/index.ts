import { sql } from 'kysely'
import { seesHub, type BoxManifest } from '../../web/box.js'
import { benchGet, type BudgetContext } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { calendarFeedSettings, calendarSummary } from './service.js'
import { seedCalendarDemo } from './demo.js'
import { seedCalendar } from './district.js'

const openSurvey = async ({ db, world }: BudgetContext) =>
  (await db.selectFrom('surveys').select('id').where('group_id', '=', world.class4B).orderBy('closes_on', 'desc').executeTakeFirstOrThrow()).id
const firstEvent = async ({ db, world }: BudgetContext) =>
  (await db.selectFrom('calendar_events').select('id').where('group_id', '=', world.class4B).orderBy('id').executeTakeFirstOrThrow()).id

/**
 * Kalender: the events of the child's groups and unit, surveys on their dates (guardians
 * answer), the booked development talks, and a subscribable feed (SPEC.md 4.12). Every
 * guardian and pupil sees it, in school and preschool.
 */
export const calendar: BoxManifest = {
  key: 'calendar',
  path: 'calendar',
  title: () => 'boxes.calendar',
  visible: (a) => seesHub(a),
  summary: calendarSummary,
  routes,
  staffRoutes,
  staffLinks: [{ key: 'calendar', title: 'calendar:staff.link', href: '/staff/calendar' }],
  settingsSections: [{
    id: 'school-calendar-feed',
    title: 'calendar:feed.title',
    template: '/calendar/_settings-feed',
    data: async (req) => ({ calendarFeed: await calendarFeedSettings(req.server.deps.db, req.actor!, req.server.deps.config.baseUrl) }),
  }],
  demo: seedCalendarDemo,
  district: { seed: seedCalendar, tables: ['calendar_events', 'surveys', 'survey_questions', 'survey_options'] },
  bench: [
    { name: 'calendar month', request: (s) => benchGet(`/children/${s.childId}/calendar`) },
    { name: 'calendar list', request: (s) => benchGet(`/children/${s.childId}/calendar?view=list`) },
  ],
  budgets: {
    pages: [
      { name: 'calendar month', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/calendar?month=2026-12`, bounded: true, maxQueries: 3 },
      { name: 'calendar list', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/calendar?month=2026-12&view=list`, bounded: true, maxQueries: 3 },
      { name: 'calendar month (pupil)', user: 'elsa.lind', url: ({ world }) => `/children/${world.elsa}/calendar?month=2026-12&view=month`, bounded: true, maxQueries: 3 },
      { name: 'calendar event', user: 'anna.lind', url: async (c) => `/children/${c.world.elsa}/calendar/events/${await firstEvent(c)}`, bounded: true, maxQueries: 3 },
      { name: 'calendar survey', user: 'anna.lind', url: async (c) => `/children/${c.world.elsa}/calendar/surveys/${await openSurvey(c)}`, bounded: true, maxQueries: 3 },
      { name: 'staff calendar', user: 'karin.berg', url: () => '/staff/calendar', bounded: true },
      { name: 'staff survey results', user: 'karin.berg', url: async (c) => `/staff/calendar/surveys/${await openSurvey(c)}`, bounded: true },
    ],
    grow: {
      what: 'events of 4B: two a day in December 2026 (at most 60), the rest one a day in the days before',
      async run({ db, world }, n) {
        const have = Number((await db.selectFrom('calendar_events').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('group_id', '=', world.class4B).where('title', 'like', 'Budget %').executeTakeFirstOrThrow()).n)
        await sql`
          insert into calendar_events (unit_id, group_id, kind, title, body, date, starts_at, ends_at, created_by, created_at, updated_at)
          select ${world.school}::int, ${world.class4B}::int, (array['homework','test','assignment','activity','information'])[1 + g % 5],
            'Budget ' || g, 'Text ' || g,
            case when g <= 60 then date '2026-12-01' + ((g - 1) % 30) else date '2026-11-30' - (g - 60) end,
            case when g % 2 = 0 then time '10:00' end, case when g % 2 = 0 then time '11:00' end, ${world.karin}::int, now(), now()
          from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
      },
    },
  },
}
