import { sql } from 'kysely'
import type { Db, Executor } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'
import type { IsoDate } from '../../clock.js'
import { staffTalksQueries } from './staff-queries.js'

// ---- What the start page reads on every view: compiled once --------------------------------

/** Bookable (a free time ahead in an open round with no booking of the child yet), or a booking ahead. */
const availableStatement = compiledOnce((db: Db, childId: number, now: Date, today: IsoDate) => db.selectNoFrom((eb) => eb.or([
  eb.exists(
    eb.selectFrom('talk_slots as s')
      .innerJoin('talk_rounds as r', 'r.id', 's.round_id')
      .innerJoin('group_memberships as gm', 'gm.group_id', 'r.group_id')
      .select('s.id')
      .where('gm.child_id', '=', childId)
      .where('s.starts_at', '>', now)
      .where(sql<boolean>`r.last_booking_day >= ${today}::date`)
      .where((w) => w.not(w.exists(w.selectFrom('talk_bookings as b').select('b.slot_id').whereRef('b.slot_id', '=', 's.id'))))
      .where((w) => w.not(w.exists(w.selectFrom('talk_bookings as o').select('o.slot_id').whereRef('o.round_id', '=', 'r.id').where('o.child_id', '=', childId)))),
  ),
  eb.exists(
    eb.selectFrom('talk_bookings as b').innerJoin('talk_slots as s', 's.id', 'b.slot_id')
      .select('b.slot_id').where('b.child_id', '=', childId).where('s.starts_at', '>', now),
  ),
]).as('available')), 3)

export async function talksAvailable(db: Executor, childId: number, now: Date, today: IsoDate): Promise<boolean> {
  return Boolean((await availableStatement(db, childId, now, today)).rows[0]?.available)
}

/** The tile: the child's next booked time and the earliest deadline of an open round with a free time, in one read. */
const summaryStatement = compiledOnce((db: Db, childId: number, now: Date, today: IsoDate) => db.selectNoFrom((eb) => [
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
]), 3)

export async function talksTileFacts(db: Executor, childId: number, now: Date, today: IsoDate) {
  return (await summaryStatement(db, childId, now, today)).rows[0]
}

/** "Att göra": rounds of the child's groups with a free time ahead, still bookable, where the child has no booking. */
const openRoundsStatement = compiledOnce((db: Db, childId: number, now: Date, today: IsoDate, limit: number) => db.selectFrom('talk_rounds as r')
  .innerJoin('group_memberships as gm', 'gm.group_id', 'r.group_id')
  .innerJoin('persons as p', 'p.id', 'r.staff_id')
  .select(['r.id', 'p.given_name', 'p.family_name', sql<IsoDate>`r.last_booking_day::text`.as('last_day')])
  .where('gm.child_id', '=', childId)
  .where(sql<boolean>`r.last_booking_day >= ${today}::date`)
  .where((w) => w.not(w.exists(w.selectFrom('talk_bookings as o').select('o.slot_id').whereRef('o.round_id', '=', 'r.id').where('o.child_id', '=', childId))))
  .where((w) => w.exists(w.selectFrom('talk_slots as s').select('s.id').whereRef('s.round_id', '=', 'r.id').where('s.starts_at', '>', now)
    .where((x) => x.not(x.exists(x.selectFrom('talk_bookings as b').select('b.slot_id').whereRef('b.slot_id', '=', 's.id'))))))
  .orderBy('r.last_booking_day').orderBy('r.id')
  .limit(limit), 4)

export async function openRoundsWithoutBooking(db: Executor, childId: number, now: Date, today: IsoDate, limit: number) {
  return (await openRoundsStatement(db, childId, now, today, limit)).rows
}

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

/**
 * The SQL of the talks box, in two files: this one the guardians' side (the child's rounds,
 * booking, Avboka, the tile) and the reminders; `staff-queries.ts` the staff's (groups,
 * rounds, publishing, the overview, cancelling and moving). `talksQueries(db)` is both, so
 * a service reads one object. Every read of a child's data has the child's id in its WHERE.
 */
export function talksQueries(db: Executor) {
  return {
    ...staffTalksQueries(db),
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

    /** The child's guardians, with the address and language of their e-mail (none: null). */
    async guardiansOf(childId: number) {
      return db.selectFrom('guardianships as g').innerJoin('persons as p', 'p.id', 'g.guardian_id')
        .select(['g.guardian_id', 'p.email', 'p.locale', 'p.given_name']).where('g.child_id', '=', childId).orderBy('g.guardian_id').execute()
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
