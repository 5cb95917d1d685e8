import { Forbidden } from '../../web/errors.js'
import { addDaysIso, compareIso, isIsoDate, stockholmInstant, toIsoDate, toLocalTime, type IsoDate } from '../../clock.js'
import type { Actor } from '../../people/service.js'
import type { FieldErrors } from '../../web/forms.js'

// The talks' pure rules, shared by the guardians' side (guardian.ts) and the staff's
// (staff.ts): limits, the times a publish makes, the publish form's checks, collisions,
// deadlines and the reminder's window. No database here (rules.test.ts).

/** Booking and cancelling are the guardians' (SPEC.md 4.4; pupils are refused by the guard already). */

export const MESSAGE_MAX = 500
/** Free times shown per round on a page; the rest are a link away. */
export const TIMES_PER_PAGE = 24
/** Times per page of the staff's round overview. */
export const OVERVIEW_PAGE = 40
export const PLACE_MAX = 120
export const LINK_MAX = 500
export const MAX_DATES = 10
export const MAX_TIMES = 200
/** Reminders go out from this hour of the day before (not in the night). */
export const REMINDER_FROM = '08:00'

export const staffRef = (actor: Actor) => ({ id: actor.id, admin: actor.role === 'admin' })
export const name = (given: string | null, family: string | null) => `${given ?? ''} ${family ?? ''}`.trim()
/** An id typed into a form (a hidden field, a radio button), or null. */
export const toId = (raw: unknown) => (typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : null)
/** A neutral date and time for notices, which are read in either language later. */
export const stamp = (d: Date) => `${toIsoDate(d)} ${toLocalTime(d)}`

export function assertGuardian(actor: Actor): void {
  if (actor.role !== 'guardian') throw new Forbidden()
}

export interface TimeView { id: number; start: Date; end: Date; date: IsoDate }
export const toTime = (s: { id: number; starts_at: Date | string; ends_at: Date | string }): TimeView => {
  const start = new Date(s.starts_at)
  return { id: s.id, start, end: new Date(s.ends_at), date: toIsoDate(start) }
}

// ---- Deadlines -----------------------------------------------------------------------------

/** A round is open for booking and Avboka until the end of its last booking day. */
export const roundOpen = (today: IsoDate, lastBookingDay: IsoDate) => compareIso(today, lastBookingDay) <= 0

/** A time can be booked while it is ahead and its round open. */
export const bookable = (startsAt: Date, lastBookingDay: IsoDate, now: Date) => startsAt > now && roundOpen(toIsoDate(now), lastBookingDay)

/** Avboka is offered to guardians until the round's last booking day, while the time is ahead. */
export const cancellable = (open: boolean, startsAt: Date, now: Date, actor: Actor) => open && startsAt > now && actor.role === 'guardian'

/** The instants of tomorrow's talks, whose guardians are reminded from 08:00 today; null before then. */
export function reminderWindow(now: Date, today: IsoDate): { from: Date; to: Date } | null {
  if (toLocalTime(now) < REMINDER_FROM) return null
  const tomorrow = addDaysIso(today, 1)
  return { from: stockholmInstant(tomorrow, '00:00'), to: stockholmInstant(addDaysIso(tomorrow, 1), '00:00') }
}

// ---- Publishing: the times and the form's checks ---------------------------------------------

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

const TIME = /^([01]?\d|2[0-3])[:.]?([0-5]\d)$/
export function parseTime(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  const m = TIME.exec(raw.trim())
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : null
}
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
export function parseWhole(raw: unknown, min: number, max: number): number | null {
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

/** The publish form's fields as text (what parseForm read). */
export type PublishText = Partial<Record<'group' | 'staff' | 'dates' | 'from' | 'to' | 'length' | 'pause' | 'placeKind' | 'place' | 'link' | 'lastDay' | 'key', string>>

/** The publish input's times, dates, place and deadline: everything but the group and the pedagogue (those are the database's). */
export type PublishTimes = Omit<PublishInput, 'groupId' | 'staffId'>

/** Checks the form's fields that need no database; the problems go into `errors`. */
export function checkPublishFields(input: PublishText, today: IsoDate, errors: FieldErrors): PublishTimes | null {
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
  if (from === null || to === null || length === null || pause === null || !isIsoDate(lastDay)) return null
  return { dates, from, to, length, pause, digital, place, link: digital ? link : null, lastDay }
}

const FIELD_ORDER = ['group', 'staff', 'dates', 'from', 'to', 'length', 'pause', 'placeKind', 'place', 'link', 'lastDay']
/** The form's messages in the order of its fields (the error summary's order). */
export function orderErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => FIELD_ORDER.indexOf(a) - FIELD_ORDER.indexOf(b)))
}

// ---- Collisions ------------------------------------------------------------------------------

export interface Collision { kind: 'lesson' | 'talk'; text: string; start: string; end: string }
export interface PreviewTime { start: Date; end: Date; date: IsoDate; collisions: Collision[] }

/** A lesson of the pedagogue on a date (local times, "HH:MM" or "HH:MM:SS"). */
export interface LessonOnDate { date: IsoDate; starts_at: string; ends_at: string; subject: string; group_name: string }
/** A time of the pedagogue in another round. */
export interface OtherTalk { starts_at: Date; ends_at: Date; group_name: string }

/** The times a publish would make, each with the lessons and other talks it overlaps (touching ends do not collide). */
export function collisions(input: Pick<PublishInput, 'dates' | 'from' | 'to' | 'length' | 'pause'>, lessons: LessonOnDate[], talks: OtherTalk[]): PreviewTime[] {
  return generateTimes(input).map((t) => {
    const startAt = stockholmInstant(t.date, t.start)
    const endAt = stockholmInstant(t.date, t.end)
    return {
      start: startAt,
      end: endAt,
      date: t.date,
      collisions: [
        ...lessons.filter((l) => l.date === t.date && l.starts_at.slice(0, 5) < t.end && l.ends_at.slice(0, 5) > t.start)
          .map((l) => ({ kind: 'lesson' as const, text: `${l.subject} (${l.group_name})`, start: l.starts_at.slice(0, 5), end: l.ends_at.slice(0, 5) })),
        ...talks.filter((o) => o.starts_at < endAt && o.ends_at > startAt)
          .map((o) => ({ kind: 'talk' as const, text: o.group_name, start: toLocalTime(o.starts_at), end: toLocalTime(o.ends_at) })),
      ],
    }
  })
}
