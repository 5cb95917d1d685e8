import { sql, type ExpressionBuilder } from 'kysely'
import type { Database } from '../../db/types.js'
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres'
import type { Db, Executor } from '../../db/index.js'
import { compiledOnce, compiledPerShape } from '../../db/compiled.js'
import { occurrences } from '../../people/lessons.js'
import type { IsoDate } from '../../clock.js'
import type { AbsenceReason, AttendanceStatus } from './tables.js'

export interface HistoryRow {
  source: 'guardian' | 'school'
  id: number
  date: IsoDate
  whole_day: boolean
  status: AttendanceStatus | null
  reason: AbsenceReason | null
  at: Date
  lessons: { subject: string; starts_at: string }[]
}

/** All SQL of the absence box. Every read of a child's data has the child's id in its WHERE. */
/** A report's lessons (id, subject, times) as a JSON array, for a query over `absence_reports as r`. */
function reportLessons(eb: ExpressionBuilder<Database & { r: Database['absence_reports'] }, 'r'>) {
  return jsonArrayFrom(eb.selectFrom('absence_report_lessons as rl')
    .innerJoin('timetable_lessons as l', 'l.id', 'rl.lesson_id')
    .select(['l.id', 'l.subject', 'l.starts_at', 'l.ends_at'])
    .whereRef('rl.report_id', '=', 'r.id')
    .orderBy('l.starts_at')).as('lessons')
}

function groupForStaffQuery(db: Executor, staff: { id: number; admin: boolean }, groupId: number) {
  let q = db.selectFrom('groups as g').innerJoin('units as u', 'u.id', 'g.unit_id')
    .select(['g.id', 'g.name', 'g.kind', 'u.id as unit_id', 'u.name as unit_name', 'u.kind as unit_kind'])
    .where('g.id', '=', groupId)
  if (!staff.admin) {
    q = q.where((eb) => eb.exists(eb.selectFrom('staff_units as su').select('su.unit_id')
      .whereRef('su.unit_id', '=', 'g.unit_id').where('su.staff_id', '=', staff.id)))
  }
  return q
}

/** Groups in the staff member's units, their own groups first. */
function groupsForStaffQuery(db: Executor, staff: { id: number; admin: boolean }) {
  let q = db.selectFrom('groups as g').innerJoin('units as u', 'u.id', 'g.unit_id')
    .select((eb) => ['g.id', 'g.name', 'g.kind', 'u.name as unit_name', 'u.kind as unit_kind',
      eb.exists(eb.selectFrom('staff_groups as sg').select('sg.group_id').whereRef('sg.group_id', '=', 'g.id').where('sg.staff_id', '=', staff.id)).as('mine')])
    .where('g.kind', '<>', 'fritids')
  if (!staff.admin) {
    q = q.where((eb) => eb.exists(eb.selectFrom('staff_units as su').select('su.unit_id')
      .whereRef('su.unit_id', '=', 'g.unit_id').where('su.staff_id', '=', staff.id)))
  }
  return q.orderBy(sql`2`).orderBy('u.name').orderBy('g.name')
}

function groupReportsQuery(db: Executor, groupId: number, date: IsoDate) {
  return db.selectFrom('absence_reports as r')
    .innerJoin('group_memberships as gm', 'gm.child_id', 'r.child_id')
    .innerJoin('persons as c', 'c.id', 'r.child_id')
    .leftJoin('persons as p', 'p.id', 'r.reported_by')
    .select((eb) => [
      'r.id', 'r.child_id', 'r.whole_day', 'r.reason', 'r.comment', 'r.created_at',
      'c.given_name', 'c.family_name', 'p.given_name as by_given', 'p.family_name as by_family',
      reportLessons(eb),
    ])
    .where('gm.group_id', '=', groupId)
    .where('r.date', '=', date)
    .orderBy('c.family_name').orderBy('c.given_name').orderBy('r.id')
}

function attendanceCountsQuery(db: Executor, groupId: number, date: IsoDate) {
  return db.selectFrom('lesson_attendance as a')
    .innerJoin('group_memberships as gm', (j) => j.onRef('gm.child_id', '=', 'a.child_id').on('gm.group_id', '=', groupId))
    .select((eb) => ['a.lesson_id',
      eb.fn.countAll<number>().as('registered'),
      eb.fn.count<number>('a.id').filterWhere('a.status', '<>', 'present').as('absent')])
    .where('a.date', '=', date)
    .groupBy('a.lesson_id')
}

/**
 * The staff's absence page in two statements, each built once: the groups to choose from
 * with the chosen group (only in the staff member's units), then the group's day (reports,
 * lessons, attendance counts). Through JSON: timestamps are strings.
 */
export const staffGroupsStatement = compiledPerShape(
  (s: { admin: boolean; chosen: boolean }) => `${s.admin}:${s.chosen}`,
  (s, db, staffId: number, groupId: number) => db.selectNoFrom([
    jsonArrayFrom(groupsForStaffQuery(db, { id: staffId, admin: s.admin })).as('groups'),
    (s.chosen ? jsonObjectFrom(groupForStaffQuery(db, { id: staffId, admin: s.admin }, groupId)) : sql<null>`null::json`).as('group'),
  ]),
  2,
)

export const staffGroupDayStatement = compiledPerShape(
  (school: boolean) => String(school),
  (school, db, groupId: number, date: IsoDate) => db.selectNoFrom([
    jsonArrayFrom(groupReportsQuery(db, groupId, date)).as('reports'),
    (school ? jsonArrayFrom(occurrences(db, { groupId }, date, date)) : sql<never[]>`'[]'::json`).as('lessons'),
    (school ? jsonArrayFrom(attendanceCountsQuery(db, groupId, date)) : sql<never[]>`'[]'::json`).as('counts'),
  ]),
  2,
)

/** The history page's statement (see history), compiled once. */
/** The tile: the latest date with a report or an absent registration (compiled once: every start page reads it). */
const latestDateStatement = compiledOnce((db: Db, childId: number) => db.selectNoFrom(sql<IsoDate | null>`greatest(
  (select max(r.date) from absence_reports r where r.child_id = ${childId}),
  (select max(a.date) from lesson_attendance a where a.child_id = ${childId} and a.status <> 'present'))`.as('date')), 1)

export async function latestAbsenceDate(db: Executor, childId: number): Promise<IsoDate | null> {
  return (await latestDateStatement(db, childId)).rows[0]?.date ?? null
}

const historyStatement = compiledOnce((db: Executor, childId: number, limit: number, offset: number) => {
  const reports = db.selectFrom('absence_reports as r')
    .select((eb) => [
      sql<'guardian' | 'school'>`'guardian'`.as('source'),
      'r.id', 'r.date', 'r.whole_day',
      sql<AttendanceStatus | null>`null::text`.as('status'),
      sql<AbsenceReason | null>`r.reason`.as('reason'),
      'r.created_at as at',
      jsonArrayFrom(eb.selectFrom('absence_report_lessons as rl')
        .innerJoin('timetable_lessons as l', 'l.id', 'rl.lesson_id')
        .select(['l.subject', 'l.starts_at'])
        .whereRef('rl.report_id', '=', 'r.id')
        .orderBy('l.starts_at')).as('lessons'),
    ])
    .where('r.child_id', '=', childId)
  const registrations = db.selectFrom('lesson_attendance as a')
    .innerJoin('timetable_lessons as l', 'l.id', 'a.lesson_id')
    .select([
      sql<'guardian' | 'school'>`'school'`.as('source'),
      'a.id', 'a.date',
      sql<boolean>`false`.as('whole_day'),
      sql<AttendanceStatus | null>`a.status`.as('status'),
      sql<AbsenceReason | null>`null::text`.as('reason'),
      'a.registered_at as at',
      sql<{ subject: string; starts_at: string }[]>`json_build_array(json_build_object('subject', l.subject, 'starts_at', l.starts_at))`.as('lessons'),
    ])
    .where('a.child_id', '=', childId)
    .where('a.status', '<>', 'present')
  return db.selectFrom(reports.unionAll(registrations).as('h'))
    .selectAll()
    .orderBy('h.date', 'desc').orderBy('h.at', 'desc').orderBy('h.id', 'desc')
    .limit(limit).offset(offset)
}, 3)

export function absenceQueries(db: Executor) {
  return Object.freeze({
    /** Serializes writes about one child (double submits, both guardians, two teachers). */
    async lockChildren(childIds: number[]): Promise<void> {
      if (childIds.length === 0) return
      await db.selectFrom('persons').select('id').where('id', 'in', childIds).orderBy('id').forNoKeyUpdate().execute()
    },

    /**
     * Locks the child's row (reports for one child are written one at a time) if the person
     * is its guardian; false (and nothing locked) otherwise. One statement.
     */
    async lockChildOfGuardian(guardianId: number, childId: number): Promise<boolean> {
      const row = await db.selectFrom('persons as c')
        .innerJoin('guardianships as g', (j) => j.onRef('g.child_id', '=', 'c.id').on('g.guardian_id', '=', guardianId))
        .select('c.id')
        .where('c.id', '=', childId)
        .forNoKeyUpdate('c')
        .executeTakeFirst()
      return Boolean(row)
    },

    /** What is already reported for a child's day: a whole-day report and reported lessons. */
    async reportedOn(childId: number, date: IsoDate) {
      const rows = await db.selectFrom('absence_reports as r')
        .leftJoin('absence_report_lessons as rl', 'rl.report_id', 'r.id')
        .select(['r.id', 'r.whole_day', 'rl.lesson_id'])
        .where('r.child_id', '=', childId)
        .where('r.date', '=', date)
        .orderBy('r.id')
        .execute()
      const wholeDay = rows.find((r) => r.whole_day)?.id ?? null
      const lessons = new Map<number, number>()
      for (const r of rows) if (r.lesson_id !== null && !lessons.has(r.lesson_id)) lessons.set(r.lesson_id, r.id)
      return { wholeDay, lessons }
    },

    /** Inserts a report; null when a whole-day report for that day won the race. */
    async insertReport(v: { childId: number; date: IsoDate; wholeDay: boolean; reason: AbsenceReason; comment: string; reportedBy: number; now: Date }): Promise<number | null> {
      const row = await db.insertInto('absence_reports')
        .values({ child_id: v.childId, date: v.date, whole_day: v.wholeDay, reason: v.reason, comment: v.comment, reported_by: v.reportedBy, created_at: v.now })
        // The index's own predicate, not a parameter: a prepared statement's generic plan cannot infer the index from `whole_day = $1`.
        .onConflict((oc) => oc.columns(['child_id', 'date']).where(sql<boolean>`whole_day`).doNothing())
        .returning('id')
        .executeTakeFirst()
      return row?.id ?? null
    },

    async insertReportLessons(reportId: number, childId: number, date: IsoDate, lessonIds: number[]): Promise<number[]> {
      if (lessonIds.length === 0) return []
      const rows = await db.insertInto('absence_report_lessons')
        .values(lessonIds.map((lesson_id) => ({ report_id: reportId, child_id: childId, date, lesson_id })))
        .onConflict((oc) => oc.columns(['child_id', 'date', 'lesson_id']).doNothing())
        .returning('lesson_id')
        .execute()
      return rows.map((r) => r.lesson_id)
    },

    /** The date of the newest entry of the child's history (the start page tile), a query. */

    /**
     * A page of the child's history, newest first: guardians' reports and the school's
     * absent registrations, in one statement whatever the number of rows.
     */
    async history(childId: number, limit: number, offset: number): Promise<HistoryRow[]> {
      return (await historyStatement(db, childId, limit, offset)).rows as HistoryRow[]
    },

    async report(childId: number, reportId: number) {
      return db.selectFrom('absence_reports as r')
        .leftJoin('persons as p', 'p.id', 'r.reported_by')
        .select((eb) => [
          'r.id', 'r.date', 'r.whole_day', 'r.reason', 'r.comment', 'r.created_at',
          'p.given_name as by_given', 'p.family_name as by_family',
          reportLessons(eb),
        ])
        .where('r.child_id', '=', childId)
        .where('r.id', '=', reportId)
        .executeTakeFirst()
    },

    async registration(childId: number, id: number) {
      return db.selectFrom('lesson_attendance as a')
        .innerJoin('timetable_lessons as l', 'l.id', 'a.lesson_id')
        .leftJoin('persons as p', 'p.id', 'a.registered_by')
        .select(['a.id', 'a.date', 'a.status', 'a.registered_at', 'a.lesson_id', 'l.subject', 'l.starts_at', 'l.ends_at',
          'p.given_name as by_given', 'p.family_name as by_family'])
        .where('a.child_id', '=', childId)
        .where('a.id', '=', id)
        .where('a.status', '<>', 'present')
        .executeTakeFirst()
    },

    /** Whom to write to about a change: the mentor of the child's class, or the preschool department's staff. */
    async contactStaff(childId: number) {
      return db.selectFrom('staff_groups as sg')
        .innerJoin('group_memberships as gm', 'gm.group_id', 'sg.group_id')
        .innerJoin('persons as p', 'p.id', 'sg.staff_id')
        .select(['p.id', 'p.given_name', 'p.family_name'])
        .where('gm.child_id', '=', childId)
        .where('sg.duty', 'in', ['mentor', 'preschool'])
        .orderBy(sql`case sg.duty when 'mentor' then 0 else 1 end`)
        .orderBy('p.id')
        .executeTakeFirst()
    },

    // ---- staff side ----

    /** The group if the staff member works in its unit (admins: any group). */
    async groupForStaff(staff: { id: number; admin: boolean }, groupId: number) {
      return groupForStaffQuery(db, staff, groupId).executeTakeFirst()
    },

    /** Groups in the staff member's units, their own groups first. */
    async groupPupils(groupId: number) {
      return db.selectFrom('group_memberships as gm').innerJoin('persons as c', 'c.id', 'gm.child_id')
        .select(['c.id', 'c.given_name', 'c.family_name'])
        .where('gm.group_id', '=', groupId)
        .orderBy('c.family_name').orderBy('c.given_name').orderBy('c.id')
        .execute()
    },

    /** Guardians' reports for the children of a group on a date. */
    async groupReportsOn(groupId: number, date: IsoDate) {
      return groupReportsQuery(db, groupId, date).execute()
    },

    async attendanceFor(lessonId: number, date: IsoDate, childIds: number[]) {
      if (childIds.length === 0) return []
      return db.selectFrom('lesson_attendance').select(['child_id', 'status'])
        .where('lesson_id', '=', lessonId).where('date', '=', date).where('child_id', 'in', childIds)
        .execute()
    },

    async upsertAttendance(rows: { childId: number; lessonId: number; date: IsoDate; status: AttendanceStatus; by: number; now: Date }[]) {
      if (rows.length === 0) return
      await db.insertInto('lesson_attendance')
        .values(rows.map((r) => ({ child_id: r.childId, lesson_id: r.lessonId, date: r.date, status: r.status, registered_by: r.by, registered_at: r.now })))
        .onConflict((oc) => oc.columns(['child_id', 'lesson_id', 'date']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          registered_by: eb.ref('excluded.registered_by'),
          registered_at: eb.ref('excluded.registered_at'),
        })))
        .execute()
    },

    async invalidLessonCounts(childIds: number[], date: IsoDate): Promise<Map<number, number>> {
      if (childIds.length === 0) return new Map()
      const rows = await db.selectFrom('lesson_attendance')
        .select((eb) => ['child_id', eb.fn.countAll<number>().as('n')])
        .where('child_id', 'in', childIds).where('date', '=', date).where('status', '=', 'absent_invalid')
        .groupBy('child_id')
        .execute()
      return new Map(rows.map((r) => [r.child_id, Number(r.n)]))
    },

    /** Records that a stage of the day's notices is given; returns the ones that were new. */
    async claimAlerts(rows: { childId: number; date: IsoDate; stage: 1 | 2 }[], now: Date) {
      if (rows.length === 0) return []
      return db.insertInto('absence_alerts')
        .values(rows.map((r) => ({ child_id: r.childId, date: r.date, stage: r.stage, created_at: now })))
        .onConflict((oc) => oc.columns(['child_id', 'date', 'stage']).doNothing())
        .returning(['child_id', 'stage'])
        .execute()
    },

    /** Guardians of the children, with what an SMS needs. */
    async guardiansOf(childIds: number[]) {
      if (childIds.length === 0) return []
      return db.selectFrom('guardianships as g').innerJoin('persons as p', 'p.id', 'g.guardian_id')
        .select(['g.child_id', 'p.id', 'p.mobile', 'p.locale'])
        .where('g.child_id', 'in', childIds)
        .orderBy('p.id')
        .execute()
    },

    /** Pupils with their own login (they get the notice too). */
    async childrenInfo(childIds: number[]) {
      if (childIds.length === 0) return []
      return db.selectFrom('persons').select(['id', 'given_name', sql<boolean>`username is not null`.as('has_login')])
        .where('id', 'in', childIds).execute()
    },
  })
}
