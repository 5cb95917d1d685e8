import type { Generated } from 'kysely'
import type { DateColumn, Timestamp } from '../db/types.js'

export interface PushSubscriptionTable {
  id: Generated<number>
  person_id: number
  endpoint: string
  p256dh: string
  auth: string
  created_at: Timestamp
}

export interface NotificationOptOutTable {
  person_id: number
  area: string
}

/** Quiet hours and the evening digest per person (no row: the defaults, see src/notify/quiet.ts). */
export interface NotifyPreferencesTable {
  person_id: number
  quiet_enabled: Generated<boolean>
  /** 'HH:MM', Stockholm time. */
  quiet_start: Generated<string>
  quiet_end: Generated<string>
  digest_enabled: Generated<boolean>
  /** 'HH:MM', Stockholm time. */
  digest_time: Generated<string>
  /** The Stockholm date whose digest was decided (sent, or nothing new). */
  digest_last_date: DateColumn | null
  /** What the last digest covered up to; the next one starts here. */
  digest_since: Timestamp | null
  updated_at: Timestamp
}

export interface PushTables {
  push_subscriptions: PushSubscriptionTable
  notification_optouts: NotificationOptOutTable
  notify_preferences: NotifyPreferencesTable
}
