import type { Executor } from '../db/index.js'
import type { IsoDate } from '../clock.js'
import { sql } from 'kysely'

/**
 * A read model of the development talks' tables for the other boxes: the talks a child has
 * booked between two Stockholm dates (inclusive), with the pedagogue and the place. The
 * calendar shows them on their days and in its feed; only the talks box writes them.
 */
export function bookedTalks(db: Executor, childId: number, from: IsoDate, to: IsoDate) {
  return db.selectFrom('talk_bookings as b')
    .innerJoin('talk_slots as s', 's.id', 'b.slot_id')
    .innerJoin('talk_rounds as r', 'r.id', 'b.round_id')
    .innerJoin('persons as p', 'p.id', 's.staff_id')
    .select([
      's.id as slot_id', 's.starts_at', 's.ends_at', 's.place', 'r.digital', 'r.meeting_link',
      'p.given_name as staff_given', 'p.family_name as staff_family',
    ])
    .where('b.child_id', '=', childId)
    .where(sql<boolean>`(s.starts_at at time zone 'Europe/Stockholm')::date between ${from}::date and ${to}::date`)
    .orderBy('s.starts_at')
}

export interface BookedTalkRow {
  slot_id: number
  starts_at: Date | string
  ends_at: Date | string
  place: string
  digital: boolean
  meeting_link: string | null
  staff_given: string
  staff_family: string
}
