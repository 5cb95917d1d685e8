// Messages on the family page and in "Att göra" (issue 18).
import { sql } from 'kysely'
import type { BoxContext, BoxSummary, TodoItem } from '../../web/box.js'
import { unreadAboutChild } from './queries.js'

/** The child's line on the family page: unread messages, or nothing. */
export async function messagesFamilyLine({ db, actor, child }: BoxContext): Promise<BoxSummary | null> {
  const n = Number((await unreadAboutChild(db, actor.id, child.id).executeTakeFirst())?.n ?? 0)
  return n ? { key: 'messages:summary.unread', params: { count: n } } : null
}

const TODO_MAX = 3

/**
 * "Att göra": conversations about the child with a message from staff the guardian has not
 * read (the newest three). Opening the conversation reads it, and the item is gone.
 */
export async function messagesTodo({ db, actor, child }: BoxContext): Promise<TodoItem[]> {
  if (actor.role !== 'guardian') return []
  const rows = await db.selectFrom('conversation_participants as cp')
    .innerJoin('conversations as c', 'c.id', 'cp.conversation_id')
    .select(['c.id', 'c.title'])
    .where('cp.person_id', '=', actor.id)
    .where('c.child_id', '=', child.id)
    .where('cp.unread_count', '>', 0)
    .where(sql<boolean>`exists (
      select 1 from messages m
      join conversation_participants sp on sp.conversation_id = m.conversation_id and sp.person_id = m.author_id and sp.side = 'staff'
      where m.conversation_id = c.id and (cp.last_read_at is null or m.created_at > cp.last_read_at))`)
    .orderBy('cp.last_message_at', 'desc')
    .limit(TODO_MAX)
    .execute()
  return rows.map((r) => ({
    id: `messages:${r.id}`,
    key: 'family:todo.messageUnread',
    params: { title: r.title },
    href: `/children/${child.id}/messages/${r.id}`,
  }))
}
