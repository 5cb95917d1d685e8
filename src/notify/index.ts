import { sql } from 'kysely'
import type { Feature } from '../web/box.js'
import bellRoutes from './routes.js'
import pushRoutes, { pushSettingsSection } from './push-routes.js'
import outboxAdminRoutes from './admin-routes.js'
import { unreadNotificationsSql } from './notifications.js'

/** The bell, Web Push and the admins' view of failed deliveries. */
export const notify: Feature = {
  key: 'notifications',
  async routes(app) {
    await app.register(bellRoutes)
    await app.register(pushRoutes)
  },
  staffRoutes: outboxAdminRoutes,
  staffLinks: [{ key: 'outbox', title: 'outbox:link', href: '/staff/outbox', roles: ['admin'] }],
  settingsSections: [pushSettingsSection],
  barCounter: unreadNotificationsSql,
  budgets: {
    pages: [{ name: 'notifications', user: 'anna.lind', url: () => '/notifications', bounded: true }],
    grow: {
      what: 'Anna\'s bell',
      async run({ db, world, clock }, n) {
        const have = Number((await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('recipient_id', '=', world.anna).executeTakeFirstOrThrow()).n)
        await sql`
          insert into notifications (recipient_id, child_id, area, kind, params, link, created_at, read_at)
          select ${world.anna}::int, ${world.elsa}::int, 'messages', 'messageReceived', '{"from":"Karin Berg"}'::jsonb,
            '/children/' || ${world.elsa}::int || '/messages', ${clock.now()}::timestamptz - (g || ' hours')::interval,
            case when g % 3 = 0 then null else ${clock.now()}::timestamptz end
          from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
      },
    },
  },
}
