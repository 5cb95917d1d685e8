import type { DateColumn, TimeColumn, Timestamp } from '../../db/types.js'

/** One child's registered times on one day (Stockholm calendar date, wall-clock times). */
export interface CareDayTable {
  child_id: number
  day: DateColumn
  starts_at: TimeColumn
  ends_at: TimeColumn
  comment: string | null
  comment_changed_at: Timestamp | null
  comment_seen_at: Timestamp | null
  updated_by: number | null
  updated_at: Timestamp
}

export interface CareStaffCommentTable {
  child_id: number
  day: DateColumn
  body: string
  author_id: number | null
  updated_at: Timestamp
}

export interface CareDayLogTable {
  id: import('kysely').Generated<number>
  child_id: number
  day: DateColumn
  action: 'set' | 'removed'
  starts_at: TimeColumn | null
  ends_at: TimeColumn | null
  comment: string | null
  changed_by: number | null
  changed_at: Timestamp
}

export interface CareScheduleTables {
  care_days: CareDayTable
  care_staff_comments: CareStaffCommentTable
  care_day_log: CareDayLogTable
}
