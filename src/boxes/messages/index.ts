import { sql } from 'kysely'
import { seesHub, type BoxManifest } from '../../web/box.js'
import { benchGet, type BudgetContext } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { unreadAboutChild, unreadTotalSql } from './queries.js'
import { seedMessagesDemo } from './demo.js'
import { seedMessages } from './district.js'
import { messagesFamilyLine, messagesTodo } from './family.js'

/** The demo conversation about Elsa (anna.lind and karin.berg). */
const demoConversation = async ({ db, world }: BudgetContext) =>
  (await db.selectFrom('conversations').select('id').where('child_id', '=', world.elsa).orderBy('id').executeTakeFirstOrThrow()).id

/** Meddelanden: conversations between a family and the school about one child. */
export const messages: BoxManifest = {
  key: 'messages',
  path: 'messages',
  title: () => 'boxes.messages',
  visible: (a) => seesHub(a),
  async summary({ db, actor, child }) {
    const n = await unreadAboutChild(db, actor.id, child.id)
    return { key: n ? 'messages:summary.unread' : 'messages:summary.none', params: { count: n } }
  },
  routes,
  family: messagesFamilyLine,
  todo: messagesTodo,
  staffRoutes,
  staffLinks: [{ key: 'messages', title: 'messages:staff.title', href: '/staff/messages' }],
  barCounter: unreadTotalSql,
  demo: seedMessagesDemo,
  district: { seed: seedMessages, tables: ['conversations', 'messages', 'notifications'] },
  bench: [
    { name: 'messages inbox', request: (s) => benchGet(`/children/${s.childId}/messages`) },
    { name: 'conversation', request: (s) => (s.conversationId ? benchGet(`/children/${s.childId}/messages/${s.conversationId}`) : null) },
    { name: 'staff: messages inbox', staff: true, request: () => benchGet('/staff/messages') },
  ],
  budgets: {
    pages: [
      { name: 'messages inbox', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/messages`, bounded: true, maxQueries: 3 },
      { name: 'conversation', user: 'anna.lind', url: async (c) => `/children/${c.world.elsa}/messages/${await demoConversation(c)}`, bounded: true, maxQueries: 3 },
      { name: 'new message', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/messages/new`, bounded: true },
      { name: 'staff messages inbox', user: 'karin.berg', url: () => '/staff/messages', bounded: true },
      { name: 'staff conversation', user: 'karin.berg', url: async (c) => `/staff/messages/${await demoConversation(c)}`, bounded: true },
      { name: 'staff new message', user: 'karin.berg', url: () => '/staff/messages/new', bounded: true },
    ],
    grow: {
      what: 'conversations about Elsa, and messages in the demo conversation',
      async run(c, n) {
        const { db, world, clock } = c
        const now = clock.now()
        const conversationId = await demoConversation(c)
        const have = Number((await db.selectFrom('conversations').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', world.elsa).executeTakeFirstOrThrow()).n)
        await sql`
          with c as (
            insert into conversations (child_id, title, created_by, created_at, last_message_at)
            select ${world.elsa}::int, 'Samtal ' || g, ${world.anna}::int, ${now}::timestamptz - (g || ' hours')::interval, ${now}::timestamptz - (g || ' hours')::interval
            from generate_series(${have + 1}::int, ${n}::int) g
            returning id
          ), p as (
            insert into conversation_participants (conversation_id, person_id, side, unread_count)
            select id, ${world.anna}::int, 'family', 0 from c union all select id, ${world.karin}::int, 'staff', 0 from c
          )
          insert into messages (conversation_id, author_id, body, created_at)
          select id, ${world.anna}::int, 'Fråga', ${now}::timestamptz - interval '1 day' from c`.execute(db)
        const inConversation = Number((await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()).n)
        await sql`
          insert into messages (conversation_id, author_id, body, created_at)
          select ${conversationId}::int, case when g % 2 = 0 then ${world.anna}::int else ${world.karin}::int end, 'Meddelande ' || g,
            ${now}::timestamptz - interval '30 days' + (g || ' seconds')::interval
          from generate_series(${inConversation + 1}::int, ${n}::int) g`.execute(db)
      },
    },
  },
}
