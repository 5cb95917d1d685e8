import { Forbidden } from '../../web/errors.js'
import type { Db, Executor } from '../../db/index.js'
import { stockholmInstant, type Clock, type IsoDate } from '../../clock.js'
import { isStaff, type Actor } from '../../people/service.js'
import type { FieldErrors } from '../../web/forms.js'
import { createNotifications } from '../../notify/notifications.js'
import { talksQueries } from './queries.js'
import {
  MAX_TIMES, OVERVIEW_PAGE, PLACE_MAX, checkPublishFields, collisions, generateTimes, name, orderErrors, stamp, staffRef, toId, toTime, type PreviewTime, type PublishInput, type PublishText, type TimeView,
} from './rules.js'

// The staff's side of Utvecklingssamtal: the groups and their rounds, publishing a round
// (form, preview with collisions, publish), the round's overview, cancelling and moving.

export interface StaffIndex {
  groups: { id: number; name: string; unitName: string; mine: boolean }[]
  group: { id: number; name: string } | null
  rounds: {
    id: number; staffName: string; place: string; digital: boolean; lastBookingDay: IsoDate
    total: number; booked: number; first: Date | null; last: Date | null
  }[]
}

/** The staff's talks page: the groups of their units and a chosen group's rounds (none chosen: the first). Null: not their group (404). */
export async function staffIndex(db: Db, actor: Actor, groupId: number | null): Promise<StaffIndex | null> {
  if (!isStaff(actor)) throw new Forbidden()
  const q = talksQueries(db)
  const groups = await q.groupsForStaff(staffRef(actor))
  const wanted = groupId ?? groups[0]?.id ?? null
  const group = groups.find((g) => g.id === wanted) ?? null
  if (groupId !== null && !group) return null
  const rounds = group ? await q.roundsOfGroup(group.id, 50) : []
  return {
    groups: groups.map((g) => ({ id: g.id, name: g.name, unitName: g.unit_name, mine: g.mine })),
    group: group ? { id: group.id, name: group.name } : null,
    rounds: rounds.map((r) => ({
      id: r.id, staffName: name(r.staff_given, r.staff_family), place: r.place, digital: r.digital, lastBookingDay: r.last_booking_day,
      total: r.total, booked: r.booked, first: r.first_at ? new Date(r.first_at) : null, last: r.last_at ? new Date(r.last_at) : null,
    })),
  }
}

export interface PublishForm {
  groups: { id: number; name: string; unitName: string }[]
  staff: { id: number; name: string; unitId: number }[]
  today: IsoDate
  placeMax: number
}

export async function publishForm(db: Db, clock: Clock, actor: Actor): Promise<PublishForm> {
  if (!isStaff(actor)) throw new Forbidden()
  const q = talksQueries(db)
  const groups = await q.groupsForStaff(staffRef(actor))
  const staff = await q.staffOfUnits([...new Set(groups.map((g) => g.unit_id))])
  const seen = new Set<number>()
  return {
    groups: groups.map((g) => ({ id: g.id, name: g.name, unitName: g.unit_name })),
    staff: staff.filter((s) => (seen.has(s.id) ? false : (seen.add(s.id), true))).map((s) => ({ id: s.id, name: name(s.given_name, s.family_name), unitId: s.unit_id })),
    today: clock.today(),
    placeMax: PLACE_MAX,
  }
}

export type ParsedPublish =
  | { ok: true; input: PublishInput; values: PublishText }
  | { ok: false; errors: FieldErrors; values: PublishText }

/**
 * Checks the publish form (read with parseForm; `formErrors` are its own checks, which win
 * at their field): the group and the pedagogue against the staff member's units, the rest
 * by the rules. 422 on any problem, with the typed values kept.
 */
export async function parsePublish(db: Db, clock: Clock, actor: Actor, input: PublishText, formErrors: FieldErrors = {}): Promise<ParsedPublish> {
  if (!isStaff(actor)) throw new Forbidden()
  const values = { ...input }
  const errors: FieldErrors = {}
  const q = talksQueries(db)

  const groupId = toId(input.group)
  const group = groupId ? await q.groupForStaff(staffRef(actor), groupId) : undefined
  if (!group) errors.group = { key: 'talks:errors.group' }
  const staffId = input.staff === undefined || input.staff === '' ? actor.id : toId(input.staff)
  if (group) {
    const staff = staffId ? await q.staffOfUnits([group.unit_id]) : []
    if (!staffId || !staff.some((s) => s.id === staffId)) errors.staff = { key: 'talks:errors.staff' }
  }
  const times = checkPublishFields(input, clock.today(), errors)
  Object.assign(errors, formErrors)
  if (Object.keys(errors).length > 0 || !times) return { ok: false, errors: orderErrors(errors), values }
  return { ok: true, values, input: { groupId: group!.id, staffId: staffId!, ...times } }
}

/** The times a publish would make, each with the pedagogue's lessons and other talks it collides with. */
export async function previewTimes(db: Db, input: PublishInput): Promise<PreviewTime[]> {
  const q = talksQueries(db)
  const times = generateTimes(input)
  if (times.length === 0) return []
  const first = times[0]!
  const last = times[times.length - 1]!
  const [lessons, talks] = await Promise.all([
    q.lessonsOfTeacher(input.staffId, input.dates),
    q.otherTalksOfStaff(input.staffId, stockholmInstant(first.date, first.start), stockholmInstant(last.date, last.end)),
  ])
  return collisions(input, lessons, talks)
}

/** Publishes a round and its times in one transaction; the form's key makes a double submit one round. */
export async function publishRound(db: Db, actor: Actor, input: PublishInput, key: string | null, now: Date): Promise<number> {
  if (!isStaff(actor)) throw new Forbidden()
  return db.transaction().execute((trx) => insertRound(trx, actor.id, input, key, now))
}

/** The round and its times (the caller holds the transaction: publishing, or the demo world's). */
export async function insertRound(db: Executor, createdBy: number, input: PublishInput, key: string | null, now: Date): Promise<number> {
  const q = talksQueries(db)
  const times = generateTimes(input).map((t) => ({ start: stockholmInstant(t.date, t.start), end: stockholmInstant(t.date, t.end) }))
  const id = await q.insertRound({
    groupId: input.groupId, staffId: input.staffId, createdBy, place: input.place, digital: input.digital, meetingLink: input.link,
    lastBookingDay: input.lastDay, key, now,
  })
  if (id === null) return (await q.roundByKey(key!))!.id
  await q.insertSlots(id, input.groupId, input.staffId, input.place, times)
  return id
}

export interface OverviewView {
  id: number
  groupId: number
  groupName: string
  staffName: string
  place: string
  digital: boolean
  meetingLink: string | null
  lastBookingDay: IsoDate
  total: number
  booked: number
  page: number
  hasMore: boolean
  slots: {
    id: number; start: Date; end: Date; date: IsoDate; past: boolean
    child: string | null; bookedBy: string | null; message: string | null; bookedAt: Date | null
  }[]
}

/** The round's overview: each time with the booked child, who booked and the message. Null: not the staff member's round (404). */
export async function roundOverview(db: Db, clock: Clock, actor: Actor, roundId: number, pageNumber: number | undefined): Promise<OverviewView | null> {
  if (!isStaff(actor)) throw new Forbidden()
  const page = pageNumber !== undefined && pageNumber > 0 && pageNumber < 10_000 ? pageNumber : 1
  const r = await talksQueries(db).roundOverview(staffRef(actor), roundId, { offset: (page - 1) * OVERVIEW_PAGE, limit: OVERVIEW_PAGE })
  if (!r) return null
  const now = clock.now()
  return {
    id: r.id, groupId: r.group_id, groupName: r.group_name, staffName: name(r.staff_given, r.staff_family),
    place: r.place, digital: r.digital, meetingLink: r.meeting_link, lastBookingDay: r.last_booking_day,
    total: r.total, booked: r.booked, page, hasMore: page * OVERVIEW_PAGE < r.total,
    slots: r.slots.map((s) => {
      const t = toTime(s)
      return {
        ...t, past: t.start <= now,
        child: s.child_id ? name(s.child_given, s.child_family) : null,
        bookedBy: s.by_given ? name(s.by_given, s.by_family) : null,
        message: s.message,
        bookedAt: s.booked_at ? new Date(s.booked_at) : null,
      }
    }),
  }
}

export interface MoveForm {
  roundId: number
  slot: TimeView
  child: string
  free: TimeView[]
}

/** The form to move a booking: the booked time and the round's free times ahead. Null: 404. */
export async function moveForm(db: Db, clock: Clock, actor: Actor, roundId: number, slotId: number): Promise<MoveForm | null> {
  if (!isStaff(actor)) throw new Forbidden()
  const q = talksQueries(db)
  const s = await q.slotForStaff(staffRef(actor), roundId, slotId)
  if (!s || !s.child_id) return null
  const free = await q.freeSlots(roundId, clock.now(), MAX_TIMES)
  return { roundId, slot: toTime({ id: s.slot_id, starts_at: s.starts_at, ends_at: s.ends_at }), child: name(s.child_given, s.child_family), free: free.map(toTime) }
}

async function notifyGuardians(trx: Executor, childId: number, kind: 'talkCancelled' | 'talkMoved', params: Record<string, string>, now: Date) {
  const guardians = await talksQueries(trx).guardiansOf(childId)
  await createNotifications(trx, {
    recipientIds: guardians.map((g) => g.guardian_id), childId, area: 'talks', kind, params, link: `/children/${childId}/talks`, now,
  })
}

export type StaffChange = { ok: true; notified: boolean } | { ok: false; reason: 'notFound' | 'taken' }

/** Cancels a time (and its booking, whose guardians are told). */
export async function cancelSlot(db: Db, actor: Actor, roundId: number, slotId: number, now: Date): Promise<StaffChange> {
  if (!isStaff(actor)) throw new Forbidden()
  return db.transaction().execute(async (trx) => {
    const q = talksQueries(trx)
    const s = await q.slotForStaff(staffRef(actor), roundId, slotId)
    if (!s) return { ok: false, reason: 'notFound' } as const
    const { deleted, childId } = await q.deleteSlot(roundId, slotId)
    if (!deleted) return { ok: false, reason: 'notFound' } as const
    if (childId) await notifyGuardians(trx, childId, 'talkCancelled', { time: stamp(s.starts_at), staff: name(s.staff_given, s.staff_family) }, now)
    return { ok: true, notified: Boolean(childId) } as const
  })
}

/** Cancels the booking of a time (the time stays free); the guardians are told. */
export async function cancelBookingByStaff(db: Db, actor: Actor, roundId: number, slotId: number, now: Date): Promise<StaffChange> {
  if (!isStaff(actor)) throw new Forbidden()
  return db.transaction().execute(async (trx) => {
    const q = talksQueries(trx)
    const s = await q.slotForStaff(staffRef(actor), roundId, slotId)
    if (!s) return { ok: false, reason: 'notFound' } as const
    const gone = await q.deleteBooking(roundId, slotId)
    if (!gone) return { ok: true, notified: false } as const
    await notifyGuardians(trx, gone.child_id, 'talkCancelled', { time: stamp(s.starts_at), staff: name(s.staff_given, s.staff_family) }, now)
    return { ok: true, notified: true } as const
  })
}

/** Moves a booking to a free time of the round (`to`: the chosen time, null when none fits); the guardians are told the new time. */
export async function moveBooking(db: Db, actor: Actor, roundId: number, slotId: number, to: number | null, now: Date): Promise<StaffChange | { ok: false; reason: 'invalid' }> {
  if (!isStaff(actor)) throw new Forbidden()
  if (to === null) return { ok: false, reason: 'invalid' }
  return db.transaction().execute(async (trx) => {
    const q = talksQueries(trx)
    const s = await q.slotForStaff(staffRef(actor), roundId, slotId)
    if (!s || !s.child_id) return { ok: false, reason: 'notFound' } as const
    const target = await q.slotForStaff(staffRef(actor), roundId, to)
    if (!target) return { ok: false, reason: 'invalid' } as const
    const moved = await q.moveBooking(roundId, slotId, to, now)
    if (!moved) return { ok: false, reason: 'taken' } as const
    await notifyGuardians(trx, moved.child_id, 'talkMoved', { time: stamp(target.starts_at), staff: name(s.staff_given, s.staff_family) }, now)
    return { ok: true, notified: true } as const
  })
}
