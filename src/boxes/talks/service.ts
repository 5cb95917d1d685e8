import ical from 'ical-generator'
import type { Db, Executor } from '../../db/index.js'
import { addDaysIso, compareIso, isIsoDate, stockholmInstant, toIsoDate, toLocalTime, type Clock, type IsoDate } from '../../clock.js'
import { isStaff, type Actor, type Child } from '../../people/service.js'
import { cleanBody, type FieldErrors } from '../../web/forms.js'
import { formatters } from '../../web/format.js'
import { createNotifications } from '../../notify/notifications.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { talksQueries, type BookingJson, type SlotJson } from './queries.js'

/** Booking and cancelling are the guardians' (SPEC.md 4.4; pupils are refused by the guard already). */
export class Forbidden extends Error {
  constructor() { super('forbidden') }
}

export const MESSAGE_MAX = 500
/** Free times shown per round on a page; the rest are a link away. */
export const TIMES_PER_PAGE = 24
/** Times per page of the staff's round overview. */
export const OVERVIEW_PAGE = 40
export const PLACE_MAX = 120
export const LINK_MAX = 500
export const MAX_DATES = 10
export const MAX_TIMES = 200

const staffRef = (actor: Actor) => ({ id: actor.id, admin: actor.role === 'admin' })
const name = (given: string | null, family: string | null) => `${given ?? ''} ${family ?? ''}`.trim()
const toId = (raw: unknown) => (typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : null)
/** A neutral date and time for notices, which are read in either language later. */
const stamp = (d: Date) => `${toIsoDate(d)} ${toLocalTime(d)}`

function assertGuardian(actor: Actor): void {
  if (actor.role !== 'guardian') throw new Forbidden()
}

export interface TimeView { id: number; start: Date; end: Date; date: IsoDate }
const toTime = (s: SlotJson | { id: number; starts_at: Date | string; ends_at: Date | string }): TimeView => {
  const start = new Date(s.starts_at)
  return { id: s.id, start, end: new Date(s.ends_at), date: toIsoDate(start) }
}

export interface BookingView {
  slotId: number
  start: Date
  end: Date
  message: string
  bookedBy: string
  bookedByYou: boolean
  at: Date
  /** Avboka is offered until the round's last booking day (and while the time is ahead). */
  canCancel: boolean
  icsHref: string
}

export interface RoundView {
  id: number
  groupName: string
  place: string
  digital: boolean
  meetingLink: string | null
  lastBookingDay: IsoDate
  open: boolean
  booking: BookingView | null
  free: TimeView[]
  freeTotal: number
  /** The next page of free times, when there are more. */
  moreHref: string | null
  prevHref: string | null
}

export interface PedagogueView {
  staffId: number
  name: string
  /** The child's mentor: listed first and marked. */
  mentor: boolean
  rounds: RoundView[]
  messageHref: string
}

export interface TalksPage {
  pedagogues: PedagogueView[]
  /** After Avboka: the pedagogue to write to, with the link to a new message addressed to them. */
  suggest: { name: string; href: string } | null
  /** One round's page (more free times): its id. */
  roundId: number | null
}

/** The guardian's page: the child's rounds grouped per pedagogue, the mentor first. */
export async function talksPage(
  db: Executor, clock: Clock, actor: Actor, child: Child,
  opts: { roundId?: number; offset?: number; cancelledStaff?: unknown } = {},
): Promise<TalksPage> {
  const now = clock.now()
  const today = clock.today()
  const q = talksQueries(db)
  const offset = opts.roundId ? Math.max(0, opts.offset ?? 0) : 0
  const cancelled = toId(opts.cancelledStaff)
  const [rows, pedagogue] = await Promise.all([
    q.childRounds(child.id, now, today, { roundId: opts.roundId, offset, limit: TIMES_PER_PAGE }),
    cancelled ? q.isChildsPedagogue(child.id, cancelled) : Promise.resolve(undefined),
  ])
  const base = `/children/${child.id}/talks`
  const pedagogues: PedagogueView[] = []
  for (const r of rows) {
    let p = pedagogues.find((x) => x.staffId === r.staff_id)
    if (!p) {
      p = { staffId: r.staff_id, name: name(r.staff_given, r.staff_family), mentor: r.mentor, rounds: [], messageHref: `/children/${child.id}/messages/new?to=${r.staff_id}` }
      pedagogues.push(p)
    }
    const open = compareIso(today, r.last_booking_day) <= 0
    p.rounds.push({
      id: r.id,
      groupName: r.group_name,
      place: r.place,
      digital: r.digital,
      meetingLink: r.meeting_link,
      lastBookingDay: r.last_booking_day,
      open,
      booking: r.booking ? toBookingView(r.booking, actor, open, now, base) : null,
      free: r.free.map(toTime),
      freeTotal: r.free_total,
      moreHref: offset + TIMES_PER_PAGE < r.free_total ? `${base}/rounds/${r.id}?offset=${offset + TIMES_PER_PAGE}` : null,
      prevHref: offset > 0 ? `${base}/rounds/${r.id}?offset=${Math.max(0, offset - TIMES_PER_PAGE)}` : null,
    })
  }
  return {
    pedagogues,
    suggest: cancelled && pedagogue ? { name: name(pedagogue.given_name, pedagogue.family_name), href: `/children/${child.id}/messages/new?to=${cancelled}` } : null,
    roundId: opts.roundId ?? null,
  }
}

function toBookingView(b: BookingJson, actor: Actor, open: boolean, now: Date, base: string): BookingView {
  const start = new Date(b.starts_at)
  return {
    slotId: b.slot_id,
    start,
    end: new Date(b.ends_at),
    message: b.message,
    bookedBy: name(b.by_given, b.by_family),
    bookedByYou: b.booked_by === actor.id,
    at: new Date(b.created_at),
    canCancel: open && start > now && actor.role === 'guardian',
    icsHref: `${base}/bookings/${b.slot_id}.ics`,
  }
}

export type BookResult =
  | { ok: true; status: 'booked' | 'already'; roundId: number }
  | { ok: false; status: 'invalid' | 'taken' | 'bookedInRound' | 'closed'; errors: FieldErrors; values: Record<string, unknown>; roundId: number | null; formError?: string }

/**
 * Books a time for the child, with an optional message (staff see it in their overview;
 * no notice is sent for it: SPEC.md 4.4). The database decides races: a time holds one
 * child, a child one time per round; the loser is told which and sees the times left.
 * A double submit of the same booking is the same booking.
 */
export async function bookTalk(db: Db, clock: Clock, actor: Actor, child: Child, body: unknown, now: Date): Promise<BookResult> {
  assertGuardian(actor)
  const input = cleanBody(body)
  const roundId = toId(input.round)
  const slotId = toId(input.slot)
  const message = typeof input.message === 'string' ? input.message : ''
  const values = { round: input.round, slot: input.slot, message }
  const errors: FieldErrors = {}
  const field = (f: string) => (roundId ? `${f}-${roundId}` : f)
  if (slotId === null) errors[field('slot')] = { key: 'talks:errors.slotRequired' }
  if (message.length > MESSAGE_MAX) errors[field('message')] = { key: 'errors.field.tooLong', params: { max: MESSAGE_MAX } }
  if (Object.keys(errors).length > 0 || slotId === null) return { ok: false, status: 'invalid', errors, values, roundId }

  const today = toIsoDate(now)
  return db.transaction().execute(async (trx) => {
    const q = talksQueries(trx)
    const slot = await q.slotForChild(child.id, slotId)
    if (!slot || (roundId !== null && slot.round_id !== roundId)) {
      return { ok: false, status: 'invalid', errors: { [field('slot')]: { key: 'talks:errors.slotRequired' } }, values, roundId } as const
    }
    const errs = (key: string, params?: Record<string, string>) => ({ [`slot-${slot.round_id}`]: { key, params } })
    if (slot.starts_at <= now || compareIso(today, slot.last_booking_day) > 0) {
      return { ok: false, status: 'closed', errors: errs('talks:errors.closed'), values, roundId: slot.round_id } as const
    }
    if (await q.insertBooking({ slotId, roundId: slot.round_id, childId: child.id, by: actor.id, message, now })) {
      return { ok: true, status: 'booked', roundId: slot.round_id } as const
    }
    // Not inserted: the child has a time in this round already, or someone else took this one.
    const mine = await q.bookingInRound(child.id, slot.round_id)
    if (mine && mine.slot_id === slotId) return { ok: true, status: 'already', roundId: slot.round_id } as const
    if (mine) {
      return {
        ok: false, status: 'bookedInRound', values, roundId: slot.round_id,
        errors: errs('talks:errors.bookedInRound', { name: child.givenName, by: name(mine.given_name, mine.family_name) }),
      } as const
    }
    return { ok: false, status: 'taken', errors: errs('talks:errors.taken'), values, roundId: slot.round_id } as const
  })
}

export type CancelResult = { ok: true; staffId: number } | { ok: false; reason: 'closed' | 'gone'; staffId: number | null }

/** Avboka: frees the time while the round is open; afterwards the page says to contact the pedagogue. */
export async function cancelBooking(db: Db, clock: Clock, actor: Actor, child: Child, slotId: number, now: Date): Promise<CancelResult> {
  assertGuardian(actor)
  if (!Number.isSafeInteger(slotId)) return { ok: false, reason: 'gone', staffId: null }
  const today = clock.today()
  return db.transaction().execute(async (trx) => {
    const q = talksQueries(trx)
    const done = await q.deleteOpenBooking(child.id, slotId, now, today)
    if (done) return { ok: true, staffId: done.staff_id } as const
    const still = await q.bookingOfChild(child.id, slotId)
    return still ? ({ ok: false, reason: 'closed', staffId: still.staff_id } as const) : ({ ok: false, reason: 'gone', staffId: null } as const)
  })
}

/** The booking as an iCalendar file for the guardian's own calendar; null when it is not the child's. */
export async function bookingIcs(db: Db, clock: Clock, child: Child, slotId: number, t: (key: string, params?: Record<string, unknown>) => string): Promise<string | null> {
  if (!Number.isSafeInteger(slotId)) return null
  const b = await talksQueries(db).bookingOfChild(child.id, slotId)
  if (!b) return null
  const cal = ical({ prodId: { company: 'Hubben', product: 'talks', language: 'SV' }, name: t('talks:ics.calendarName') })
  const staff = name(b.staff_given, b.staff_family)
  cal.createEvent({
    id: `talk-${b.slot_id}-${child.id}@hubben`,
    start: b.starts_at,
    end: b.ends_at,
    summary: t('talks:ics.summary', { child: child.givenName, staff }),
    location: b.digital ? b.meeting_link : b.place || null,
    description: [b.digital && b.meeting_link ? `${t('talks:digital')}: ${b.meeting_link}` : '', b.message].filter(Boolean).join('\n') || null,
    stamp: clock.now(),
  })
  return cal.toString()
}

/** The tile: the booked time, or the last day to book one. */
export async function talksSummary({ db, clock, actor, child }: BoxContext): Promise<BoxSummary | null> {
  const row = await talksQueries(db).summary(child.id, clock.now(), clock.today()).executeTakeFirst()
  const f = formatters(actor.locale)
  if (row?.booked_at) {
    const at = new Date(row.booked_at)
    return { key: 'talks:summary.booked', params: { date: f.shortDate(at), time: f.time(at) } }
  }
  if (row?.book_by) return { key: 'talks:summary.bookBy', params: { date: f.weekdayDate(row.book_by) } }
  return null
}

// ---- Staff ------------------------------------------------------------------------------

export interface StaffIndex {
  groups: { id: number; name: string; unitName: string; mine: boolean }[]
  group: { id: number; name: string } | null
  rounds: {
    id: number; staffName: string; place: string; digital: boolean; lastBookingDay: IsoDate
    total: number; booked: number; first: Date | null; last: Date | null
  }[]
}

/** The staff's talks page: the groups of their units and a chosen group's rounds. Null: not their group (404). */
export async function staffIndex(db: Db, actor: Actor, groupParam: unknown): Promise<StaffIndex | null> {
  if (!isStaff(actor)) throw new Forbidden()
  const q = talksQueries(db)
  const groups = await q.groupsForStaff(staffRef(actor))
  const wanted = groupParam === undefined || groupParam === '' ? groups[0]?.id ?? null : toId(groupParam)
  const group = groups.find((g) => g.id === wanted) ?? null
  if (groupParam !== undefined && groupParam !== '' && !group) return null
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

export interface PublishInput {
  groupId: number
  staffId: number
  dates: IsoDate[]
  from: string
  to: string
  length: number
  pause: number
  digital: boolean
  place: string
  link: string | null
  lastDay: IsoDate
}

export interface PreviewTime {
  start: Date
  end: Date
  date: IsoDate
  collisions: { kind: 'lesson' | 'talk'; text: string; start: string; end: string }[]
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

const TIME = /^([01]?\d|2[0-3])[:.]?([0-5]\d)$/
function parseTime(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  const m = TIME.exec(raw.trim())
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : null
}
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
function parseWhole(raw: unknown, min: number, max: number): number | null {
  if (typeof raw !== 'string' || !/^\d{1,4}$/.test(raw.trim())) return null
  const n = Number(raw)
  return n >= min && n <= max ? n : null
}

/** The talks' times of a publish input: on each date from `from`, `length` minutes each with `pause` between, ending by `to`. */
export function generateTimes(input: Pick<PublishInput, 'dates' | 'from' | 'to' | 'length' | 'pause'>): { date: IsoDate; start: string; end: string }[] {
  const out: { date: IsoDate; start: string; end: string }[] = []
  const end = minutes(input.to)
  for (const date of input.dates) {
    for (let t = minutes(input.from); t + input.length <= end; t += input.length + input.pause) {
      out.push({ date, start: hhmm(t), end: hhmm(t + input.length) })
    }
  }
  return out
}

export type ParsedPublish =
  | { ok: true; input: PublishInput; values: Record<string, unknown> }
  | { ok: false; errors: FieldErrors; values: Record<string, unknown> }

/** Checks the publish form (422 on any problem, with the typed values kept). */
export async function parsePublish(db: Db, clock: Clock, actor: Actor, body: unknown): Promise<ParsedPublish> {
  if (!isStaff(actor)) throw new Forbidden()
  const input = cleanBody(body)
  const values = { ...input }
  const errors: FieldErrors = {}
  const q = talksQueries(db)
  const today = clock.today()

  const groupId = toId(input.group)
  const group = groupId ? await q.groupForStaff(staffRef(actor), groupId) : undefined
  if (!group) errors.group = { key: 'talks:errors.group' }
  const staffId = input.staff === undefined || input.staff === '' ? actor.id : toId(input.staff)
  if (group) {
    const staff = staffId ? await q.staffOfUnits([group.unit_id]) : []
    if (!staffId || !staff.some((s) => s.id === staffId)) errors.staff = { key: 'talks:errors.staff' }
  }

  const rawDates = typeof input.dates === 'string' ? input.dates.split(/[\s,;]+/).filter(Boolean) : []
  const dates = [...new Set(rawDates)].sort()
  if (dates.length === 0) errors.dates = { key: 'talks:errors.datesRequired' }
  else if (!dates.every((d) => isIsoDate(d))) errors.dates = { key: 'talks:errors.datesFormat' }
  else if (dates.length > MAX_DATES) errors.dates = { key: 'talks:errors.datesTooMany', params: { max: MAX_DATES } }
  else if (dates.some((d) => compareIso(d, today) <= 0)) errors.dates = { key: 'talks:errors.datesFuture' }
  else if (dates.some((d) => compareIso(d, addDaysIso(today, 365)) > 0)) errors.dates = { key: 'talks:errors.datesTooFar' }

  const from = parseTime(input.from)
  const to = parseTime(input.to)
  if (!from) errors.from = { key: 'talks:errors.time' }
  if (!to) errors.to = { key: 'talks:errors.time' }
  else if (from && minutes(to) <= minutes(from)) errors.to = { key: 'talks:errors.toAfterFrom' }
  const length = parseWhole(input.length, 5, 240)
  if (length === null) errors.length = { key: 'talks:errors.length', params: { min: 5, max: 240 } }
  const pause = input.pause === undefined || input.pause === '' ? 0 : parseWhole(input.pause, 0, 120)
  if (pause === null) errors.pause = { key: 'talks:errors.pause', params: { max: 120 } }

  const digital = input.placeKind === 'digital'
  if (input.placeKind !== 'room' && input.placeKind !== 'digital') errors.placeKind = { key: 'talks:errors.placeKind' }
  const place = typeof input.place === 'string' ? input.place : ''
  const link = typeof input.link === 'string' ? input.link : ''
  if (input.placeKind === 'room') {
    if (!place) errors.place = { key: 'talks:errors.place' }
    else if (place.length > PLACE_MAX) errors.place = { key: 'errors.field.tooLong', params: { max: PLACE_MAX } }
  }
  if (digital) {
    if (!link) errors.link = { key: 'talks:errors.linkRequired' }
    else if (link.length > LINK_MAX || !/^https?:\/\/[^\s<>"]+$/.test(link) || !URL.canParse(link)) errors.link = { key: 'talks:errors.link' }
    if (place.length > PLACE_MAX) errors.place = { key: 'errors.field.tooLong', params: { max: PLACE_MAX } }
  }

  const lastDay = typeof input.lastDay === 'string' ? input.lastDay : ''
  if (!isIsoDate(lastDay)) errors.lastDay = { key: 'talks:errors.lastDayFormat' }
  else if (compareIso(lastDay, today) < 0) errors.lastDay = { key: 'talks:errors.lastDayPast' }
  else if (!errors.dates && dates.length && compareIso(lastDay, dates[0]!) > 0) errors.lastDay = { key: 'talks:errors.lastDayAfter' }

  if (!errors.from && !errors.to && !errors.length && !errors.pause && !errors.dates && from && to && length !== null && pause !== null) {
    const n = generateTimes({ dates, from, to, length, pause }).length
    if (n === 0) errors.length = { key: 'talks:errors.noTimes' }
    else if (n > MAX_TIMES) errors.length = { key: 'talks:errors.tooManyTimes', params: { max: MAX_TIMES } }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors: orderErrors(errors), values }
  return {
    ok: true,
    values,
    input: { groupId: group!.id, staffId: staffId!, dates, from: from!, to: to!, length: length!, pause: pause!, digital, place, link: digital ? link : null, lastDay },
  }
}

const FIELD_ORDER = ['group', 'staff', 'dates', 'from', 'to', 'length', 'pause', 'placeKind', 'place', 'link', 'lastDay']
function orderErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => FIELD_ORDER.indexOf(a) - FIELD_ORDER.indexOf(b)))
}

/** The times a publish would make, each with the pedagogue's lessons and other talks it collides with. */
export async function previewTimes(db: Db, input: PublishInput): Promise<PreviewTime[]> {
  const q = talksQueries(db)
  const times = generateTimes(input).map((t) => ({ ...t, startAt: stockholmInstant(t.date, t.start), endAt: stockholmInstant(t.date, t.end) }))
  if (times.length === 0) return []
  const [lessons, talks] = await Promise.all([
    q.lessonsOfTeacher(input.staffId, input.dates),
    q.otherTalksOfStaff(input.staffId, times[0]!.startAt, times[times.length - 1]!.endAt),
  ])
  return times.map((t) => ({
    start: t.startAt,
    end: t.endAt,
    date: t.date,
    collisions: [
      ...lessons.filter((l) => l.date === t.date && l.starts_at.slice(0, 5) < t.end && l.ends_at.slice(0, 5) > t.start)
        .map((l) => ({ kind: 'lesson' as const, text: `${l.subject} (${l.group_name})`, start: l.starts_at.slice(0, 5), end: l.ends_at.slice(0, 5) })),
      ...talks.filter((o) => o.starts_at < t.endAt && o.ends_at > t.startAt)
        .map((o) => ({ kind: 'talk' as const, text: o.group_name, start: toLocalTime(o.starts_at), end: toLocalTime(o.ends_at) })),
    ],
  }))
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
export async function roundOverview(db: Db, clock: Clock, actor: Actor, roundId: number, pageParam: unknown): Promise<OverviewView | null> {
  if (!isStaff(actor)) throw new Forbidden()
  if (!Number.isSafeInteger(roundId)) return null
  const page = typeof pageParam === 'string' && /^\d{1,4}$/.test(pageParam) && Number(pageParam) > 0 ? Number(pageParam) : 1
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
  if (!Number.isSafeInteger(roundId) || !Number.isSafeInteger(slotId)) return null
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
  if (!Number.isSafeInteger(roundId) || !Number.isSafeInteger(slotId)) return { ok: false, reason: 'notFound' }
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
  if (!Number.isSafeInteger(roundId) || !Number.isSafeInteger(slotId)) return { ok: false, reason: 'notFound' }
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

/** Moves a booking to a free time of the round; the guardians are told the new time. */
export async function moveBooking(db: Db, actor: Actor, roundId: number, slotId: number, body: unknown, now: Date): Promise<StaffChange | { ok: false; reason: 'invalid' }> {
  if (!isStaff(actor)) throw new Forbidden()
  if (!Number.isSafeInteger(roundId) || !Number.isSafeInteger(slotId)) return { ok: false, reason: 'notFound' }
  const to = toId(cleanBody(body).to)
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

// ---- The reminder the day before ---------------------------------------------------------

/** Reminders go out from this hour of the day before (not in the night). */
const REMINDER_FROM = '08:00'

/**
 * The day before a talk, its guardians get a reminder (bell, and push through the outbox).
 * Run by the housekeeping loop; idempotent: each booking is claimed once (reminded_at),
 * so repeated runs and several instances remind once. A moved booking is reminded again.
 */
export async function sendTalkReminders(db: Db, clock: Clock): Promise<number> {
  const now = clock.now()
  if (toLocalTime(now) < REMINDER_FROM) return 0
  const tomorrow = addDaysIso(clock.today(), 1)
  const from = stockholmInstant(tomorrow, '00:00')
  const to = stockholmInstant(addDaysIso(tomorrow, 1), '00:00')
  return db.transaction().execute(async (trx) => {
    const q = talksQueries(trx)
    const claimed = await q.claimReminders(from, to, now)
    for (const b of claimed) {
      const guardians = await q.guardiansOf(b.child_id)
      await createNotifications(trx, {
        recipientIds: guardians.map((g) => g.guardian_id), childId: b.child_id, area: 'talks', kind: 'talkReminder',
        params: { time: toLocalTime(new Date(b.starts_at)), staff: name(b.staff_given, b.staff_family) },
        link: `/children/${b.child_id}/talks`, now,
      })
    }
    return claimed.length
  })
}
