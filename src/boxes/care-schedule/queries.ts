import { sql } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { Db } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'
import type { IsoDate } from '../../clock.js'

/**
 * All SQL of the care-schedule box. Every function takes `db` or a transaction, and
 * every read of a child's data names the child in its WHERE clause.
 */

/** A child "in care": a preschool child, or a school child enrolled in fritids. */
const IN_CARE = sql<boolean>`(u.kind = 'preschool' or (u.has_fritids and c.in_fritids))`

export interface CareContextRow {
  given_name: string
  opens_at: string
  closes_at: string
  is_guardian: boolean
}

/**
 * The unit's opening hours for the child, and whether the actor is the child's guardian.
 * With `lock`, the child's row is locked for the transaction, so two guardians saving at
 * the same moment are applied one after the other.
 */
export async function careContext(db: Db, childId: number, actorId: number, opts: { lock?: boolean } = {}): Promise<CareContextRow | undefined> {
  let q = db
    .selectFrom('persons as c')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select((eb) => [
      'c.given_name', 'u.opens_at', 'u.closes_at',
      eb.exists(eb.selectFrom('guardianships as g').select('g.child_id').whereRef('g.child_id', '=', 'c.id').where('g.guardian_id', '=', actorId)).as('is_guardian'),
    ])
    .where('c.id', '=', childId)
    .where('c.role', '=', 'child')
    .where(IN_CARE)
  if (opts.lock) q = q.forNoKeyUpdate('c')
  return q.executeTakeFirst() as Promise<CareContextRow | undefined>
}

export interface SiblingInCareRow { id: number; given_name: string; unit_name: string; unit_kind: 'school' | 'preschool'; opens_at: string; closes_at: string }

/**
 * The week form's context in one statement: the child's unit's opening hours, and the
 * guardian's other children in care (fritids or preschool) with their own unit's hours,
 * where the week can be copied to (issue 18).
 */
export async function weekFormContext(db: Db, unitId: number, guardianId: number, childId: number):
  Promise<{ opens_at: string; closes_at: string; siblings: SiblingInCareRow[] } | undefined> {
  const row = await db
    .selectFrom('units as home')
    .select((eb) => [
      'home.opens_at', 'home.closes_at',
      jsonArrayFrom(eb
        .selectFrom('guardianships as g')
        .innerJoin('persons as c', 'c.id', 'g.child_id')
        .innerJoin('units as u', 'u.id', 'c.unit_id')
        .select(['c.id', 'c.given_name', 'u.name as unit_name', 'u.kind as unit_kind', 'u.opens_at', 'u.closes_at'])
        .where('g.guardian_id', '=', guardianId)
        .where('c.id', '<>', childId)
        .where('c.role', '=', 'child')
        .where(IN_CARE)
        .orderBy('c.given_name')
        .orderBy('c.id')).as('siblings'),
    ])
    .where('home.id', '=', unitId)
    .executeTakeFirst()
  return row as { opens_at: string; closes_at: string; siblings: SiblingInCareRow[] } | undefined
}

export async function unitHours(db: Db, unitId: number): Promise<{ opens_at: string; closes_at: string } | undefined> {
  return db.selectFrom('units').select(['opens_at', 'closes_at']).where('id', '=', unitId).executeTakeFirst()
}

export interface DaySummaryRow { day: IsoDate; starts_at: string; ends_at: string; has_comment: boolean }

export async function daysInRange(db: Db, childId: number, from: IsoDate, to: IsoDate): Promise<DaySummaryRow[]> {
  return (await daysStatement(db, childId, from, to)).rows
}

/** The week page's statement, compiled once. */
const daysStatement = compiledOnce((db: Db, childId: number, from: IsoDate, to: IsoDate) => db
  .selectFrom('care_days')
  .select(['day', 'starts_at', 'ends_at', sql<boolean>`comment is not null`.as('has_comment')])
  .where('child_id', '=', childId)
  .where('day', '>=', from)
  .where('day', '<=', to)
  .orderBy('day'), 3)

/** The child's first registered day from a date (the tile, the family page, "Att göra": compiled once). */
const nextRegisteredDayStatement = compiledOnce((db: Db, childId: number, from: IsoDate) => db
  .selectFrom('care_days')
  .select(['day', 'starts_at', 'ends_at', sql<boolean>`comment is not null`.as('has_comment')])
  .where('child_id', '=', childId)
  .where('day', '>=', from)
  .orderBy('day')
  .limit(1), 2)

export async function nextRegisteredDay(db: Db, childId: number, from: IsoDate) {
  return (await nextRegisteredDayStatement(db, childId, from)).rows[0]
}

/** The latest week before `monday` that has registrations (to fill a new week from). */
export async function lastRegisteredDayBefore(db: Db, childId: number, before: IsoDate): Promise<IsoDate | null> {
  const row = await db
    .selectFrom('care_days')
    .select('day')
    .where('child_id', '=', childId)
    .where('day', '<', before)
    .orderBy('day', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.day ?? null
}

export interface DayDetailRow {
  starts_at: string | null
  ends_at: string | null
  comment: string | null
  comment_seen_at: Date | null
  updated_at: Date | null
  updater_given: string | null
  updater_family: string | null
  staff_comment: string | null
  staff_comment_at: Date | null
  staff_given: string | null
  staff_family: string | null
}

/** One child's day: the times, both comments and who last changed it, in one statement. */
export async function dayDetail(db: Db, childId: number, day: IsoDate): Promise<DayDetailRow> {
  const { rows } = await sql<DayDetailRow>`
    select d.starts_at, d.ends_at, d.comment, d.comment_seen_at, d.updated_at,
           up.given_name as updater_given, up.family_name as updater_family,
           sc.body as staff_comment, sc.updated_at as staff_comment_at,
           au.given_name as staff_given, au.family_name as staff_family
    from (select ${childId}::integer as child_id, ${day}::date as day) k
    left join care_days d on d.child_id = k.child_id and d.day = k.day
    left join persons up on up.id = d.updated_by
    left join care_staff_comments sc on sc.child_id = k.child_id and sc.day = k.day
    left join persons au on au.id = sc.author_id`.execute(db)
  return rows[0]!
}

export interface DayLogRow {
  action: 'set' | 'removed'
  starts_at: string | null
  ends_at: string | null
  comment: string | null
  changed_at: Date
  given_name: string | null
  family_name: string | null
}

export async function dayLog(db: Db, childId: number, day: IsoDate, limit = 10): Promise<DayLogRow[]> {
  return db
    .selectFrom('care_day_log as l')
    .leftJoin('persons as p', 'p.id', 'l.changed_by')
    .select(['l.action', 'l.starts_at', 'l.ends_at', 'l.comment', 'l.changed_at', 'p.given_name', 'p.family_name'])
    .where('l.child_id', '=', childId)
    .where('l.day', '=', day)
    .orderBy('l.id', 'desc')
    .limit(limit)
    .execute()
}

/** A day to write: times, or null times to remove the day. */
export interface DayWrite { day: IsoDate; start: string | null; end: string | null }

export interface WrittenDay { day: IsoDate; action: 'set' | 'removed' }

/**
 * Writes many days of one child in a single statement (a week, or a year of repeated
 * weeks): days with times are inserted or updated (comments stay), days without times
 * are removed, and every real change is logged with who and when. Days on or before
 * `today` are never touched, whatever the caller passed. Unchanged days are not
 * rewritten, so saving the same week twice changes nothing and logs nothing.
 */
export async function writeDays(db: Db, p: { childId: number; actorId: number; now: Date; today: IsoDate; days: DayWrite[] }): Promise<WrittenDay[]> {
  if (!p.days.length) return []
  const input = JSON.stringify(p.days.map((d) => ({ day: d.day, starts_at: d.start, ends_at: d.end })))
  const { rows } = await sql<WrittenDay>`
    with input as (
      select x.day, x.starts_at, x.ends_at
      from jsonb_to_recordset(${input}::jsonb) as x(day date, starts_at time, ends_at time)
      where x.day > ${p.today}::date
    ),
    upserted as (
      insert into care_days as d (child_id, day, starts_at, ends_at, updated_by, updated_at)
      select ${p.childId}::integer, i.day, i.starts_at, i.ends_at, ${p.actorId}::integer, ${p.now}::timestamptz
      from input i where i.starts_at is not null and i.ends_at is not null
      order by i.day
      on conflict (child_id, day) do update
        set starts_at = excluded.starts_at, ends_at = excluded.ends_at,
            updated_by = excluded.updated_by, updated_at = excluded.updated_at
        where (d.starts_at, d.ends_at) is distinct from (excluded.starts_at, excluded.ends_at)
      returning d.day, d.starts_at, d.ends_at, d.comment
    ),
    removed as (
      delete from care_days d using input i
      where d.child_id = ${p.childId}::integer and d.day = i.day and i.starts_at is null
      returning d.day
    ),
    logged as (
      insert into care_day_log (child_id, day, action, starts_at, ends_at, comment, changed_by, changed_at)
      select ${p.childId}::integer, day, 'set', starts_at, ends_at, comment, ${p.actorId}::integer, ${p.now}::timestamptz from upserted
      union all
      select ${p.childId}::integer, day, 'removed', null, null, null, ${p.actorId}::integer, ${p.now}::timestamptz from removed
      returning day, action
    )
    select to_char(day, 'YYYY-MM-DD') as day, action from logged order by day`.execute(db)
  return rows
}

/**
 * Writes one day with its comment (or removes it) in a single statement, and logs the
 * change. A changed comment becomes "new" for staff again.
 */
export async function writeDay(db: Db, p: {
  childId: number; actorId: number; now: Date; today: IsoDate; day: IsoDate
  start: string | null; end: string | null; comment: string | null
}): Promise<WrittenDay[]> {
  if (p.start === null || p.end === null) return writeDays(db, { ...p, days: [{ day: p.day, start: null, end: null }] })
  const { rows } = await sql<WrittenDay>`
    with upserted as (
      insert into care_days as d (child_id, day, starts_at, ends_at, comment, comment_changed_at, comment_seen_at, updated_by, updated_at)
      select ${p.childId}::integer, ${p.day}::date, ${p.start}::time, ${p.end}::time, ${p.comment}::text,
             case when ${p.comment}::text is null then null else ${p.now}::timestamptz end, null,
             ${p.actorId}::integer, ${p.now}::timestamptz
      where ${p.day}::date > ${p.today}::date
      on conflict (child_id, day) do update
        set starts_at = excluded.starts_at, ends_at = excluded.ends_at, comment = excluded.comment,
            comment_changed_at = case when d.comment is distinct from excluded.comment then excluded.comment_changed_at else d.comment_changed_at end,
            comment_seen_at = case when d.comment is distinct from excluded.comment then null else d.comment_seen_at end,
            updated_by = excluded.updated_by, updated_at = excluded.updated_at
        where (d.starts_at, d.ends_at, d.comment) is distinct from (excluded.starts_at, excluded.ends_at, excluded.comment)
      returning d.day, d.starts_at, d.ends_at, d.comment
    ),
    logged as (
      insert into care_day_log (child_id, day, action, starts_at, ends_at, comment, changed_by, changed_at)
      select ${p.childId}::integer, day, 'set', starts_at, ends_at, comment, ${p.actorId}::integer, ${p.now}::timestamptz from upserted
      returning day, action
    )
    select to_char(day, 'YYYY-MM-DD') as day, action from logged`.execute(db)
  return rows
}

// ---- Staff side ----

export interface CareGroupRow {
  id: number
  name: string
  unit_id: number
  unit_name: string
  unit_kind: 'school' | 'preschool'
  opens_at: string
  closes_at: string
  own: boolean
  unseen: number
}

/**
 * The groups where care happens (fritids groups, preschool departments) in the staff
 * member's units (admins: every unit), with the number of comments staff have not opened.
 */
export async function careGroupsForStaff(db: Db, actor: { id: number; role: string }, from: IsoDate, groupId?: number): Promise<CareGroupRow[]> {
  let q = db
    .selectFrom('groups as g')
    .innerJoin('units as u', 'u.id', 'g.unit_id')
    .select((eb) => [
      'g.id', 'g.name', 'g.unit_id', 'u.name as unit_name', 'u.kind as unit_kind', 'u.opens_at', 'u.closes_at',
      eb.exists(eb.selectFrom('staff_groups as sg').select('sg.group_id').whereRef('sg.group_id', '=', 'g.id').where('sg.staff_id', '=', actor.id)).as('own'),
      eb.selectFrom('care_days as d')
        .innerJoin('group_memberships as gm', 'gm.child_id', 'd.child_id')
        .select(sql<number>`count(*)::integer`.as('n'))
        .whereRef('gm.group_id', '=', 'g.id')
        .where('d.day', '>=', from)
        .where('d.comment', 'is not', null)
        .where('d.comment_seen_at', 'is', null)
        .as('unseen'),
    ])
    .where('g.kind', 'in', ['fritids', 'department'])
  if (actor.role !== 'admin') {
    q = q.where((eb) => eb.exists(eb.selectFrom('staff_units as su').select('su.unit_id').whereRef('su.unit_id', '=', 'g.unit_id').where('su.staff_id', '=', actor.id)))
  }
  if (groupId !== undefined) q = q.where('g.id', '=', groupId)
  const rows = await q.orderBy('u.name').orderBy('g.name').execute()
  return rows.map((r) => ({ ...r, own: Boolean(r.own), unseen: Number(r.unseen ?? 0) }))
}

export interface GroupDayRow {
  child_id: number
  given_name: string
  family_name: string
  day: IsoDate | null
  starts_at: string | null
  ends_at: string | null
  comment: string | null
  comment_new: boolean
  staff_comment: string | null
}

/**
 * The children in care of a group with their registered days in a range, and staff
 * comments, in one statement: one row per child and day that has times or a staff
 * comment, plus one row with day = null for a child with neither.
 */
export async function groupDays(db: Db, groupId: number, from: IsoDate, to: IsoDate): Promise<GroupDayRow[]> {
  const { rows } = await sql<GroupDayRow>`
    with kids as (
      select c.id, c.given_name, c.family_name
      from group_memberships gm
      join persons c on c.id = gm.child_id and c.role = 'child'
      join units u on u.id = c.unit_id
      where gm.group_id = ${groupId}::integer and ${IN_CARE}
    ),
    days as (
      select coalesce(d.child_id, sc.child_id) as child_id, coalesce(d.day, sc.day) as day,
             d.starts_at, d.ends_at, d.comment,
             (d.comment is not null and d.comment_seen_at is null) as comment_new,
             sc.body as staff_comment
      from (select * from care_days where child_id in (select id from kids) and day between ${from}::date and ${to}::date) d
      full join (select * from care_staff_comments where child_id in (select id from kids) and day between ${from}::date and ${to}::date) sc
        on sc.child_id = d.child_id and sc.day = d.day
    )
    select k.id as child_id, k.given_name, k.family_name, to_char(x.day, 'YYYY-MM-DD') as day,
           x.starts_at, x.ends_at, x.comment, coalesce(x.comment_new, false) as comment_new, x.staff_comment
    from kids k
    left join days x on x.child_id = k.id
    order by k.given_name, k.family_name, k.id, x.day`.execute(db)
  return rows
}

export async function markCommentSeen(db: Db, childId: number, day: IsoDate, now: Date): Promise<void> {
  await db
    .updateTable('care_days')
    .set({ comment_seen_at: now })
    .where('child_id', '=', childId)
    .where('day', '=', day)
    .where('comment', 'is not', null)
    .where('comment_seen_at', 'is', null)
    .execute()
}

export async function upsertStaffComment(db: Db, p: { childId: number; day: IsoDate; body: string | null; authorId: number; now: Date }): Promise<void> {
  if (p.body === null) {
    await db.deleteFrom('care_staff_comments').where('child_id', '=', p.childId).where('day', '=', p.day).execute()
    return
  }
  await db
    .insertInto('care_staff_comments')
    .values({ child_id: p.childId, day: p.day, body: p.body, author_id: p.authorId, updated_at: p.now })
    .onConflict((oc) => oc.columns(['child_id', 'day']).doUpdateSet((eb) => ({
      body: eb.ref('excluded.body'), author_id: eb.ref('excluded.author_id'), updated_at: eb.ref('excluded.updated_at'),
    })).where('care_staff_comments.body', 'is distinct from', (eb) => eb.ref('excluded.body')))
    .execute()
}
