import type { IsoDate } from '../clock.js'

/**
 * School terms as Hubben names them: 'HT2026' (hösttermin, autumn: July to December) and
 * 'VT2027' (vårtermin, spring: January to June). Assessments and IUPs belong to a term.
 */
export const TERM_PATTERN = '^(HT|VT)[0-9]{4}$'

export function isTerm(raw: unknown): raw is string {
  return typeof raw === 'string' && /^(HT|VT)[0-9]{4}$/.test(raw)
}

/** The term a date falls in. */
export function termOf(date: IsoDate): string {
  const year = date.slice(0, 4)
  return Number(date.slice(5, 7)) >= 7 ? `HT${year}` : `VT${year}`
}

/** Newest first: a later year, then autumn before spring of the same year. */
export function compareTermsDesc(a: string, b: string): number {
  const ka = Number(a.slice(2)) * 2 + (a.startsWith('HT') ? 1 : 0)
  const kb = Number(b.slice(2)) * 2 + (b.startsWith('HT') ? 1 : 0)
  return kb - ka
}

/** SQL ordering a `term` column newest first (the same order as compareTermsDesc). */
export const TERM_ORDER_DESC = (col: string) => `substr(${col}, 3)::int desc, (substr(${col}, 1, 2) = 'HT') desc`
