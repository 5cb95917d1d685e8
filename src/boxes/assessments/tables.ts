import type { Generated } from 'kysely'
import type { DateColumn, Timestamp } from '../../db/types.js'

/** A teacher's assessment of a pupil in a subject for a term; shown only while published_at is set. */
export interface AssessmentTable {
  id: Generated<number>
  child_id: number
  subject: string
  /** 'HT2026' (autumn) or 'VT2027' (spring). */
  term: string
  /** On the school's scale: A–F, or a short text ("Når målen"). */
  grade: string
  comment: Generated<string>
  assessed_on: DateColumn
  teacher_id: number | null
  published_at: Timestamp | null
  created_at: Timestamp
  updated_at: Timestamp
  publish_key: string | null
}

export interface AssessmentsTables {
  assessments: AssessmentTable
}
