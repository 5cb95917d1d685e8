// Messages on the family page and in "Att göra" (issue 18).
import type { BoxContext, BoxSummary, TodoItem } from '../../web/box.js'
import { unreadAboutChild, unreadFromStaff } from './queries.js'

/** The child's line on the family page: unread messages, or nothing. */
export async function messagesFamilyLine({ db, actor, child }: BoxContext): Promise<BoxSummary | null> {
  const n = await unreadAboutChild(db, actor.id, child.id)
  return n ? { key: 'messages:summary.unread', params: { count: n } } : null
}

const TODO_MAX = 3

/**
 * "Att göra": conversations about the child with a message from staff the guardian has not
 * read (the newest three). Opening the conversation reads it, and the item is gone.
 */
export async function messagesTodo({ db, actor, child }: BoxContext): Promise<TodoItem[]> {
  if (actor.role !== 'guardian') return []
  const rows = await unreadFromStaff(db, actor.id, child.id, TODO_MAX)
  return rows.map((r) => ({
    id: `messages:${r.id}`,
    key: 'family:todo.messageUnread',
    params: { title: r.title },
    href: `/children/${child.id}/messages/${r.id}`,
  }))
}
