import type { Generated } from 'kysely'
import type { DateColumn, Timestamp } from '../../db/types.js'

export type AbsenceReason = 'illness' | 'other' | 'leave'
export type AttendanceStatus = 'present' | 'absent_valid' | 'absent_invalid'

/** A guardian's report: a whole day, or the lessons in absence_report_lessons. */
export interface AbsenceReportTable {
  id: Generated<number>
  child_id: number
  date: DateColumn
  whole_day: boolean
  reason: AbsenceReason
  comment: Generated<string>
  reported_by: number | null
  created_at: Timestamp
}

export interface AbsenceReportLessonTable {
  report_id: number
  child_id: number
  date: DateColumn
  lesson_id: number
}

/** The school's register: one row per pupil, lesson and date. */
export interface LessonAttendanceTable {
  id: Generated<number>
  child_id: number
  lesson_id: number
  date: DateColumn
  status: AttendanceStatus
  registered_by: number | null
  registered_at: Timestamp
}

export interface AbsenceAlertTable {
  child_id: number
  date: DateColumn
  stage: number
  created_at: Timestamp
}

export interface AbsenceTables {
  absence_reports: AbsenceReportTable
  absence_report_lessons: AbsenceReportLessonTable
  lesson_attendance: LessonAttendanceTable
  absence_alerts: AbsenceAlertTable
}
