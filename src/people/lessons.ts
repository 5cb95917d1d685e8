import { sql } from 'kysely'
import type { Executor } from '../db/index.js'
import type { IsoDate } from '../clock.js'

/**
 * A read model shared by the boxes of the school day: the lessons a child or a group has
 * on given dates (the timetable box's tables). The timetable shows them; absence puts them
 * in its report form and registers; talks checks a pedagogue's lessons for collisions.
 */

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

export type LessonScope = { childId: number } | { groupId: number }

/**
 * The lessons that take place between two dates (inclusive), for a child (through the
 * child's groups) or for one group. One statement: the dates are generated in SQL and
 * each recurring lesson is matched to its weekday, then overlaid with the exception.
 */
export function occurrences(db: Executor, scope: LessonScope, from: IsoDate, to: IsoDate, lessonId?: number) {
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

