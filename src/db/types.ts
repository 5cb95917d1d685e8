import type { ColumnType, Generated } from 'kysely'
import type { MessagesTables } from '../boxes/messages/tables.js'
import type { PushTables } from '../notify/tables.js'
import type { TimetableTables } from '../boxes/timetable/tables.js'
import type { AbsenceTables } from '../boxes/absence/tables.js'
import type { CareScheduleTables } from '../boxes/care-schedule/tables.js'
import type { TalksTables } from '../boxes/talks/tables.js'
import type { CalendarTables } from '../boxes/calendar/tables.js'
import type { PlansTables } from '../boxes/plans/tables.js'
import type { ImportTables } from '../import/tables.js'
import type { InformationTables } from '../boxes/information/tables.js'
import type { BlogTables } from '../boxes/blog/tables.js'
import type { AuditTables } from '../audit/tables.js'
import type { AssessmentsTables } from '../boxes/assessments/tables.js'
import type { DocumentationTables } from '../boxes/documentation/tables.js'

/** A timestamptz: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>
/** A calendar date column, read and written as 'YYYY-MM-DD'. */
export type DateColumn = string
/** A time column, read as 'HH:MM:SS', written as 'HH:MM' or 'HH:MM:SS'. */
export type TimeColumn = string
export type Json<T> = ColumnType<T, string | T, string | T>

export interface UnitTable {
  id: Generated<number>
  name: string
  kind: 'school' | 'preschool'
  has_fritids: Generated<boolean>
  opens_at: Generated<TimeColumn>
  closes_at: Generated<TimeColumn>
  external_id: string | null
}

export interface GroupTable {
  id: Generated<number>
  unit_id: number
  name: string
  kind: 'class' | 'teaching' | 'department' | 'fritids'
  external_id: string | null
  ended_at: Generated<Date | null>
}

export type Role = 'guardian' | 'child' | 'staff' | 'admin'

export interface PersonTable {
  id: Generated<number>
  role: Role
  given_name: string
  family_name: string
  email: string | null
  mobile: string | null
  personal_number: string | null
  street: string | null
  postal_code: string | null
  city: string | null
  address_edited_at: Timestamp | null
  unit_id: number | null
  in_fritids: Generated<boolean>
  username: string | null
  password_hash: string | null
  locale: Generated<'sv' | 'en'>
  privacy: ColumnType<Record<string, boolean>, string | undefined, string>
  activated_at: Timestamp | null
  external_id: string | null
  created_at: Generated<Timestamp>
  /** Left the import file: no access, history kept. */
  ended_at: Generated<Date | null>
  /** An administrator turned the account off. */
  deactivated_at: Generated<Date | null>
  /** Skyddad identitet: no address is kept and nothing is shown to others. */
  protected_identity: Generated<boolean>
}

export interface GuardianshipTable { guardian_id: number; child_id: number }
export interface GroupMembershipTable { group_id: number; child_id: number }
export interface StaffUnitTable { staff_id: number; unit_id: number }
export interface StaffGroupTable {
  staff_id: number
  group_id: number
  duty: 'mentor' | 'teacher' | 'fritids' | 'preschool'
}

export interface SessionTable { sid: string; data: Json<Record<string, unknown>>; expires_at: Timestamp }

export interface AccountTokenTable {
  id: Generated<number>
  person_id: number
  purpose: 'activation' | 'reset' | 'email'
  token_hash: string
  /** The address an 'email' token confirms (null for other purposes). */
  new_email: Generated<string | null>
  expires_at: Timestamp
  used_at: Timestamp | null
  created_at: Timestamp
}

export interface LoginFailureTable { id: Generated<number>; key: string; at: Timestamp }

export interface NotificationTable {
  id: Generated<number>
  recipient_id: number
  child_id: number | null
  area: string
  kind: string
  params: ColumnType<Record<string, string | number>, string | undefined, string>
  link: string
  created_at: Timestamp
  read_at: Timestamp | null
}

export type OutboxChannel = 'email' | 'sms' | 'push'
export interface OutboxTable {
  id: Generated<number>
  channel: OutboxChannel
  payload: Json<Record<string, unknown>>
  dedupe_key: string | null
  status: Generated<'pending' | 'sent' | 'failed'>
  attempts: Generated<number>
  next_attempt_at: Timestamp
  locked_until: Timestamp | null
  last_error: string | null
  created_at: Timestamp
  sent_at: Timestamp | null
  /** What the delivery was (e.g. reset, message, absence-sms); kept after the payload is erased. */
  kind: string | null
  /** Whom it was for; kept after the payload (address, phone number, text) is erased. */
  recipient_id: number | null
  failed_at: Timestamp | null
  /** When the payload was erased (at delivery; failed rows after 30 days). */
  erased_at: Timestamp | null
}

export interface RateLimitTable { key: string; count: number; reset_at: Timestamp }

export interface CoreTables {
  units: UnitTable
  groups: GroupTable
  persons: PersonTable
  guardianships: GuardianshipTable
  group_memberships: GroupMembershipTable
  staff_units: StaffUnitTable
  staff_groups: StaffGroupTable
  sessions: SessionTable
  account_tokens: AccountTokenTable
  login_failures: LoginFailureTable
  rate_limits: RateLimitTable
  notifications: NotificationTable
  outbox: OutboxTable
}

/**
 * The whole schema. Each box declares its own tables in `src/boxes/<box>/tables.ts`
 * and adds its interface to this list.
 */
export interface Database extends CoreTables, MessagesTables, PushTables, CareScheduleTables, TimetableTables, AbsenceTables, TalksTables, ImportTables, CalendarTables, PlansTables, InformationTables, BlogTables, AuditTables,
  AssessmentsTables, DocumentationTables {}
