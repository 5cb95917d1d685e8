import { sql } from 'kysely'
import type { Executor } from '../../db/index.js'
import type { IsoDate } from '../../clock.js'

/** A time as read through JSON (timestamps arrive as strings there). */
export interface SlotJson { id: number; starts_at: string; ends_at: string }

export interface BookingJson {
  slot_id: number
  starts_at: string
  ends_at: string
  message: string
  created_at: string
  booked_by: number
  by_given: string
  by_family: string
}

export interface ChildRoundRow {
  id: number
  staff_id: number
  staff_given: string
  staff_family: string
  group_name: string
  mentor: boolean
  place: string
  digital: boolean
  meeting_link: string | null
  last_booking_day: IsoDate
  booking: BookingJson | null
  free: SlotJson[]
  free_total: number
}

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

/** All SQL of the talks box. Every read of a child's data has the child's id in its WHERE. */
export function talksQueries(db: Executor) {
  return {
    /**
     * The child's rounds that still have times ahead: the pedagogue (and whether they are
     * the mentor of one of the child's groups), the child's booking in the round, and a page
     * of the free times (bookable only while the round is open). One statement.
     */
    async childRounds(childId: number, now: Date, today: IsoDate, page: { roundId?: number; offset: number; limit: number }): Promise<ChildRoundRow[]> {
      const onlyRound = page.roundId === undefined ? sql`true` : sql`r.id = ${page.roundId}`
      const { rows } = await sql<ChildRoundRow>`
        select r.id, r.staff_id, st.given_name as staff_given, st.family_name as staff_family, g.name as group_name,
          exists (select 1 from staff_groups sg join group_memberships m on m.group_id = sg.group_id
            where sg.staff_id = r.staff_id and sg.duty = 'mentor' and m.child_id = ${childId}) as mentor,
          r.place, r.digital, r.meeting_link, r.last_booking_day::text as last_booking_day,
          (select json_build_object('slot_id', b.slot_id, 'starts_at', s.starts_at, 'ends_at', s.ends_at, 'message', b.message,
              'created_at', b.created_at, 'booked_by', b.booked_by, 'by_given', p.given_name, 'by_family', p.family_name)
            from talk_bookings b join talk_slots s on s.id = b.slot_id join persons p on p.id = b.booked_by
            where b.round_id = r.id and b.child_id = ${childId}) as booking,
          coalesce((select json_agg(json_build_object('id', f.id, 'starts_at', f.starts_at, 'ends_at', f.ends_at) order by f.starts_at, f.id)
            from (select s.id, s.starts_at, s.ends_at from talk_slots s
              where s.round_id = r.id and s.starts_at > ${now} and r.last_booking_day >= ${today}::date
                and not exists (select 1 from talk_bookings b where b.slot_id = s.id)
              order by s.starts_at, s.id limit ${page.limit} offset ${page.offset}) f), '[]'::json) as free,
          (select count(*)::int from talk_slots s
            where s.round_id = r.id and s.starts_at > ${now} and r.last_booking_day >= ${today}::date
              and not exists (select 1 from talk_bookings b where b.slot_id = s.id)) as free_total
        from talk_rounds r
        join group_memberships gm on gm.group_id = r.group_id and gm.child_id = ${childId}
        join groups g on g.id = r.group_id
        join persons st on st.id = r.staff_id
        where ${onlyRound} and exists (select 1 from talk_slots s where s.round_id = r.id and s.starts_at > ${now})
        order by mentor desc, st.family_name, st.given_name, r.id`.execute(db)
      return rows
    },

    /** A time of a round of the child's groups, with its round's deadline; null when it is not the child's to book. */
    async slotForChild(childId: number, slotId: number) {
      return db.selectFrom('talk_slots as s')
        .innerJoin('talk_rounds as r', 'r.id', 's.round_id')
        .innerJoin('group_memberships as gm', (j) => j.onRef('gm.group_id', '=', 'r.group_id').on('gm.child_id', '=', childId))
        .select(['s.id', 's.round_id', 's.starts_at', 's.ends_at', 'r.staff_id', sql<IsoDate>`r.last_booking_day::text`.as('last_booking_day')])
        .where('s.id', '=', slotId)
        .executeTakeFirst()
    },

    /** Books a time; nothing when the time is taken or the child already has a time in the round (the constraints decide, also under races). */
    async insertBooking(b: { slotId: number; roundId: number; childId: number; by: number; message: string; now: Date }): Promise<boolean> {
      const row = await db.insertInto('talk_bookings')
        .values({ slot_id: b.slotId, round_id: b.roundId, child_id: b.childId, booked_by: b.by, message: b.message, created_at: b.now })
        .onConflict((oc) => oc.doNothing())
        .returning('slot_id')
        .executeTakeFirst()
      return Boolean(row)
    },

    /** The child's booking in a round, with who made it. */
    async bookingInRound(childId: number, roundId: number) {
      return db.selectFrom('talk_bookings as b').innerJoin('persons as p', 'p.id', 'b.booked_by')
        .select(['b.slot_id', 'b.booked_by', 'p.given_name', 'p.family_name'])
        .where('b.child_id', '=', childId).where('b.round_id', '=', roundId)
        .executeTakeFirst()
    },

    /** The child's booking of a time, with its round's pedagogue and deadline. */
    async bookingOfChild(childId: number, slotId: number) {
      return db.selectFrom('talk_bookings as b')
        .innerJoin('talk_slots as s', 's.id', 'b.slot_id')
        .innerJoin('talk_rounds as r', 'r.id', 'b.round_id')
        .innerJoin('persons as st', 'st.id', 'r.staff_id')
        .select(['b.slot_id', 'b.round_id', 'b.message', 's.starts_at', 's.ends_at', 'r.staff_id', 'r.place', 'r.digital', 'r.meeting_link',
          sql<IsoDate>`r.last_booking_day::text`.as('last_booking_day'), 'st.given_name as staff_given', 'st.family_name as staff_family'])
        .where('b.child_id', '=', childId).where('b.slot_id', '=', slotId)
        .executeTakeFirst()
    },

    /** Cancels the child's booking while the round is open and the time ahead; the round's pedagogue, or nothing. */
    async deleteOpenBooking(childId: number, slotId: number, now: Date, today: IsoDate) {
      const { rows } = await sql<{ round_id: number; staff_id: number }>`
        delete from talk_bookings b using talk_slots s, talk_rounds r
        where b.slot_id = ${slotId} and b.child_id = ${childId} and s.id = b.slot_id and r.id = b.round_id
          and s.starts_at > ${now} and r.last_booking_day >= ${today}::date
        returning b.round_id, r.staff_id`.execute(db)
      return rows[0]
    },

    /** Whether the person is the pedagogue of a round of the child's groups. */
    async isChildsPedagogue(childId: number, staffId: number): Promise<{ given_name: string; family_name: string } | undefined> {
      return db.selectFrom('talk_rounds as r')
        .innerJoin('group_memberships as gm', (j) => j.onRef('gm.group_id', '=', 'r.group_id').on('gm.child_id', '=', childId))
        .innerJoin('persons as p', 'p.id', 'r.staff_id')
        .select(['p.given_name', 'p.family_name'])
        .where('r.staff_id', '=', staffId)
        .limit(1)
        .executeTakeFirst()
    },

    /** The tile: the child's next booked time and the earliest deadline of an open round with a free time, in one read. */
    summary(childId: number, now: Date, today: IsoDate) {
      return db.selectNoFrom((eb) => [
        eb.selectFrom('talk_bookings as b').innerJoin('talk_slots as s', 's.id', 'b.slot_id')
          .select('s.starts_at').where('b.child_id', '=', childId).where('s.starts_at', '>', now)
          .orderBy('s.starts_at').limit(1).as('booked_at'),
        eb.selectFrom('talk_rounds as r')
          .innerJoin('group_memberships as gm', (j) => j.onRef('gm.group_id', '=', 'r.group_id').on('gm.child_id', '=', childId))
          .select(sql<string>`min(r.last_booking_day)::text`.as('d'))
          .where(sql<boolean>`r.last_booking_day >= ${today}::date`)
          .where((w) => w.not(w.exists(w.selectFrom('talk_bookings as b').select('b.slot_id').whereRef('b.round_id', '=', 'r.id').where('b.child_id', '=', childId))))
          .where((w) => w.exists(w.selectFrom('talk_slots as s').select('s.id').whereRef('s.round_id', '=', 'r.id').where('s.starts_at', '>', now)
            .where((x) => x.not(x.exists(x.selectFrom('talk_bookings as b2').select('b2.slot_id').whereRef('b2.slot_id', '=', 's.id'))))))
          .as('book_by'),
      ])
    },

    // ---- Staff --------------------------------------------------------------------------

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

    async guardiansOf(childId: number) {
      return db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', childId).execute()
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

    /**
     * Claims the bookings of times on a date that have had no reminder yet (the claim is
     * the reminder's dedupe: a second run, or a second instance, finds them claimed).
     */
    async claimReminders(from: Date, to: Date, now: Date) {
      const { rows } = await sql<{ slot_id: number; child_id: number; starts_at: Date; staff_given: string; staff_family: string }>`
        update talk_bookings b set reminded_at = ${now}
        from talk_slots s, talk_rounds r, persons st
        where s.id = b.slot_id and r.id = b.round_id and st.id = r.staff_id
          and b.reminded_at is null and s.starts_at >= ${from} and s.starts_at < ${to}
        returning b.slot_id, b.child_id, s.starts_at, st.given_name as staff_given, st.family_name as staff_family`.execute(db)
      return rows
    },
  }
}
export type TalksQueries = ReturnType<typeof talksQueries>
