import { sql, type RawBuilder } from 'kysely'
import { enqueue } from './outbox.js'
import type { Executor } from '../db/index.js'
import type { PushPayload } from './push.js'
import { translator } from '../web/i18n.js'
import { HELD_KIND, heldKey, quietOf, quietUntil } from './quiet.js'

/** Areas a person can opt out of (settings) and that notifications belong to. */
export const AREAS = [
  'messages', 'information', 'calendar', 'blog', 'absence', 'talks', 'assessments', 'documentation', 'care-schedule',
] as const
export type Area = (typeof AREAS)[number]

export interface NewNotification {
  recipientIds: number[]
  childId: number | null
  area: Area
  /** Translation key under notifications:kinds, e.g. 'messageReceived'. */
  kind: string
  params?: Record<string, string | number>
  link: string
  now: Date
}

/**
 * Creates bell entries in the caller's transaction, and in that same transaction a push
 * delivery for every push subscription of each recipient who has not opted out of the
 * area (settings, Pushnotiser). The push text is rendered in the recipient's language.
 * Inside the recipient's quiet hours (src/notify/quiet.ts) the push is held instead: one
 * push per device when the quiet hours end, saying how many notices came meanwhile. The
 * bell entries are never held.
 */
export async function createNotifications(db: Executor, n: NewNotification): Promise<void> {
  const ids = [...new Set(n.recipientIds)]
  if (ids.length === 0) return
  await db.insertInto('notifications').values(ids.map((recipient_id) => ({
    recipient_id,
    child_id: n.childId,
    area: n.area,
    kind: n.kind,
    params: JSON.stringify(n.params ?? {}),
    link: n.link,
    created_at: n.now,
  }))).execute()

  const subscriptions = await db.selectFrom('push_subscriptions as s')
    .innerJoin('persons as p', 'p.id', 's.person_id')
    .leftJoin('notify_preferences as q', 'q.person_id', 's.person_id')
    .select(['s.id', 's.person_id', 's.endpoint', 's.p256dh', 's.auth', 'p.locale', 'q.quiet_enabled', 'q.quiet_start', 'q.quiet_end'])
    .select((eb) => eb.selectFrom('persons as c').select('c.given_name').where('c.id', '=', n.childId ?? -1).as('child_name'))
    .where('s.person_id', 'in', ids)
    .where((eb) => eb.not(eb.exists(
      eb.selectFrom('notification_optouts as o').select('o.person_id').whereRef('o.person_id', '=', 's.person_id').where('o.area', '=', n.area),
    )))
    .orderBy('s.id')
    .execute()
  for (const s of subscriptions) {
    const t = translator(s.locale)
    const payload: PushPayload = {
      subscriptionId: s.id,
      personId: s.person_id,
      endpoint: s.endpoint,
      p256dh: s.p256dh,
      auth: s.auth,
      title: s.child_name ? `${t('notifications:push.appName')} · ${s.child_name}` : t('notifications:push.appName'),
      body: t(`notifications:kinds.${n.kind}`, n.params ?? {}),
      url: n.link,
      tag: `${n.area}:${n.link}`,
      lang: s.locale,
    }
    // Inside the person's quiet hours the push waits, with the others held, for their end.
    const until = quietUntil(quietOf(s), n.now)
    if (until) {
      await holdPush(db, payload, t, until, n.now, `push:${n.area}`)
      continue
    }
    await enqueue(db, { channel: 'push', payload: payload as unknown as Record<string, unknown>, kind: `push:${n.area}`, recipientId: s.person_id, now: n.now })
  }
}

/** The bell's count as an SQL expression (the frame reads the bar's counts in one statement). */
export function unreadNotificationsSql(personId: number | RawBuilder<number>) {
  return sql<number>`select count(*) from notifications where recipient_id = ${personId} and read_at is null`
}


/**
 * Adds a notice to the device's held push: one outbox row per device and quiet window (its
 * dedupe key), due when the window ends, counting the notices it stands for. The row's lock
 * (ON CONFLICT DO UPDATE) orders concurrent writers, so the count and its text agree. The
 * text is rendered here, in the person's language, for every count it passes through.
 */
async function holdPush(db: Executor, payload: PushPayload, t: ReturnType<typeof translator>, until: Date, now: Date, kind: string): Promise<void> {
  const held: PushPayload & { held: number } = { ...payload, title: t('notifications:push.appName'), body: t('notifications:quiet.pushBody', { count: 1 }), url: '/notifications', tag: 'hubben-quiet', held: 1 }
  const key = heldKey(payload.personId, payload.subscriptionId, until)
  const { rows } = await sql<{ held: number }>`
    insert into outbox (channel, payload, dedupe_key, kind, recipient_id, next_attempt_at, created_at)
    values ('push', ${JSON.stringify(held)}::jsonb, ${key}, ${HELD_KIND}, ${payload.personId}, ${until}, ${now})
    on conflict (dedupe_key) do update
      set payload = outbox.payload || jsonb_build_object('held', (outbox.payload->>'held')::int + 1)
      where outbox.status = 'pending'
    returning (payload->>'held')::int as held`.execute(db)
  const count = rows[0]?.held
  if (count === undefined) {
    // The window's push already went (the quiet hours were changed meanwhile): send this one as usual.
    await enqueue(db, { channel: 'push', payload: payload as unknown as Record<string, unknown>, kind, recipientId: payload.personId, now })
  } else if (count > 1) {
    await db.updateTable('outbox').set({ payload: sql`payload || jsonb_build_object('body', ${t('notifications:quiet.pushBody', { count })}::text)` })
      .where('dedupe_key', '=', key).execute()
  }
}
