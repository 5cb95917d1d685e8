import { timingSafeEqual } from 'node:crypto'

/**
 * A Swedish personal identity number as 12 digits (YYYYMMDDNNNC), from what a register or
 * BankID holds: 12 digits, with or without a hyphen, or 10 digits where the separator
 * tells the century ('+': 100 years or older). null when it is not one.
 */
export function normalisePersonalNumber(raw: string | null | undefined, today: Date = new Date()): string | null {
  if (!raw) return null
  const s = raw.trim()
  const m12 = /^(\d{8})[-+]?(\d{4})$/.exec(s)
  if (m12) return plausible(m12[1]! + m12[2]!)
  const m10 = /^(\d{6})([-+]?)(\d{4})$/.exec(s)
  if (!m10) return null
  const yy = Number(m10[1]!.slice(0, 2))
  const year = today.getUTCFullYear()
  let full = Math.floor(year / 100) * 100 + yy
  if (full > year) full -= 100
  if (m10[2] === '+') full -= 100
  return plausible(String(full) + m10[1]!.slice(2) + m10[3]!)
}

/** A month 01-12 and a day 01-31 (or 61-91: a coordination number). */
function plausible(n: string): string | null {
  const month = Number(n.slice(4, 6))
  const day = Number(n.slice(6, 8))
  return month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91)) ? n : null
}

/** The same person? Both normalised; compared in constant time. */
export function samePersonalNumber(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = normalisePersonalNumber(a)
  const y = normalisePersonalNumber(b)
  if (!x || !y || x.length !== y.length) return false
  return timingSafeEqual(Buffer.from(x), Buffer.from(y))
}

/** For the simulator's phone page: the date of birth, never the last four digits. */
export function maskPersonalNumber(raw: string | null | undefined): string {
  const n = normalisePersonalNumber(raw)
  return n ? `${n.slice(0, 8)}-****` : '****'
}
