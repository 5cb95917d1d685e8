import { sql } from 'kysely'
import type { Executor } from '../../db/index.js'
import type { IsoDate } from '../../clock.js'
import type { SlotJson } from './queries.js'

// The staff's SQL of the talks box (part of `talksQueries`, queries.ts): groups and rounds of
// their units, publishing, the round's overview, cancelling and moving, and collisions.

export interface OverviewSlotJson extends SlotJson {
  child_id: number | null
  child_given: string | null
  child_family: string | null
  by_given: string | null
  by_family: string | null
  message: string | null
  booked_at: string | null
}

export interface StaffRoundRow {
  id: number
  group_id: number
  group_name: string
  unit_id: number
  staff_id: number
  staff_given: string
  staff_family: string
  place: string
  digital: boolean
  meeting_link: string | null
  last_booking_day: IsoDate
  total: number
  booked: number
}

/** The staff's reach: their units (admins: every unit). */
const inStaffUnits = (staff: { id: number; admin: boolean }, unitRef: string) =>
  staff.admin ? sql<boolean>`true` : sql<boolean>`exists (select 1 from staff_units su where su.unit_id = ${sql.ref(unitRef)} and su.staff_id = ${staff.id})`

export function staffTalksQueries(db: Executor) {
  return {
    /** Groups of the staff member's units, their own first. */
    async groupsForStaff(staff: { id: number; admin: boolean }) {
      const { rows } = await sql<{ id: number; name: string; unit_id: number; unit_name: string; mine: boolean }>`
        select g.id, g.name, u.id as unit_id, u.name as unit_name,
          exists (select 1 from staff_groups sg where sg.group_id = g.id and sg.staff_id = ${staff.id}) as mine
        from groups g join units u on u.id = g.unit_id
        where ${inStaffUnits(staff, 'g.unit_id')} and g.kind <> 'fritids'
        order by mine desc, u.name, g.name, g.id`.execute(db)
      return rows
    },

    async groupForStaff(staff: { id: number; admin: boolean }, groupId: number) {
      const { rows } = await sql<{ id: number; name: string; unit_id: number }>`
        select g.id, g.name, g.unit_id from groups g
        where g.id = ${groupId} and g.kind <> 'fritids' and ${inStaffUnits(staff, 'g.unit_id')}`.execute(db)
      return rows[0]
    },

    /** Staff of a unit: the pedagogues a round may be for. */
    async staffOfUnits(unitIds: number[]) {
      if (unitIds.length === 0) return []
      return db.selectFrom('staff_units as su').innerJoin('persons as p', 'p.id', 'su.staff_id')
        .select(['p.id', 'p.given_name', 'p.family_name', 'su.unit_id'])
        .where('su.unit_id', 'in', unitIds).where('p.role', 'in', ['staff', 'admin'])
        .orderBy('p.family_name').orderBy('p.given_name').orderBy('p.id')
        .execute()
    },

    /** The rounds of a group, newest last day first, with their counts. */
    async roundsOfGroup(groupId: number, limit: number) {
      const { rows } = await sql<StaffRoundRow & { first_at: Date | null; last_at: Date | null }>`
        select r.id, r.group_id, g.name as group_name, g.unit_id, r.staff_id, st.given_name as staff_given, st.family_name as staff_family,
          r.place, r.digital, r.meeting_link, r.last_booking_day::text as last_booking_day,
          (select count(*)::int from talk_slots s where s.round_id = r.id) as total,
          (select count(*)::int from talk_bookings b where b.round_id = r.id) as booked,
          (select min(s.starts_at) from talk_slots s where s.round_id = r.id) as first_at,
          (select max(s.starts_at) from talk_slots s where s.round_id = r.id) as last_at
        from talk_rounds r join groups g on g.id = r.group_id join persons st on st.id = r.staff_id
        where r.group_id = ${groupId}
        order by r.last_booking_day desc, r.id desc
        limit ${limit}`.execute(db)
      return rows
    },

    /**
     * A round the staff member may see (its group in their units), with a page of its times
     * and their bookings, in one statement; nothing for another unit's round.
     */
    async roundOverview(staff: { id: number; admin: boolean }, roundId: number, page: { offset: number; limit: number }) {
      const { rows } = await sql<StaffRoundRow & { slots: OverviewSlotJson[] }>`
        select r.id, r.group_id, g.name as group_name, g.unit_id, r.staff_id, st.given_name as staff_given, st.family_name as staff_family,
          r.place, r.digital, r.meeting_link, r.last_booking_day::text as last_booking_day,
          (select count(*)::int from talk_slots s where s.round_id = r.id) as total,
          (select count(*)::int from talk_bookings b where b.round_id = r.id) as booked,
          coalesce((select json_agg(x order by x.starts_at, x.id) from (
            select s.id, s.starts_at, s.ends_at, b.child_id, c.given_name as child_given, c.family_name as child_family,
              p.given_name as by_given, p.family_name as by_family, b.message, b.created_at as booked_at
            from talk_slots s
            left join talk_bookings b on b.slot_id = s.id
            left join persons c on c.id = b.child_id
            left join persons p on p.id = b.booked_by
            where s.round_id = r.id
            order by s.starts_at, s.id limit ${page.limit} offset ${page.offset}) x), '[]'::json) as slots
        from talk_rounds r join groups g on g.id = r.group_id join persons st on st.id = r.staff_id
        where r.id = ${roundId} and ${inStaffUnits(staff, 'g.unit_id')}`.execute(db)
      return rows[0]
    },

    /** The round (when the staff member may act on it) and one of its times with its booking. */
    async slotForStaff(staff: { id: number; admin: boolean }, roundId: number, slotId: number) {
      const { rows } = await sql<{
        round_id: number; slot_id: number; starts_at: Date; ends_at: Date; staff_id: number; staff_given: string; staff_family: string
        child_id: number | null; child_given: string | null; child_family: string | null
      }>`
        select r.id as round_id, s.id as slot_id, s.starts_at, s.ends_at, r.staff_id, st.given_name as staff_given, st.family_name as staff_family,
          b.child_id, c.given_name as child_given, c.family_name as child_family
        from talk_rounds r join groups g on g.id = r.group_id join persons st on st.id = r.staff_id
        join talk_slots s on s.round_id = r.id and s.id = ${slotId}
        left join talk_bookings b on b.slot_id = s.id
        left join persons c on c.id = b.child_id
        where r.id = ${roundId} and ${inStaffUnits(staff, 'g.unit_id')}`.execute(db)
      return rows[0]
    },

    /** Free times of a round still ahead (where a booking can be moved). */
    async freeSlots(roundId: number, now: Date, limit: number) {
      return db.selectFrom('talk_slots as s').select(['s.id', 's.starts_at', 's.ends_at'])
        .where('s.round_id', '=', roundId).where('s.starts_at', '>', now)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('talk_bookings as b').select('b.slot_id').whereRef('b.slot_id', '=', 's.id'))))
        .orderBy('s.starts_at').orderBy('s.id').limit(limit)
        .execute()
    },

    /** Removes a time (and its booking); the booked child, if any. */
    async deleteSlot(roundId: number, slotId: number) {
      const booking = await db.selectFrom('talk_bookings').select('child_id').where('slot_id', '=', slotId).where('round_id', '=', roundId).forUpdate().executeTakeFirst()
      const gone = await db.deleteFrom('talk_slots').where('id', '=', slotId).where('round_id', '=', roundId).returning('id').executeTakeFirst()
      return { deleted: Boolean(gone), childId: booking?.child_id ?? null }
    },

    async deleteBooking(roundId: number, slotId: number) {
      return db.deleteFrom('talk_bookings').where('slot_id', '=', slotId).where('round_id', '=', roundId).returning('child_id').executeTakeFirst()
    },

    /** Moves a booking to a free time of the same round; nothing when that time is taken meanwhile. */
    async moveBooking(roundId: number, fromSlot: number, toSlot: number, now: Date) {
      const { rows } = await sql<{ child_id: number }>`
        update talk_bookings b set slot_id = ${toSlot}, reminded_at = null
        where b.slot_id = ${fromSlot} and b.round_id = ${roundId}
          and exists (select 1 from talk_slots s where s.id = ${toSlot} and s.round_id = ${roundId} and s.starts_at > ${now})
          and not exists (select 1 from talk_bookings o where o.slot_id = ${toSlot})
        returning b.child_id`.execute(db)
      return rows[0]
    },

    /** The pedagogue's lessons (as planned, with the day's changes) on the given dates, cancelled ones left out. */
    async lessonsOfTeacher(staffId: number, dates: IsoDate[]) {
      if (dates.length === 0) return []
      const { rows } = await sql<{ date: IsoDate; starts_at: string; ends_at: string; subject: string; group_name: string }>`
        select d.day::text as date, coalesce(e.starts_at, l.starts_at)::text as starts_at, coalesce(e.ends_at, l.ends_at)::text as ends_at,
          l.subject, g.name as group_name
        from unnest(${sql.val(dates)}::date[]) as d(day)
        join timetable_lessons l on l.weekday = extract(isodow from d.day) and d.day >= l.valid_from and (l.valid_to is null or d.day <= l.valid_to)
        join groups g on g.id = l.group_id
        left join timetable_exceptions e on e.lesson_id = l.id and e.date = d.day
        where coalesce(e.teacher_id, l.teacher_id) = ${staffId} and not coalesce(e.cancelled, false)
        order by 1, 2`.execute(db)
      return rows
    },

    /** The pedagogue's times in other rounds between two instants. */
    async otherTalksOfStaff(staffId: number, from: Date, to: Date) {
      return db.selectFrom('talk_slots as s').innerJoin('groups as g', 'g.id', 's.group_id')
        .select(['s.starts_at', 's.ends_at', 's.round_id', 'g.name as group_name'])
        .where('s.staff_id', '=', staffId).where('s.starts_at', '<', to).where('s.ends_at', '>', from)
        .orderBy('s.starts_at')
        .execute()
    },

    async insertRound(r: {
      groupId: number; staffId: number; createdBy: number; place: string; digital: boolean; meetingLink: string | null
      lastBookingDay: IsoDate; key: string | null; now: Date
    }): Promise<number | null> {
      const row = await db.insertInto('talk_rounds').values({
        group_id: r.groupId, staff_id: r.staffId, created_by: r.createdBy, place: r.place, digital: r.digital, meeting_link: r.meetingLink,
        last_booking_day: r.lastBookingDay, publish_key: r.key, created_at: r.now,
      }).onConflict((oc) => oc.column('publish_key').doNothing()).returning('id').executeTakeFirst()
      return row?.id ?? null
    },

    async roundByKey(key: string) {
      return db.selectFrom('talk_rounds').select('id').where('publish_key', '=', key).executeTakeFirst()
    },

    async insertSlots(roundId: number, groupId: number, staffId: number, place: string, times: { start: Date; end: Date }[]) {
      if (times.length === 0) return
      await db.insertInto('talk_slots').values(times.map((t) => ({
        round_id: roundId, group_id: groupId, staff_id: staffId, starts_at: t.start, ends_at: t.end, place,
      }))).execute()
    },
  }
}
