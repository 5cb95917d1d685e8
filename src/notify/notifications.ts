import type { Db } from '../db/index.js'
import type { Executor } from './outbox.js'

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

/** Creates bell entries in the caller's transaction. */
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
}

export async function unreadNotificationCount(db: Db, personId: number): Promise<number> {
  const row = await db.selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient_id', '=', personId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
