import { TIME_ZONE, type IsoDate } from '../clock.js'
import type { Locale } from './i18n.js'

const tags: Record<Locale, string> = { sv: 'sv-SE', en: 'en-GB' }
const cache = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: Locale, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(opts)
  let f = cache.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(tags[locale], { timeZone: TIME_ZONE, ...opts })
    cache.set(key, f)
  }
  return f
}

function fromIso(date: IsoDate): Date {
  // Noon UTC keeps the same calendar date in Stockholm whatever the season.
  return new Date(`${date}T12:00:00Z`)
}

/** Date and time formatting for one person's language, always in Stockholm time. */
export function formatters(locale: Locale) {
  return {
    /** "2 december 2026" / "2 December 2026" */
    date: (d: Date | IsoDate) =>
      formatter(locale, { day: 'numeric', month: 'long', year: 'numeric' }).format(typeof d === 'string' ? fromIso(d) : d),
    /** "onsdag 2 december" */
    weekdayDate: (d: Date | IsoDate) =>
      formatter(locale, { weekday: 'long', day: 'numeric', month: 'long' }).format(typeof d === 'string' ? fromIso(d) : d),
    /** "ons 2/12" style short label */
    shortDate: (d: Date | IsoDate) =>
      formatter(locale, { weekday: 'short', day: 'numeric', month: 'numeric' }).format(typeof d === 'string' ? fromIso(d) : d),
    weekday: (d: Date | IsoDate) =>
      formatter(locale, { weekday: 'long' }).format(typeof d === 'string' ? fromIso(d) : d),
    time: (d: Date) => formatter(locale, { hour: '2-digit', minute: '2-digit', hour12: false }).format(d),
    dateTime: (d: Date) =>
      formatter(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(d),
    /** Machine-readable value for <time datetime>. */
    iso: (d: Date) => d.toISOString(),
  }
}
export type Formatters = ReturnType<typeof formatters>
