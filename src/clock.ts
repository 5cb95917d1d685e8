import { TZDate } from '@date-fns/tz'

/** Every calendar date in Hubben is a date in Sweden. */
export const TIME_ZONE = 'Europe/Stockholm'

/** A calendar date as 'YYYY-MM-DD' (Stockholm). */
export type IsoDate = string

export interface Clock {
  now(): Date
  /** Today's date in Stockholm. */
  today(): IsoDate
}

export function systemClock(frozen?: Date): Clock {
  const now = frozen ? () => new Date(frozen.getTime()) : () => new Date()
  return { now, today: () => toIsoDate(now()) }
}

/** A clock that tests can move. */
export function fixedClock(at: Date | string): Clock & { set(at: Date | string): void } {
  let t = new Date(at)
  return {
    now: () => new Date(t.getTime()),
    today: () => toIsoDate(t),
    set(at) { t = new Date(at) },
  }
}

// Formatting through date-fns/tz showed up in profiles (every page asks for today and a
// week's dates many times): Stockholm's date and time come from one cached Intl formatter,
// and calendar arithmetic (days, weekdays, ISO weeks) is plain UTC date arithmetic, which
// needs no time zone at all.
const stockholmParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
})
let lastMinute = NaN
let lastParts = { date: '', time: '' }

function stockholm(instant: Date): { date: IsoDate; time: string } {
  // Stockholm's offset is whole hours: within one UTC minute the date and time are the same.
  const minute = Math.floor(instant.getTime() / 60_000)
  if (minute === lastMinute) return lastParts
  const p: Record<string, string> = {}
  for (const part of stockholmParts.formatToParts(instant)) p[part.type] = part.value
  lastMinute = minute
  lastParts = { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` }
  return lastParts
}

/** The Stockholm calendar date of an instant. */
export function toIsoDate(instant: Date): IsoDate {
  return stockholm(instant).date
}

/** 'HH:mm' in Stockholm for an instant. */
export function toLocalTime(instant: Date): string {
  return stockholm(instant).time
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar date in the years a school portal deals with (PostgreSQL has no year 0). */
export function isIsoDate(s: unknown): s is IsoDate {
  if (typeof s !== 'string' || !ISO_DATE.test(s)) return false
  const year = Number(s.slice(0, 4))
  if (year < 1900 || year > 2199) return false
  const d = new Date(`${s}T12:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

const DAY_MS = 86_400_000

/** Midnight UTC of a calendar date: a number to do calendar arithmetic on. */
function utcDay(date: IsoDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))
}

function fromUtcDay(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10)
}

export function addDaysIso(date: IsoDate, days: number): IsoDate {
  return fromUtcDay(utcDay(date) + days * DAY_MS)
}

/** The instant of a wall-clock time ('HH:mm') on a Stockholm date. */
export function stockholmInstant(date: IsoDate, time: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  const [hh, mm] = time.split(':').map(Number)
  return new Date(new TZDate(y!, m! - 1, d!, hh!, mm!, 0, TIME_ZONE).getTime())
}

/** ISO week number and week-year of a date, as Swedes number weeks (the week of its Thursday). */
export function isoWeekOf(date: IsoDate): { year: number; week: number } {
  const thursday = utcDay(date) + (4 - isoWeekday(date)) * DAY_MS
  const year = new Date(thursday).getUTCFullYear()
  return { year, week: 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) }
}

/** The Monday of the ISO week that holds the date. */
export function mondayOf(date: IsoDate): IsoDate {
  return addDaysIso(date, 1 - isoWeekday(date))
}

/** 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  const day = new Date(utcDay(date)).getUTCDay()
  return day === 0 ? 7 : day
}

export function compareIso(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** '2026-W49': the ISO week that holds the date, as week URLs write it. */
export function isoWeekKey(date: IsoDate): string {
  const { year, week } = isoWeekOf(date)
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** The Monday of an ISO week written as '2026-W49' (or '2026-W9'), or null when there is no such week. */
export function parseIsoWeekKey(raw: unknown): IsoDate | null {
  if (typeof raw !== 'string') return null
  const m = /^(\d{4})-W(\d{1,2})$/.exec(raw)
  if (!m) return null
  const year = Number(m[1])
  const week = Number(m[2])
  if (year < 2000 || year > 2100 || week < 1 || week > 53) return null
  // 4 January is always in week 1; week 53 exists only in some years.
  const monday = addDaysIso(mondayOf(`${year}-01-04`), (week - 1) * 7)
  const back = isoWeekOf(monday)
  return back.year === year && back.week === week ? monday : null
}
