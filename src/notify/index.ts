import { sql } from 'kysely'
import type { Feature } from '../web/box.js'
import bellRoutes from './routes.js'
import pushRoutes, { pushSettingsSection } from './push-routes.js'
import outboxAdminRoutes from './admin-routes.js'
import { unreadNotificationsSql } from './notifications.js'
import { quietSettingsSection } from './quiet-routes.js'
import { sendEveningDigests } from './digest.js'

/** The bell, Web Push (with quiet hours), the evening digest and the admins' view of failed deliveries. */
export const notify: Feature = {
  key: 'notifications',
  async routes(app) {
    await app.register(bellRoutes)
    await app.register(pushRoutes)
  },
  staffRoutes: outboxAdminRoutes,
  staffLinks: [{ key: 'outbox', title: 'outbox:link', href: '/staff/outbox', roles: ['admin'] }],
  settingsSections: [pushSettingsSection, quietSettingsSection],
  // The evening digest: once per person and day whoever runs it (digest.ts).
  housekeeping: sendEveningDigests,
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
