import { fullName } from '../people/service.js'
import type { Db } from '../db/index.js'
import type { Actor } from '../people/service.js'

export const BELL_PAGE_SIZE = 100

export interface BellItem {
  id: number
  kind: string
  params: Record<string, string | number>
  area: string
  createdAt: Date
  unread: boolean
}
export interface BellGroup { childId: number | null; childName: string | null; items: BellItem[] }

/**
 * The bell page: the person's newest notifications, grouped per child (the child with the
 * newest notification first, newest first within each). One statement.
 */
export async function bellPage(db: Db, actor: Actor, page = 1): Promise<{ groups: BellGroup[]; hasNext: boolean; unread: number }> {
  const rows = await db.selectFrom('notifications as n')
    .leftJoin('persons as c', 'c.id', 'n.child_id')
    .select(['n.id', 'n.kind', 'n.params', 'n.area', 'n.created_at', 'n.read_at', 'n.child_id', 'c.given_name', 'c.family_name'])
    .where('n.recipient_id', '=', actor.id)
    .orderBy('n.created_at', 'desc').orderBy('n.id', 'desc')
    .limit(BELL_PAGE_SIZE + 1).offset((page - 1) * BELL_PAGE_SIZE)
    .execute()
  const groups = new Map<string, BellGroup>()
  let unread = 0
  for (const r of rows.slice(0, BELL_PAGE_SIZE)) {
    const key = String(r.child_id ?? 'general')
    let g = groups.get(key)
    if (!g) {
      g = { childId: r.child_id, childName: r.given_name ? fullName({ given_name: r.given_name, family_name: r.family_name ?? '' }) : null, items: [] }
      groups.set(key, g)
    }
    if (!r.read_at) unread++
    g.items.push({ id: r.id, kind: r.kind, params: r.params ?? {}, area: r.area, createdAt: r.created_at, unread: !r.read_at })
  }
  return { groups: [...groups.values()], hasNext: rows.length > BELL_PAGE_SIZE, unread }
}

/** Opens one of the person's notifications: marks it read and returns where it points (null: not theirs). */
export async function openNotification(db: Db, actor: Actor, id: number, now: Date): Promise<string | null> {
  const row = await db.updateTable('notifications')
    .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(now)) }))
    .where('id', '=', id).where('recipient_id', '=', actor.id)
    .returning('link')
    .executeTakeFirst()
  return row?.link ?? null
}

export async function markAllRead(db: Db, actor: Actor, now: Date): Promise<void> {
  await db.updateTable('notifications').set({ read_at: now })
    .where('recipient_id', '=', actor.id).where('read_at', 'is', null).execute()
}
