// The care schedule's rules as plain functions of their input and today's date: no
// database, unit-tested in rules.test.ts. The guardian side (guardian.ts) and the staff
// side (staff.ts) apply them.
import {
  addDaysIso, compareIso, isIsoDate, isoWeekKey, isoWeekday, mondayOf, parseIsoWeekKey, toIsoDate, type IsoDate,
} from '../../clock.js'
import type { FieldErrors } from '../../web/forms.js'
import type * as q from './queries.js'

export const COMMENT_MAX = 300
export const WEEKDAYS = [1, 2, 3, 4, 5] as const
export type Weekday = (typeof WEEKDAYS)[number]

/**
 * A wall-clock time as people type it on a phone: "7", "7.30", "7,30", "07:30", "730",
 * "0730" (and "07:30:00" from some browsers' time inputs). Returns "HH:MM" or null.
 */
export function parseTime(raw: string): string | null {
  const s = raw.trim().replace(/\s+/g, '')
  const m = /^(\d{1,2})(?:[:.,](\d{2}))?(?::00)?$/.exec(s) ?? /^(\d{1,2})(\d{2})$/.exec(s)
  if (!m) return null
  const h = Number(m[1])
  const min = m[2] === undefined ? 0 : Number(m[2])
  if (h > 23 || min > 59) return null
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`
}

/** "YYYY-MM-DD" (also with one-digit month or day) or null. */
export function parseDate(raw: string): IsoDate | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw.trim())
  if (!m) return null
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`
  return isIsoDate(iso) ? iso : null
}

/** Week URLs ('2026-W49'): one implementation for every box, in src/clock.ts. */
export const weekParam = isoWeekKey
export const parseWeekParam = parseIsoWeekKey

/** Monday to Friday of the week that starts on `monday`. */
export function weekDates(monday: IsoDate): IsoDate[] {
  return WEEKDAYS.map((d) => addDaysIso(monday, d - 1))
}

export function isWeekday(date: IsoDate): boolean {
  return isoWeekday(date) <= 5
}

/** The same calendar date a year later (29 February becomes 28 February). */
export function oneYearAfter(date: IsoDate): IsoDate {
  const [y, m, d] = date.split('-')
  const candidate = `${Number(y) + 1}-${m}-${d}`
  return isIsoDate(candidate) ? candidate : `${Number(y) + 1}-${m}-28`
}

/**
 * Whether guardians may change a day. Today and earlier days (Stockholm) are locked:
 * the unit plans its staffing from them. Registrations reach at most a year ahead.
 */
export type DayState = 'locked' | 'open' | 'tooFar'
export function dayState(date: IsoDate, today: IsoDate): DayState {
  if (compareIso(date, today) <= 0) return 'locked'
  if (compareIso(date, oneYearAfter(today)) > 0) return 'tooFar'
  return 'open'
}

export function todayOf(now: Date): IsoDate {
  return toIsoDate(now)
}

/** Is the week starting on `monday` offered for "Lägg till/Ändra vecka"? Its Monday must still be open. */
export function weekEditable(monday: IsoDate, today: IsoDate): boolean {
  return dayState(monday, today) === 'open'
}

export function weekStateOf(monday: IsoDate, today: IsoDate): 'open' | 'started' | 'tooFar' {
  const state = dayState(monday, today)
  return state === 'locked' ? 'started' : state
}

/** The first week whose Monday can still be changed. */
export function firstEditableMonday(today: IsoDate): IsoDate {
  return addDaysIso(mondayOf(today), 7)
}

export interface OpeningHours { opens: string; closes: string }

export function hoursOf(row: { opens_at: string; closes_at: string }): OpeningHours {
  return { opens: row.opens_at.slice(0, 5), closes: row.closes_at.slice(0, 5) }
}

export interface TimePair { start: string; end: string }

/**
 * Checks one day's start and end as typed. Both empty means "not there". Errors are
 * keyed by the given field names so they land at the right inputs.
 */
export function checkTimes(
  raw: { start: string; end: string }, hours: OpeningHours, fields: { start: string; end: string },
): { times: TimePair | null; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const startRaw = raw.start.trim()
  const endRaw = raw.end.trim()
  if (!startRaw && !endRaw) return { times: null, errors }
  const start = startRaw ? parseTime(startRaw) : null
  const end = endRaw ? parseTime(endRaw) : null
  if (!startRaw) errors[fields.start] = { key: 'care:errors.startMissing' }
  else if (!start) errors[fields.start] = { key: 'care:errors.timeInvalid' }
  else if (start < hours.opens) errors[fields.start] = { key: 'care:errors.beforeOpening', params: { time: hours.opens } }
  else if (start >= hours.closes) errors[fields.start] = { key: 'care:errors.afterClosing', params: { time: hours.closes } }
  if (!endRaw) errors[fields.end] = { key: 'care:errors.endMissing' }
  else if (!end) errors[fields.end] = { key: 'care:errors.timeInvalid' }
  else if (end > hours.closes) errors[fields.end] = { key: 'care:errors.afterClosing', params: { time: hours.closes } }
  else if (end <= hours.opens) errors[fields.end] = { key: 'care:errors.beforeOpening', params: { time: hours.opens } }
  else if (start && !errors[fields.start] && end <= start) errors[fields.end] = { key: 'care:errors.endBeforeStart' }
  if (Object.keys(errors).length || !start || !end) return { times: null, errors }
  return { times: { start, end }, errors }
}

export interface Repetition {
  /** Every N-th week: 1 = every week, 2 = every other week. */
  every: number
  /** The span, counted in weeks from the first one. */
  weeks?: number
  /** The last day to write. */
  until?: IsoDate
}

/** The Mondays that a week written from `monday` with this repetition reaches. */
export function repetitionMondays(monday: IsoDate, rep: Repetition | null): IsoDate[] {
  if (!rep) return [monday]
  const out: IsoDate[] = []
  for (let k = 0; k < 60 * rep.every; k += rep.every) {
    if (rep.weeks !== undefined && k >= rep.weeks) break
    const m = addDaysIso(monday, 7 * k)
    if (rep.until !== undefined && compareIso(m, rep.until) > 0) break
    out.push(m)
  }
  return out
}

export type WeekPattern = Record<Weekday, TimePair | null>

export interface WeekPlan {
  /** Days to write (times, or null to remove), all changeable. */
  writes: q.DayWrite[]
  /** Days the pattern covers that are today or earlier, so were left as they are. */
  skipped: IsoDate[]
  /** The Mondays of the weeks written. */
  mondays: IsoDate[]
}

/**
 * Spreads a week's pattern over the repeated weeks. Weeks between the repeated ones are
 * not in the plan at all, so a co-parent's registrations there are never overwritten.
 */
export function planWeekWrite(monday: IsoDate, pattern: WeekPattern, rep: Repetition | null, today: IsoDate): WeekPlan {
  const writes: q.DayWrite[] = []
  const skipped: IsoDate[] = []
  const mondays: IsoDate[] = []
  for (const m of repetitionMondays(monday, rep)) {
    let any = false
    for (const wd of WEEKDAYS) {
      const day = addDaysIso(m, wd - 1)
      if (rep?.until !== undefined && compareIso(day, rep.until) > 0) continue
      if (dayState(day, today) !== 'open') {
        if (compareIso(day, today) <= 0) skipped.push(day)
        continue
      }
      const t = pattern[wd]
      writes.push({ day, start: t?.start ?? null, end: t?.end ?? null })
      any = true
    }
    if (any) mondays.push(m)
  }
  return { writes, skipped, mondays }
}

/** A weekday of a copied week that the sibling's own rules refuse, with the reason. */
export interface CopyRefusal { weekday: Weekday; key: string; params?: Record<string, string | number> }

/**
 * Copying a checked week to a sibling (issue 18): each day's times are checked again against
 * the sibling's own unit's opening hours. Days the sibling's rules refuse are left out of the
 * copy (and reported); days without times mean "not there" for the sibling too.
 */
export function copyPattern(pattern: WeekPattern, hours: OpeningHours): { pattern: Partial<WeekPattern>; refused: CopyRefusal[] } {
  const out: Partial<WeekPattern> = {}
  const refused: CopyRefusal[] = []
  for (const wd of WEEKDAYS) {
    const t = pattern[wd]
    if (!t) { out[wd] = null; continue }
    const r = checkTimes(t, hours, { start: 'start', end: 'end' })
    const err = r.errors.start ?? r.errors.end
    if (err) refused.push({ weekday: wd, key: err.key, ...(err.params ? { params: err.params } : {}) })
    else out[wd] = t
  }
  return { pattern: out, refused }
}

/** A week's plan without the weekdays the pattern leaves out (see copyPattern). */
export function planCopyWrite(monday: IsoDate, pattern: Partial<WeekPattern>, rep: Repetition | null, today: IsoDate): WeekPlan {
  const full = planWeekWrite(monday, { 1: null, 2: null, 3: null, 4: null, 5: null, ...pattern }, rep, today)
  return { ...full, writes: full.writes.filter((w) => isoWeekday(w.day) in pattern) }
}

/** How many weeks from `monday` fit before the one-year limit. */
export function maxWeeksFrom(monday: IsoDate, today: IsoDate): number {
  const limit = oneYearAfter(today)
  let n = 0
  while (compareIso(addDaysIso(monday, 7 * n + 4), limit) <= 0) n++
  return n
}

export interface WeekInput {
  days: Record<Weekday, { start: string; end: string }>
  repeat: boolean
  every: string
  weeks: string
  until: string
  /** Days left empty take Monday's times (a quick week on a phone). */
  sameAsMonday?: boolean
}

export const dayField = (wd: Weekday, part: 'start' | 'end') => `${part}${wd}`

/** Validates the week form: times per weekday, and the repetition with its one-year bound. */
export function checkWeek(input: WeekInput, hours: OpeningHours, monday: IsoDate, today: IsoDate):
  { ok: true; pattern: WeekPattern; rep: Repetition | null } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const pattern = {} as WeekPattern
  const mondayTimes = input.days[1] ?? { start: '', end: '' }
  for (const wd of WEEKDAYS) {
    let raw = input.days[wd] ?? { start: '', end: '' }
    if (input.sameAsMonday && wd !== 1 && !raw.start.trim() && !raw.end.trim()) raw = mondayTimes
    const r = checkTimes(raw, hours, { start: dayField(wd, 'start'), end: dayField(wd, 'end') })
    Object.assign(errors, r.errors)
    pattern[wd] = r.times
  }
  const limit = oneYearAfter(today)
  let rep: Repetition | null = null
  if (input.repeat) {
    const every = /^\d{1,3}$/.test(input.every.trim()) ? Number(input.every.trim()) : input.every.trim() === '' ? 1 : NaN
    if (!(every >= 1 && every <= 52)) errors.every = { key: 'care:errors.everyInvalid' }
    const weeksRaw = input.weeks.trim()
    const untilRaw = input.until.trim()
    rep = { every: Number.isNaN(every) ? 1 : every }
    if (!weeksRaw && !untilRaw) errors.weeks = { key: 'care:errors.limitMissing' }
    else if (weeksRaw && untilRaw) errors.weeks = { key: 'care:errors.limitBoth' }
    else if (weeksRaw) {
      const weeks = /^\d{1,3}$/.test(weeksRaw) ? Number(weeksRaw) : NaN
      const max = maxWeeksFrom(monday, today)
      if (!(weeks >= 1)) errors.weeks = { key: 'care:errors.weeksInvalid' }
      else if (weeks > max) errors.weeks = { key: 'care:errors.weeksTooMany', params: { max, date: limit } }
      else rep.weeks = weeks
    } else {
      const until = parseDate(untilRaw)
      if (!until) errors.until = { key: 'care:errors.untilInvalid' }
      else if (compareIso(until, monday) < 0) errors.until = { key: 'care:errors.untilBeforeWeek' }
      else if (compareIso(until, limit) > 0) errors.until = { key: 'care:errors.untilTooFar', params: { date: limit } }
      else rep.until = until
    }
  }
  // Days of the week past the limit are skipped like locked days; a week that starts past it is refused.
  if (compareIso(monday, limit) > 0) errors._form = { key: 'care:errors.weekTooFar', params: { date: limit } }
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, pattern, rep }
}

export interface HalfHour { from: string; to: string; count: number }

const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))
const fromMinutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

/**
 * How many children are expected in each half hour of the opening hours: a child counts
 * in a slot when present at any moment of it (06:30-07:00 counts a child arriving 06:45).
 */
export function halfHourCounts(intervals: { start: string; end: string }[], hours: OpeningHours): HalfHour[] {
  const out: HalfHour[] = []
  const close = toMinutes(hours.closes)
  for (let m = toMinutes(hours.opens); m < close; m += 30) {
    const to = Math.min(m + 30, close)
    const count = intervals.filter((i) => toMinutes(i.start) < to && toMinutes(i.end) > m).length
    out.push({ from: fromMinutes(m), to: fromMinutes(to), count })
  }
  return out
}

// ---------------------------------------------------------------------------
// What both sides share: the refusal, a save's result, times as shown.
// ---------------------------------------------------------------------------

export class CareError extends Error {
  constructor(public statusCode: 403 | 404, message: string) {
    super(message)
  }
}

export type SaveResult<T> = ({ ok: true } & T) | { ok: false; status: 403 | 422; errors: FieldErrors }

export const hhmm = (t: string | null) => (t ? t.slice(0, 5) : null)
