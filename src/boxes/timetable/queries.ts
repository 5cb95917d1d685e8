import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { Db } from '../../db/index.js'
import { sql } from 'kysely'
import type { Executor } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'
import type { IsoDate } from '../../clock.js'

/** One lesson on one date, after the date's exception (if any) is applied. */
export interface OccurrenceRow {
  date: IsoDate
  lesson_id: number
  group_id: number
  group_name: string
  subject: string
  starts_at: string
  ends_at: string
  planned_starts_at: string
  room: string
  planned_room: string
  teacher_id: number | null
  planned_teacher_id: number | null
  teacher_given: string | null
  teacher_family: string | null
  cancelled: boolean
  note: string
}

type Scope = { childId: number } | { groupId: number }

/**
 * The lessons that take place between two dates (inclusive), for a child (through the
 * child's groups) or for one group. One statement: the dates are generated in SQL and
 * each recurring lesson is matched to its weekday, then overlaid with the exception.
 */
export function occurrences(db: Executor, scope: Scope, from: IsoDate, to: IsoDate, lessonId?: number) {
  let q = db
    .selectFrom(sql<{ day: string }>`(select d::date as day from generate_series(${from}::date, ${to}::date, interval '1 day') as d)`.as('days'))
    .innerJoin('timetable_lessons as l', (j) =>
      j.on(sql<boolean>`l.weekday = extract(isodow from days.day) and days.day >= l.valid_from and (l.valid_to is null or days.day <= l.valid_to)`))
    .innerJoin('groups as g', 'g.id', 'l.group_id')
    .leftJoin('timetable_exceptions as e', (j) => j.onRef('e.lesson_id', '=', 'l.id').on(sql<boolean>`e.date = days.day`))
    .leftJoin('persons as t', (j) => j.on(sql<boolean>`t.id = coalesce(e.teacher_id, l.teacher_id)`))
    .select([
      sql<string>`days.day`.as('date'),
      'l.id as lesson_id',
      'l.group_id',
      'g.name as group_name',
      'l.subject',
      sql<string>`coalesce(e.starts_at, l.starts_at)`.as('starts_at'),
      sql<string>`coalesce(e.ends_at, l.ends_at)`.as('ends_at'),
      'l.starts_at as planned_starts_at',
      sql<string>`coalesce(e.room, l.room)`.as('room'),
      'l.room as planned_room',
      sql<number | null>`coalesce(e.teacher_id, l.teacher_id)`.as('teacher_id'),
      'l.teacher_id as planned_teacher_id',
      't.given_name as teacher_given',
      't.family_name as teacher_family',
      sql<boolean>`coalesce(e.cancelled, false)`.as('cancelled'),
      sql<string>`coalesce(e.note, '')`.as('note'),
    ])
  if ('childId' in scope) {
    q = q.where('l.group_id', 'in', (eb) => eb.selectFrom('group_memberships').select('group_id').where('child_id', '=', scope.childId))
  } else {
    q = q.where('l.group_id', '=', scope.groupId)
  }
  if (lessonId !== undefined) q = q.where('l.id', '=', lessonId)
  return q.orderBy(sql`days.day`).orderBy(sql`coalesce(e.starts_at, l.starts_at)`).orderBy('l.subject').orderBy('l.id')
}

function classNamesQuery(db: Executor, childId: number) {
  return db.selectFrom('group_memberships as gm')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .select('g.name')
    .where('gm.child_id', '=', childId)
    .where('g.kind', '=', 'class')
    .orderBy('g.name')
}

/** A child's lessons from one date to another and its classes' names: compiled once (the week page). */
const weekStatement = compiledOnce((db: Db, childId: number, from: IsoDate, to: IsoDate) => db.selectNoFrom([
  jsonArrayFrom(occurrences(db, { childId }, from, to)).as('lessons'),
  jsonArrayFrom(classNamesQuery(db, childId)).as('classes'),
]), 3)

export function timetableQueries(db: Executor) {
  return Object.freeze({
    occurrencesForChild(childId: number, from: IsoDate, to: IsoDate): Promise<OccurrenceRow[]> {
      return occurrences(db, { childId }, from, to).execute()
    },

    /** The lesson on that date if it belongs to one of the child's groups and takes place that day. */
    occurrenceForChild(childId: number, lessonId: number, date: IsoDate): Promise<OccurrenceRow | undefined> {
      return occurrences(db, { childId }, date, date, lessonId).executeTakeFirst()
    },

    occurrenceForGroup(groupId: number, lessonId: number, date: IsoDate): Promise<OccurrenceRow | undefined> {
      return occurrences(db, { groupId }, date, date, lessonId).executeTakeFirst()
    },

    /** The child's class (or classes), for headings and the printed page. */
    /** The child's lessons from one date to another and the names of its classes, in one statement. */
    async weekForChild(childId: number, from: IsoDate, to: IsoDate): Promise<{ lessons: OccurrenceRow[]; classes: string[] }> {
      const { rows: [row] } = await weekStatement(db, childId, from, to)
      // JSON keeps every column of an occurrence as it is (dates, times, numbers, text).
      return { lessons: row!.lessons as OccurrenceRow[], classes: row!.classes.map((r) => r.name) }
    },

    async feedToken(personId: number): Promise<string | null> {
      const row = await db.selectFrom('calendar_feed_tokens').select('token').where('person_id', '=', personId).executeTakeFirst()
      return row?.token ?? null
    },

    async personByFeedToken(token: string): Promise<number | null> {
      const row = await db.selectFrom('calendar_feed_tokens').select('person_id').where('token', '=', token).executeTakeFirst()
      return row?.person_id ?? null
    },

    async setFeedToken(personId: number, token: string, now: Date): Promise<void> {
      await db.insertInto('calendar_feed_tokens')
        .values({ person_id: personId, token, created_at: now })
        .onConflict((oc) => oc.column('person_id').doUpdateSet({ token, created_at: now }))
        .execute()
    },
  })
}

export type TimetableQueries = ReturnType<typeof timetableQueries>
