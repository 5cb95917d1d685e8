import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { sql, type ExpressionBuilder, type Expression, type SqlBool, type RawBuilder } from 'kysely'
import type { Database } from '../../db/types.js'
import { compiledOnce, compiledPerShape } from '../../db/compiled.js'
import type { Db, Executor } from '../../db/index.js'
import type { Actor } from '../../people/service.js'

/** Every SQL statement of the messages box. Each function takes the database or a transaction. */

type ConvEb = ExpressionBuilder<Database & { c: Database['conversations'] }, 'c'>

/**
 * The actor may still see the conversation's child (guardian of, the pupil themself, staff
 * of the child's unit). Combined with being a participant, this is the read rule.
 */
export function childAccess(eb: ConvEb, actor: Actor): Expression<SqlBool> {
  switch (actor.role) {
    case 'guardian':
      return eb.exists(eb.selectFrom('guardianships as ga').select('ga.child_id').whereRef('ga.child_id', '=', 'c.child_id').where('ga.guardian_id', '=', actor.id))
    case 'pupil':
      return eb('c.child_id', '=', actor.id)
    case 'staff':
      return eb.exists(eb.selectFrom('persons as ch').innerJoin('staff_units as su', 'su.unit_id', 'ch.unit_id')
        .select('ch.id').whereRef('ch.id', '=', 'c.child_id').where('su.staff_id', '=', actor.id))
    case 'admin':
      return sql<SqlBool>`true`
  }
}

export const INBOX_PAGE_SIZE = 25

/**
 * A page of the inbox and, for a guardian, the unread messages about each child (the inbox
 * points to the others), in one statement, compiled once per kind of reader (the role,
 * one child or all, with or without the unread counts). Through JSON: timestamps arrive as
 * ISO strings.
 */
export async function inboxWithUnread(db: Executor, actor: Actor, opts: { childId?: number; page: number; unreadByChild: boolean }) {
  const shape = { role: actor.role, oneChild: opts.childId !== undefined, unreadByChild: opts.unreadByChild }
  const { rows: [row] } = await inboxStatement(shape, db, actor.id, opts.childId ?? 0, (opts.page - 1) * INBOX_PAGE_SIZE)
  return row!
}

const inboxStatement = compiledPerShape(
  (s: { role: Actor['role']; oneChild: boolean; unreadByChild: boolean }) => `${s.role}:${s.oneChild}:${s.unreadByChild}`,
  (s, db, actorId: number, childId: number, offset: number) => db.selectNoFrom([
    jsonArrayFrom(inboxPage(db, { role: s.role, id: actorId } as Actor, { childId: s.oneChild ? childId : undefined, offset })).as('rows'),
    (s.unreadByChild ? jsonArrayFrom(unreadByChild(db, actorId)) : sql<never[]>`'[]'::json`).as('unread'),
  ]),
  3,
)

/**
 * One page of the actor's conversations, newest activity first: one statement whatever
 * the number of conversations (counterparts and the last writer are correlated subqueries).
 */
function inboxPage(db: Executor, actor: Actor, opts: { childId?: number; offset: number }) {
  let q = db.selectFrom('conversations as c')
    .innerJoin('conversation_participants as me', (j) => j.onRef('me.conversation_id', '=', 'c.id').on('me.person_id', '=', actor.id))
    .innerJoin('persons as ch', 'ch.id', 'c.child_id')
    .select(['c.id', 'c.title', 'c.child_id', 'c.last_message_at', 'me.unread_count', 'ch.given_name as child_given', 'ch.family_name as child_family'])
    .select([
      sql<string | null>`(select string_agg(p.given_name || ' ' || p.family_name, ', ' order by p.family_name, p.given_name)
        from conversation_participants op join persons p on p.id = op.person_id
        where op.conversation_id = c.id and op.person_id <> ${actor.id})`.as('counterparts'),
      sql<string | null>`(select p.given_name || ' ' || p.family_name from messages m join persons p on p.id = m.author_id
        where m.conversation_id = c.id order by m.id desc limit 1)`.as('last_author'),
    ])
    .where((eb) => childAccess(eb as unknown as ConvEb, actor))
  if (opts.childId !== undefined) q = q.where('c.child_id', '=', opts.childId)
  // The participant's copy of the time, in its index's order (migration 0102).
  return q.orderBy('me.last_message_at', 'desc').orderBy('me.conversation_id', 'desc')
    .limit(INBOX_PAGE_SIZE + 1).offset(opts.offset)
}

/** The conversation header, only when the actor takes part and may still see the child. */
function headQuery(db: Executor, actor: Actor, conversationId: number) {
  return db.selectFrom('conversations as c')
    .innerJoin('conversation_participants as me', (j) => j.onRef('me.conversation_id', '=', 'c.id').on('me.person_id', '=', actor.id))
    .innerJoin('persons as ch', 'ch.id', 'c.child_id')
    .select(['c.id', 'c.title', 'c.child_id', 'c.created_at', 'me.unread_count', 'me.side', 'ch.given_name as child_given', 'ch.family_name as child_family'])
    .where('c.id', '=', conversationId)
    .where((eb) => childAccess(eb as unknown as ConvEb, actor))
}

export function conversationForActor(db: Executor, actor: Actor, conversationId: number) {
  return headQuery(db, actor, conversationId).executeTakeFirst()
}

/**
 * A conversation page in one statement: the header (only for a participant who may see
 * the child), the participants, and, when nothing is unread for the actor, the page of
 * messages. With unread messages those are read after marking them read (messagesOf),
 * so that a message arriving in between stays unread. Through JSON: timestamps are strings.
 */
export async function conversationPage(db: Executor, actor: Actor, conversationId: number, beforeId?: number) {
  const shape = { role: actor.role, older: beforeId !== undefined }
  const { rows: [row] } = await conversationStatement(shape, db, actor.id, conversationId, beforeId ?? 0)
  return row
}

const conversationStatement = compiledPerShape(
  (s: { role: Actor['role']; older: boolean }) => `${s.role}:${s.older}`,
  (s, db, actorId: number, conversationId: number, beforeId: number) => {
    const id = sql.ref<number>('c.id')
    return headQuery(db, { role: s.role, id: actorId } as Actor, conversationId)
      .select([
        jsonArrayFrom(participantsQuery(db, id)).as('participants'),
        sql<MessageRow[] | null>`case when me.unread_count = 0 then ${jsonArrayFrom(messagesQuery(db, id, s.older ? beforeId : undefined))} end`.as('messages'),
      ])
  },
  3,
)

/** Messages shown at once on a conversation page; older ones are a link away. */
export const CONVERSATION_PAGE_SIZE = 30

/** One more than a page of messages, newest first (one more: to know whether older ones exist). */
function messagesQuery(db: Executor, conversationId: number | RawBuilder<number>, beforeId?: number) {
  let q = db.selectFrom('messages as m')
    .innerJoin('persons as p', 'p.id', 'm.author_id')
    .select(['m.id', 'm.author_id', 'm.body', 'm.created_at', 'p.given_name', 'p.family_name', 'p.role'])
    .where('m.conversation_id', '=', conversationId)
  if (beforeId !== undefined) q = q.where('m.id', '<', beforeId)
  return q.orderBy('m.id', 'desc').limit(CONVERSATION_PAGE_SIZE + 1)
}

type MessageRow = Awaited<ReturnType<ReturnType<typeof messagesQuery>['execute']>>[number]

/** Rows of messagesQuery as a page: oldest first, and whether older messages exist. */
export function messagePage<R>(rows: R[]): { rows: R[]; hasOlder: boolean } {
  return { rows: rows.slice(0, CONVERSATION_PAGE_SIZE).reverse(), hasOlder: rows.length > CONVERSATION_PAGE_SIZE }
}

/**
 * The newest messages of a conversation (before `beforeId` when given), oldest first.
 * One more than a page is read, to know whether older messages exist.
 */
export async function messagesOf(db: Executor, conversationId: number, beforeId?: number) {
  return messagePage(await messagesQuery(db, conversationId, beforeId).execute())
}

function participantsQuery(db: Executor, conversationId: number | RawBuilder<number>) {
  return db.selectFrom('conversation_participants as cp')
    .innerJoin('persons as p', 'p.id', 'cp.person_id')
    .select(['cp.person_id', 'cp.side', 'p.given_name', 'p.family_name', 'p.email', 'p.locale', 'p.role'])
    .where('cp.conversation_id', '=', conversationId)
    .orderBy('cp.side', 'desc').orderBy('p.family_name').orderBy('p.given_name')
}

export function participantsOf(db: Executor, conversationId: number) {
  return participantsQuery(db, conversationId).execute()
}

/** Reading: the actor's unread counter drops to zero, and the bell entries that point here are read (one statement). */
export async function markRead(db: Executor, personId: number, conversationId: number, link: string, now: Date) {
  await db
    .with('seen', (w) => w.updateTable('conversation_participants')
      .set({ unread_count: 0, last_read_at: now })
      .where('conversation_id', '=', conversationId).where('person_id', '=', personId))
    .updateTable('notifications')
    .set({ read_at: now })
    .where('recipient_id', '=', personId).where('link', '=', link).where('read_at', 'is', null)
    .execute()
}

/** Staff who may receive a message about the child: staff of its unit or of its groups, with an account. */
export function staffForChild(db: Executor, child: { id: number; unitId: number }) {
  return db.selectFrom('persons as p')
    .select(['p.id', 'p.given_name', 'p.family_name'])
    .select((eb) => [
      eb.selectFrom('staff_groups as sg')
        .innerJoin('group_memberships as gm', 'gm.group_id', 'sg.group_id')
        .innerJoin('groups as g', 'g.id', 'sg.group_id')
        .select(sql<string>`string_agg(sg.duty || ':' || g.name, '|' order by g.name)`.as('d'))
        .whereRef('sg.staff_id', '=', 'p.id').where('gm.child_id', '=', child.id)
        .as('duties'),
    ])
    .where('p.role', '=', 'staff')
    .where('p.username', 'is not', null)
    // From the child's unit and groups to their staff (not every staff member of the district
    // tested one by one: at district size that plan was costed high enough to be JIT-compiled).
    .where('p.id', 'in', (eb) => eb.selectFrom('staff_units as su').select('su.staff_id').where('su.unit_id', '=', child.unitId)
      .union(eb.selectFrom('staff_groups as sg').innerJoin('group_memberships as gm', 'gm.group_id', 'sg.group_id')
        .select('sg.staff_id').where('gm.child_id', '=', child.id)))
    .orderBy('p.family_name').orderBy('p.given_name').orderBy('p.id')
    .execute()
}

/** Guardians of a child, with what the notices need. */
export function guardiansOf(db: Executor, childId: number) {
  return db.selectFrom('guardianships as g').innerJoin('persons as p', 'p.id', 'g.guardian_id')
    .select(['p.id']).where('g.child_id', '=', childId).orderBy('p.id').execute()
}

/** Inserts a conversation unless this author already made one with this key (double submit): then null. */
export async function insertConversation(db: Executor, row: { childId: number; title: string; createdBy: number; now: Date; key: string | null }) {
  const inserted = await db.insertInto('conversations')
    .values({ child_id: row.childId, title: row.title, created_by: row.createdBy, created_at: row.now, last_message_at: row.now, idempotency_key: row.key })
    .onConflict((oc) => oc.columns(['created_by', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted?.id ?? null
}

export async function conversationByKey(db: Executor, createdBy: number, key: string) {
  const row = await db.selectFrom('conversations').select(['id', 'child_id']).where('created_by', '=', createdBy).where('idempotency_key', '=', key).executeTakeFirst()
  return row ?? null
}

export async function insertParticipants(db: Executor, conversationId: number, people: { personId: number; side: 'family' | 'staff' }[], authorId: number, now: Date) {
  await db.insertInto('conversation_participants').values(people.map((p) => ({
    conversation_id: conversationId,
    person_id: p.personId,
    side: p.side,
    unread_count: p.personId === authorId ? 0 : 1,
    last_read_at: p.personId === authorId ? now : null,
  }))).execute()
}

/** Inserts a message unless this author already sent one with this key: then null. */
export async function insertMessage(db: Executor, row: { conversationId: number; authorId: number; body: string; now: Date; key: string | null }) {
  const inserted = await db.insertInto('messages')
    .values({ conversation_id: row.conversationId, author_id: row.authorId, body: row.body, created_at: row.now, idempotency_key: row.key })
    .onConflict((oc) => oc.columns(['author_id', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted?.id ?? null
}

/** A reply: everyone else's counter goes up by one, the writer's is read. */
export async function bumpAfterReply(db: Executor, conversationId: number, authorId: number, now: Date) {
  await db.updateTable('conversations').set({ last_message_at: now }).where('id', '=', conversationId).execute()
  await db.updateTable('conversation_participants')
    .set((eb) => ({
      unread_count: sql`case when ${eb.ref('person_id')} = ${authorId} then 0 else ${eb.ref('unread_count')} + 1 end`,
      last_read_at: sql`case when ${eb.ref('person_id')} = ${authorId} then ${now}::timestamptz else ${eb.ref('last_read_at')} end`,
    }))
    .where('conversation_id', '=', conversationId)
    .execute()
}

/** The envelope's count as an SQL expression (the frame reads the bar's counts in one statement). */
export function unreadTotalSql(personId: number | RawBuilder<number>) {
  return sql<number>`select coalesce(sum(unread_count), 0) from conversation_participants where person_id = ${personId} and unread_count > 0`
}

/** The start page tile: unread messages about one child for the person (a query, read with the other tiles'). */
const unreadAboutChildStatement = compiledOnce((db: Db, personId: number, childId: number) => db.selectFrom('conversation_participants as cp')
  .innerJoin('conversations as c', 'c.id', 'cp.conversation_id')
  .select(sql<number>`coalesce(sum(cp.unread_count), 0)::integer`.as('n'))
  .where('cp.person_id', '=', personId).where('c.child_id', '=', childId).where('cp.unread_count', '>', 0), 2)

/**
 * "Att göra": conversations about the child with a message from staff the person has not
 * read, newest first (compiled once: it is read on every start page).
 */
const unreadFromStaffStatement = compiledOnce((db: Db, personId: number, childId: number, limit: number) => db.selectFrom('conversation_participants as cp')
  .innerJoin('conversations as c', 'c.id', 'cp.conversation_id')
  .select(['c.id', 'c.title'])
  .where('cp.person_id', '=', personId)
  .where('c.child_id', '=', childId)
  .where('cp.unread_count', '>', 0)
  .where(sql<boolean>`exists (
    select 1 from messages m
    join conversation_participants sp on sp.conversation_id = m.conversation_id and sp.person_id = m.author_id and sp.side = 'staff'
    where m.conversation_id = c.id and (cp.last_read_at is null or m.created_at > cp.last_read_at))`)
  .orderBy('cp.last_message_at', 'desc')
  .limit(limit), 3)

export async function unreadFromStaff(db: Executor, personId: number, childId: number, limit: number): Promise<{ id: number; title: string }[]> {
  return (await unreadFromStaffStatement(db, personId, childId, limit)).rows
}

/** Unread messages about one child for the person (the tile and the family page; compiled once). */
export async function unreadAboutChild(db: Executor, personId: number, childId: number): Promise<number> {
  const { rows: [row] } = await unreadAboutChildStatement(db, personId, childId)
  return Number(row?.n ?? 0)
}

/** Unread messages per child for the actor (the envelope counts all; the inbox points to the others). */
export function unreadByChild(db: Executor, personId: number) {
  return db.selectFrom('conversation_participants as cp')
    .innerJoin('conversations as c', 'c.id', 'cp.conversation_id')
    .innerJoin('persons as ch', 'ch.id', 'c.child_id')
    .select(['c.child_id', 'ch.given_name', 'ch.family_name', sql<number>`sum(cp.unread_count)`.as('n')])
    .where('cp.person_id', '=', personId).where('cp.unread_count', '>', 0)
    .groupBy(['c.child_id', 'ch.given_name', 'ch.family_name'])
    .orderBy('ch.given_name')
}

/** Groups a staff member may write to (admins: every group), their own groups first. */
export function writableGroups(db: Executor, actor: Actor) {
  let q = db.selectFrom('groups as g').innerJoin('units as u', 'u.id', 'g.unit_id')
    .select(['g.id', 'g.name', 'u.name as unit_name'])
    .select((eb) => eb.exists(eb.selectFrom('staff_groups as sg').select('sg.group_id').whereRef('sg.group_id', '=', 'g.id').where('sg.staff_id', '=', actor.id)).as('mine'))
  if (actor.role !== 'admin') {
    q = q.where((eb) => eb.exists(eb.selectFrom('staff_units as su').select('su.unit_id').whereRef('su.unit_id', '=', 'g.unit_id').where('su.staff_id', '=', actor.id)))
  }
  return q.orderBy('u.name').orderBy('g.name').execute()
}

/** Children of the staff member's own groups (the everyday choices), or of one group. */
export function childrenOfStaffGroups(db: Executor, actor: Actor) {
  return db.selectFrom('persons as c')
    .innerJoin('group_memberships as gm', 'gm.child_id', 'c.id')
    .innerJoin('staff_groups as sg', 'sg.group_id', 'gm.group_id')
    .select(['c.id', 'c.given_name', 'c.family_name'])
    .distinct()
    .where('sg.staff_id', '=', actor.id).where('c.role', '=', 'child')
    .orderBy('c.given_name').orderBy('c.family_name').orderBy('c.id')
    .execute()
}

/** Children of a group that have at least one guardian, with their guardians. */
export function familiesOfGroup(db: Executor, groupId: number) {
  return db.selectFrom('group_memberships as gm')
    .innerJoin('guardianships as g', 'g.child_id', 'gm.child_id')
    .select(['gm.child_id', 'g.guardian_id'])
    .where('gm.group_id', '=', groupId)
    .orderBy('gm.child_id').orderBy('g.guardian_id')
    .execute()
}

export function groupById(db: Executor, groupId: number) {
  return db.selectFrom('groups').select(['id', 'name', 'unit_id']).where('id', '=', groupId).executeTakeFirst()
}

export function staffUnitIds(db: Executor, staffId: number) {
  return db.selectFrom('staff_units').select('unit_id').where('staff_id', '=', staffId).execute()
}

export function personName(db: Executor, id: number) {
  return db.selectFrom('persons').select(['given_name', 'family_name']).where('id', '=', id).executeTakeFirst()
}
