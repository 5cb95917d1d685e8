import { sql, type RawBuilder } from 'kysely'
import { enqueue } from './outbox.js'
import type { Executor } from '../db/index.js'
import type { PushPayload } from './push.js'
import { translator } from '../web/i18n.js'

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
    .select(['s.id', 's.person_id', 's.endpoint', 's.p256dh', 's.auth', 'p.locale'])
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
    await enqueue(db, { channel: 'push', payload: payload as unknown as Record<string, unknown>, kind: `push:${n.area}`, recipientId: s.person_id, now: n.now })
  }
}

/** The bell's count as an SQL expression (the frame reads the bar's counts in one statement). */
export function unreadNotificationsSql(personId: number | RawBuilder<number>) {
  return sql<number>`select count(*) from notifications where recipient_id = ${personId} and read_at is null`
}

