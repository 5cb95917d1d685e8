import type { Generated } from 'kysely'
import type { Timestamp } from '../db/types.js'

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

export interface PushTables {
  push_subscriptions: PushSubscriptionTable
  notification_optouts: NotificationOptOutTable
}
