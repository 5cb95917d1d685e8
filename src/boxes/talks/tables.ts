import type { Generated } from 'kysely'
import type { DateColumn, Timestamp } from '../../db/types.js'

/** A round of talks: one pedagogue's times for a group, with a place or a meeting link. */
export interface TalkRoundTable {
  id: Generated<number>
  group_id: number
  staff_id: number
  created_by: number | null
  place: Generated<string>
  digital: Generated<boolean>
  meeting_link: string | null
  /** The last Stockholm date on which guardians book and cancel. */
  last_booking_day: DateColumn
  publish_key: string | null
  created_at: Timestamp
}

/** A time of a round (group and pedagogue repeated from the round for the start page's rule). */
export interface TalkSlotTable {
  id: Generated<number>
  round_id: number
  group_id: number
  staff_id: number
  starts_at: Timestamp
  ends_at: Timestamp
  place: Generated<string>
}

/** A booked time: one child per time (the slot is the key), one booking per child and round. */
export interface TalkBookingTable {
  slot_id: number
  round_id: number
  child_id: number
  booked_by: number
  message: Generated<string>
  created_at: Timestamp
  reminded_at: Timestamp | null
}

export interface TalksTables {
  talk_rounds: TalkRoundTable
  talk_slots: TalkSlotTable
  talk_bookings: TalkBookingTable
}
