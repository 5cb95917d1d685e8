import { TZDate } from '@date-fns/tz'
import { addDays, getISOWeek, getISOWeekYear, startOfISOWeek, format } from 'date-fns'

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

/** The Stockholm calendar date of an instant. */
export function toIsoDate(instant: Date): IsoDate {
  return format(new TZDate(instant.getTime(), TIME_ZONE), 'yyyy-MM-dd')
}

/** 'HH:mm' in Stockholm for an instant. */
export function toLocalTime(instant: Date): string {
  return format(new TZDate(instant.getTime(), TIME_ZONE), 'HH:mm')
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

export function isIsoDate(s: unknown): s is IsoDate {
  if (typeof s !== 'string' || !ISO_DATE.test(s)) return false
  const d = new Date(`${s}T12:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/** A calendar date at noon Stockholm time, safe for day arithmetic across DST. */
function noon(date: IsoDate): TZDate {
  const [y, m, d] = date.split('-').map(Number)
  return new TZDate(y!, m! - 1, d!, 12, 0, 0, TIME_ZONE)
}

export function addDaysIso(date: IsoDate, days: number): IsoDate {
  return format(addDays(noon(date), days), 'yyyy-MM-dd')
}

/** The instant of a wall-clock time ('HH:mm') on a Stockholm date. */
export function stockholmInstant(date: IsoDate, time: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  const [hh, mm] = time.split(':').map(Number)
  return new Date(new TZDate(y!, m! - 1, d!, hh!, mm!, 0, TIME_ZONE).getTime())
}

/** ISO week number and week-year of a date, as Swedes number weeks. */
export function isoWeekOf(date: IsoDate): { year: number; week: number } {
  const n = noon(date)
  return { year: getISOWeekYear(n), week: getISOWeek(n) }
}

/** The Monday of the ISO week that holds the date. */
export function mondayOf(date: IsoDate): IsoDate {
  return format(startOfISOWeek(noon(date)), 'yyyy-MM-dd')
}

/** 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  const day = noon(date).getDay()
  return day === 0 ? 7 : day
}

export function compareIso(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0
}
