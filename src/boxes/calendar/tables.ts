import type { Generated } from 'kysely'
import type { DateColumn, TimeColumn, Timestamp } from '../../db/types.js'

export type EventKind = 'activity' | 'assignment' | 'homework' | 'test' | 'information'
export const EVENT_KINDS: readonly EventKind[] = ['activity', 'assignment', 'homework', 'test', 'information']

/** An event for a group, or for the whole unit when group_id is null. */
export interface CalendarEventTable {
  id: Generated<number>
  unit_id: number
  group_id: number | null
  kind: EventKind
  title: string
  body: Generated<string>
  date: DateColumn
  starts_at: TimeColumn | null
  ends_at: TimeColumn | null
  published: Generated<boolean>
  created_by: number | null
  publish_key: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface SurveyTable {
  id: Generated<number>
  unit_id: number
  group_id: number | null
  title: string
  body: Generated<string>
  date: DateColumn
  closes_on: DateColumn
  published: Generated<boolean>
  created_by: number | null
  publish_key: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export type QuestionKind = 'single' | 'multiple' | 'text'
export const QUESTION_KINDS: readonly QuestionKind[] = ['single', 'multiple', 'text']

export interface SurveyQuestionTable {
  id: Generated<number>
  survey_id: number
  position: number
  kind: QuestionKind
  prompt: string
}

export interface SurveyOptionTable {
  id: Generated<number>
  question_id: number
  position: number
  label: string
}

export interface SurveyResponseTable {
  survey_id: number
  child_id: number
  answered_by: number | null
  answered_at: Timestamp
}

export interface SurveyAnswerTable {
  survey_id: number
  child_id: number
  question_id: number
  option_id: number | null
  text: string | null
}

export interface CalendarFeedSecretTable {
  person_id: number
  token: string
  created_at: Timestamp
}

export interface CalendarTables {
  calendar_events: CalendarEventTable
  surveys: SurveyTable
  survey_questions: SurveyQuestionTable
  survey_options: SurveyOptionTable
  survey_responses: SurveyResponseTable
  survey_answers: SurveyAnswerTable
  calendar_feed_secrets: CalendarFeedSecretTable
}
