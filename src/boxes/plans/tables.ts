import type { ColumnType, Generated } from 'kysely'
import type { DateColumn, Timestamp } from '../../db/types.js'

/** A plan for a subject in a group, from the Monday of its first week to the Sunday of its last. */
export interface PlanTable {
  id: Generated<number>
  group_id: number
  subject: string
  title: string
  starts_on: DateColumn
  ends_on: DateColumn
  content: Generated<string>
  goals: Generated<string>
  assessment: Generated<string>
  published: Generated<boolean>
  created_by: number | null
  publish_key: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

/** A file on a plan: its bytes are in the file store under storage_key (SHA-256). */
export interface PlanAttachmentTable {
  id: Generated<number>
  plan_id: number
  filename: string
  content_type: string
  size_bytes: ColumnType<string, number, number>
  storage_key: string
  uploaded_by: number | null
  created_at: Timestamp
  upload_key: string | null
}

export interface PlansTables {
  plans: PlanTable
  plan_attachments: PlanAttachmentTable
}
