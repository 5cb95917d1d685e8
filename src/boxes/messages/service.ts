import type { Db } from '../../db/index.js'
import type { FieldErrors } from '../../web/forms.js'
import { translator, type Locale } from '../../web/i18n.js'
import { enqueue } from '../../notify/outbox.js'
import type { Executor } from '../../db/index.js'
import { createNotifications } from '../../notify/notifications.js'
import { childForActor, fullName, isStaff, type Actor, type Child } from '../../people/service.js'
import * as q from './queries.js'

/** What the services need besides the database: the moment, and the public URL for e-mailed links. */
export interface MessageContext { now: Date; baseUrl: string }

/** The conversation does not exist for this person (answered 404, whatever the reason). */
export class ConversationNotFound extends Error {}
/** The person's role may not do this (answered 403). */
export class NotAllowed extends Error {}

export interface InboxItem {
  id: number
  title: string
  href: string
  childName: string
  counterparts: string
  lastAuthor: string
  lastMessageAt: Date
  unread: number
}
export interface InboxView {
  items: InboxItem[]
  page: number
  hasNext: boolean
  /** For guardians with several children: unread messages about the other children. */
  elsewhere: { childId: number; name: string; unread: number; href: string }[]
}

export interface StaffOption { id: number; name: string; duties: { duty: string; group: string }[] }

export interface ConversationView {
  id: number
  title: string
  childId: number
  childName: string
  participants: { name: string; side: 'family' | 'staff'; me: boolean }[]
  messages: { id: number; author: string; mine: boolean; staff: boolean; at: Date; body: string }[]
  /** The page with the messages before these, when there are any. */
  olderHref: string | null
  /** Where the reply form posts. */
  replyAction: string
  /** Opening it marked unread messages read (the bar's count changed). */
  markedRead: boolean
}

export type WriteResult =
  | { ok: true; conversationId: number; duplicate: boolean }
  | { ok: false; errors: FieldErrors }

/** The page a conversation lives on for this person. */
export function conversationHref(viewer: { role: Actor['role'] }, childId: number, conversationId: number): string {
  return viewer.role === 'staff' || viewer.role === 'admin'
    ? `/staff/messages/${conversationId}`
    : `/children/${childId}/messages/${conversationId}`
}

const familyHref = (childId: number, conversationId: number) => `/children/${childId}/messages/${conversationId}`

/**
 * The actor's conversations, one page. For guardians and pupils about one child; for
 * staff across all the children they work with (child omitted). A constant number of
 * statements, however many conversations there are.
 */
export async function inbox(db: Db, actor: Actor, child: Child | null, page = 1): Promise<InboxView> {
  const { rows, unread } = await q.inboxWithUnread(db, actor, { childId: child?.id, page, unreadByChild: Boolean(child) && actor.role === 'guardian' })
  const items = rows.slice(0, q.INBOX_PAGE_SIZE).map((r) => ({
    id: r.id,
    title: r.title,
    href: conversationHref(actor, r.child_id, r.id),
    childName: `${r.child_given} ${r.child_family}`,
    counterparts: r.counterparts ?? '',
    lastAuthor: r.last_author ?? '',
    lastMessageAt: new Date(r.last_message_at),
    unread: r.unread_count,
  }))
  const elsewhere = unread
    .filter((u) => u.child_id !== child?.id)
    .map((u) => ({ childId: u.child_id, name: fullName(u), unread: Number(u.n), href: `/children/${u.child_id}/messages` }))
  return { items, page, hasNext: rows.length > q.INBOX_PAGE_SIZE, elsewhere }
}

/**
 * Opens a conversation: only for a participant who may still see the child (a guardian
 * of it, the pupil themself, staff of its unit). Reading marks it read for this person.
 * With `childId`, a conversation about another child is not found (the URL names the child).
 */
export async function openConversation(
  db: Db, actor: Actor, conversationId: number, now: Date, opts: { childId?: number; beforeId?: number } = {},
): Promise<ConversationView> {
  const head = await q.conversationPage(db, actor, conversationId, opts.beforeId)
  if (!head || (opts.childId !== undefined && head.child_id !== opts.childId)) throw new ConversationNotFound()
  const href = conversationHref(actor, head.child_id, head.id)
  // Mark first, then read: a message arriving in between is shown and stays counted, never lost.
  // With nothing unread, the page's messages came with the header.
  const markedRead = head.unread_count > 0
  if (markedRead) await q.markRead(db, actor.id, head.id, href, now)
  const page = markedRead || !head.messages ? await q.messagesOf(db, head.id, opts.beforeId) : q.messagePage(head.messages)
  const participants = head.participants
  const messages = page.rows
  return {
    id: head.id,
    title: head.title,
    childId: head.child_id,
    childName: `${head.child_given} ${head.child_family}`,
    participants: participants.map((p) => ({ name: fullName(p), side: p.side, me: p.person_id === actor.id })),
    messages: messages.map((m) => ({
      id: m.id,
      author: fullName(m),
      mine: m.author_id === actor.id,
      staff: m.role === 'staff' || m.role === 'admin',
      // Read through JSON (with the header) the time is a string.
      at: new Date(m.created_at),
      body: m.body,
    })),
    olderHref: page.hasOlder && messages[0] ? `${href}?before=${messages[0].id}` : null,
    replyAction: `${href}/replies`,
    markedRead,
  }
}

/** Staff a guardian or pupil may write to about the child: those with a duty in the child's groups first. */
export async function recipientOptions(db: Db, child: Child): Promise<StaffOption[]> {
  const rows = await q.staffForChild(db, child)
  const options = rows.map((r) => ({
    id: r.id,
    name: fullName(r),
    duties: (r.duties ?? '').split('|').filter(Boolean).map((d) => {
      const i = d.indexOf(':')
      return { duty: d.slice(0, i), group: d.slice(i + 1) }
    }),
  }))
  return [...options.filter((o) => o.duties.length), ...options.filter((o) => !o.duties.length)]
}

/** Parses recipient ids from the form; anything that is not a positive integer makes the list invalid. */
export function parseIds(values: string[]): number[] | null {
  const ids: number[] = []
  for (const v of values) {
    if (!/^\d{1,9}$/.test(v)) return null
    ids.push(Number(v))
  }
  return [...new Set(ids)]
}

/**
 * A guardian or pupil starts a conversation about the child with one or more staff
 * connected to the child. Any recipient outside that set refuses the whole message
 * (never silently dropped). The same idempotency key returns the first conversation.
 */
export async function startConversation(
  db: Db, actor: Actor, child: Child,
  input: { recipientIds: number[]; title: string; body: string; key: string | null },
  ctx: MessageContext,
): Promise<WriteResult> {
  if (actor.role !== 'guardian' && actor.role !== 'pupil') throw new NotAllowed()
  // The route loaded the child for this actor; the rule is checked here again.
  const allowedChild = await childForActor(db, actor, child.id)
  if (!allowedChild) throw new ConversationNotFound()
  if (input.recipientIds.length === 0) return { ok: false, errors: { to: { key: 'messages:errors.noRecipient' } } }
  const allowed = new Set((await q.staffForChild(db, allowedChild)).map((s) => s.id))
  if (input.recipientIds.some((id) => !allowed.has(id))) return { ok: false, errors: { to: { key: 'messages:errors.recipientNotAllowed' } } }

  return db.transaction().execute(async (trx) => {
    const conversationId = await q.insertConversation(trx, { childId: child.id, title: input.title, createdBy: actor.id, now: ctx.now, key: input.key })
    if (conversationId === null) {
      const existing = await q.conversationByKey(trx, actor.id, input.key!)
      return { ok: true as const, conversationId: existing!.id, duplicate: true }
    }
    await q.insertParticipants(trx, conversationId, [
      { personId: actor.id, side: 'family' },
      ...input.recipientIds.map((id) => ({ personId: id, side: 'staff' as const })),
    ], actor.id, ctx.now)
    const messageId = (await q.insertMessage(trx, { conversationId, authorId: actor.id, body: input.body, now: ctx.now, key: null }))!
    await notifyOthers(trx, { conversationId, childId: child.id, messageId, author: actor }, ctx)
    return { ok: true as const, conversationId, duplicate: false }
  })
}

/** Svara: a participant who may still see the child answers; everyone else is told. */
export async function replyToConversation(
  db: Db, actor: Actor, conversationId: number,
  input: { body: string; key: string | null },
  ctx: MessageContext, opts: { childId?: number } = {},
): Promise<WriteResult> {
  const head = await q.conversationForActor(db, actor, conversationId)
  if (!head || (opts.childId !== undefined && head.child_id !== opts.childId)) throw new ConversationNotFound()
  return db.transaction().execute(async (trx) => {
    const messageId = await q.insertMessage(trx, { conversationId, authorId: actor.id, body: input.body, now: ctx.now, key: input.key })
    if (messageId === null) return { ok: true as const, conversationId, duplicate: true }
    await q.bumpAfterReply(trx, conversationId, actor.id, ctx.now)
    await notifyOthers(trx, { conversationId, childId: head.child_id, messageId, author: actor }, ctx)
    return { ok: true as const, conversationId, duplicate: false }
  })
}

/** Who staff can write to: groups of their units (own groups first) and the children of their own groups. */
export async function staffTargets(db: Db, actor: Actor, preselectChild?: Child | null) {
  if (!isStaff(actor)) throw new NotAllowed()
  const [groups, children] = await Promise.all([q.writableGroups(db, actor), q.childrenOfStaffGroups(db, actor)])
  const childOptions = children.map((c) => ({ value: `child:${c.id}`, name: fullName(c) }))
  if (preselectChild && !childOptions.some((c) => c.value === `child:${preselectChild.id}`)) {
    childOptions.unshift({ value: `child:${preselectChild.id}`, name: fullName(preselectChild) })
  }
  const sorted = [...groups.filter((g) => g.mine), ...groups.filter((g) => !g.mine)]
  return {
    groups: sorted.map((g) => ({ value: `group:${g.id}`, name: g.name, unit: g.unit_name })),
    children: childOptions,
  }
}

/**
 * Staff write to the guardians of one child, or of every child in a group: one
 * conversation per family (child), each guardian notified. Staff may only reach
 * children and groups of their own units (admins: all).
 */
export async function staffStartConversations(
  db: Db, actor: Actor,
  input: { target: string; title: string; body: string; key: string | null },
  ctx: MessageContext,
): Promise<{ ok: true; conversationIds: number[]; created: number; childId: number | null } | { ok: false; errors: FieldErrors }> {
  if (!isStaff(actor)) throw new NotAllowed()
  const m = /^(child|group):(\d{1,9})$/.exec(input.target)
  if (!m) return { ok: false, errors: { to: { key: 'messages:errors.noTarget' } } }
  const id = Number(m[2])
  let families: { childId: number; guardianIds: number[] }[]
  if (m[1] === 'child') {
    const child = await childForActor(db, actor, id)
    if (!child) return { ok: false, errors: { to: { key: 'messages:errors.targetNotAllowed' } } }
    families = [{ childId: child.id, guardianIds: (await q.guardiansOf(db, child.id)).map((g) => g.id) }]
  } else {
    const group = await q.groupById(db, id)
    const units = actor.role === 'admin' ? null : new Set((await q.staffUnitIds(db, actor.id)).map((u) => u.unit_id))
    if (!group || (units && !units.has(group.unit_id))) return { ok: false, errors: { to: { key: 'messages:errors.targetNotAllowed' } } }
    const byChild = new Map<number, number[]>()
    for (const r of await q.familiesOfGroup(db, group.id)) byChild.set(r.child_id, [...(byChild.get(r.child_id) ?? []), r.guardian_id])
    families = [...byChild].map(([childId, guardianIds]) => ({ childId, guardianIds }))
  }
  families = families.filter((f) => f.guardianIds.length > 0)
  if (families.length === 0) return { ok: false, errors: { to: { key: 'messages:errors.noGuardians' } } }

  return db.transaction().execute(async (trx) => {
    const ids: number[] = []
    let created = 0
    for (const f of families) {
      // One key per family, so a double submit of a group message finds every conversation it made.
      const key = input.key ? `${input.key}:${f.childId}` : null
      const conversationId = await q.insertConversation(trx, { childId: f.childId, title: input.title, createdBy: actor.id, now: ctx.now, key })
      if (conversationId === null) {
        ids.push((await q.conversationByKey(trx, actor.id, key!))!.id)
        continue
      }
      await q.insertParticipants(trx, conversationId, [
        { personId: actor.id, side: 'staff' },
        ...f.guardianIds.map((g) => ({ personId: g, side: 'family' as const })),
      ], actor.id, ctx.now)
      const messageId = (await q.insertMessage(trx, { conversationId, authorId: actor.id, body: input.body, now: ctx.now, key: null }))!
      await notifyOthers(trx, { conversationId, childId: f.childId, messageId, author: actor }, ctx)
      ids.push(conversationId)
      created++
    }
    return { ok: true as const, conversationIds: ids, created, childId: m[1] === 'child' ? id : null }
  })
}

/**
 * In the writing transaction: staff participants get an e-mail notice (a link, never the
 * content); guardians and pupils get a bell entry (and push, when they turned it on).
 */
async function notifyOthers(
  trx: Executor,
  m: { conversationId: number; childId: number; messageId: number; author: Actor },
  ctx: MessageContext,
): Promise<void> {
  const participants = await q.participantsOf(trx, m.conversationId)
  const others = participants.filter((p) => p.person_id !== m.author.id)
  const family = others.filter((p) => p.side === 'family').map((p) => p.person_id)
  if (family.length) {
    await createNotifications(trx, {
      recipientIds: family,
      childId: m.childId,
      area: 'messages',
      kind: 'messageReceived',
      params: { from: fullName(m.author) },
      link: familyHref(m.childId, m.conversationId),
      now: ctx.now,
    })
  }
  for (const s of others.filter((p) => p.side === 'staff' && p.email)) {
    const t = translator(s.locale as Locale)
    const link = `${ctx.baseUrl}/staff/messages/${m.conversationId}`
    await enqueue(trx, {
      channel: 'email',
      payload: { to: s.email!, subject: t('messages:email.subject'), text: t('messages:email.body', { name: s.given_name, link }) },
      dedupeKey: `message:${m.messageId}:to:${s.person_id}`,
      kind: 'message',
      recipientId: s.person_id,
      now: ctx.now,
    })
  }
}
