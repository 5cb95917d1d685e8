import type { Generated } from 'kysely'
import type { DateColumn, TimeColumn, Timestamp } from '../../db/types.js'

/** A lesson that recurs every week on `weekday` (1 = Monday) while valid. */
export interface TimetableLessonTable {
  id: Generated<number>
  group_id: number
  weekday: number
  starts_at: TimeColumn
  ends_at: TimeColumn
  subject: string
  subject_code: string | null
  teacher_id: number | null
  room: Generated<string>
  valid_from: DateColumn
  valid_to: DateColumn | null
  external_id: string | null
}

/** One date on which a lesson differs from its pattern; null columns keep the planned value. */
export interface TimetableExceptionTable {
  id: Generated<number>
  lesson_id: number
  date: DateColumn
  cancelled: Generated<boolean>
  teacher_id: number | null
  room: string | null
  starts_at: TimeColumn | null
  ends_at: TimeColumn | null
  note: Generated<string>
  external_id: string | null
}

export interface CalendarFeedTokenTable {
  person_id: number
  token: string
  created_at: Timestamp
}

export interface TimetableTables {
  timetable_lessons: TimetableLessonTable
  timetable_exceptions: TimetableExceptionTable
  calendar_feed_tokens: CalendarFeedTokenTable
}
