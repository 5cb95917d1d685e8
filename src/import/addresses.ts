import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import { logRun } from './runs.js'
import type { ImportError } from './tables.js'

/**
 * The nightly address transfer from the population register. The file format (modelled
 * on Skatteverket's Navet notifications, documented in the README) is one person a line:
 *
 *   civic number;marking;c/o;street;postal code;city
 *
 * Marking: empty for none, `S` for sekretessmarkering, `F` for skyddad folkbokföring.
 * Either marking is a protected identity: Hubben then keeps no address for the person
 * and shows nothing about them to anyone else. Lines starting with `#` and empty lines
 * are skipped. A bad line is reported (by number, never by content) and the others are
 * applied. The transfer overwrites what a person typed on the settings page.
 */

export interface AddressLine {
  line: number
  civicNo: string
  protected: boolean
  street: string | null
  postalCode: string | null
  city: string | null
}

export interface AddressCounts {
  lines: number
  updated: number
  unchanged: number
  protected: number
  unknown: number
  bad: number
}

export type AddressOutcome = { runId: number; counts: AddressCounts; errors: ImportError[]; errorCount: number }

const CIVIC_NO = /^(\d{4})(\d{2})(\d{2})\d{4}$/
const MAX_ERRORS = 500
const BATCH = 1000

function plausibleCivicNo(s: string): boolean {
  const m = CIVIC_NO.exec(s)
  if (!m) return false
  const month = Number(m[2])
  const day = Number(m[3]) > 60 ? Number(m[3]) - 60 : Number(m[3]) // samordningsnummer: day + 60
  return month >= 1 && month <= 12 && day >= 1 && day <= 31
}

export function parseAddressFile(text: string): { records: AddressLine[]; errors: ImportError[]; bad: number; lines: number } {
  const records: AddressLine[] = []
  const errors: ImportError[] = []
  let bad = 0
  let lines = 0
  const seen = new Map<string, number>()
  const fail = (line: number, key: string) => {
    bad++
    if (errors.length < MAX_ERRORS) errors.push({ line, key })
  }
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1
    const trimmed = raw.trim()
    if (!trimmed || trimmed.startsWith('#')) return
    lines++
    const f = raw.split(';').map((x) => x.trim())
    if (f.length !== 6) return fail(line, 'fieldCount')
    const [civicNo, marking, careOf, street, postal, city] = f as [string, string, string, string, string, string]
    if (!plausibleCivicNo(civicNo)) return fail(line, 'civicNo')
    if (!['', 'S', 'F'].includes(marking)) return fail(line, 'marking')
    if (seen.has(civicNo)) return fail(line, 'duplicate')
    seen.set(civicNo, line)
    if (marking) {
      records.push({ line, civicNo, protected: true, street: null, postalCode: null, city: null })
      return
    }
    const digits = postal.replace(/\s/g, '')
    if (!street || street.length > 120 || careOf.length > 80) return fail(line, 'street')
    if (!/^\d{5}$/.test(digits)) return fail(line, 'postalCode')
    if (!city || city.length > 60) return fail(line, 'city')
    records.push({
      line, civicNo, protected: false, street: careOf ? `c/o ${careOf}, ${street}` : street,
      postalCode: `${digits.slice(0, 3)} ${digits.slice(3)}`, city,
    })
  })
  return { records, errors, bad, lines }
}

const HIDDEN = JSON.stringify({ showEmail: false, showMobile: false, showAddress: false, showChildPhoto: false })

/** Applies one file and logs the run. Safe to run again: the same file changes nothing the second time. */
export async function importAddresses(db: Db, clock: Clock, input: { text: string; source: string; startedBy?: number | null }): Promise<AddressOutcome> {
  const startedAt = clock.now()
  const parsed = parseAddressFile(input.text)
  const counts: AddressCounts = { lines: parsed.lines, updated: 0, unchanged: 0, protected: 0, unknown: 0, bad: parsed.bad }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < parsed.records.length; i += BATCH) {
      const batch = parsed.records.slice(i, i + BATCH)
      const col = <T>(f: (r: AddressLine) => T) => batch.map(f)
      const values = sql`unnest(cast(${col((r) => r.civicNo)} as text[]), cast(${col((r) => r.protected)} as boolean[]),
        cast(${col((r) => r.street)} as text[]), cast(${col((r) => r.postalCode)} as text[]), cast(${col((r) => r.city)} as text[]))
        as v(pnr, hidden, street, postal, city)`
      const known = await sql<{ pnr: string }>`select distinct v.pnr from ${values} join persons p on p.personal_number = v.pnr`.execute(trx)
      const changed = await sql<{ pnr: string }>`update persons p set
          street = v.street, postal_code = v.postal, city = v.city, address_edited_at = null, protected_identity = v.hidden,
          privacy = case when v.hidden then cast(${HIDDEN} as jsonb) else p.privacy end
        from ${values}
        where p.personal_number = v.pnr
          and (p.street, p.postal_code, p.city, p.protected_identity, p.address_edited_at is null,
               case when v.hidden then p.privacy = cast(${HIDDEN} as jsonb) else true end)
            is distinct from (v.street, v.postal, v.city, v.hidden, true, true)
        returning v.pnr`.execute(trx)
      const knownSet = new Set(known.rows.map((r) => r.pnr))
      const changedSet = new Set(changed.rows.map((r) => r.pnr))
      for (const r of batch) {
        if (!knownSet.has(r.civicNo)) counts.unknown++
        else if (changedSet.has(r.civicNo)) counts.updated++
        else counts.unchanged++
        if (r.protected && knownSet.has(r.civicNo)) counts.protected++
      }
    }
  })
  const runId = await logRun(db, {
    kind: 'addresses', source: input.source, checksum: createHash('sha256').update(input.text).digest('hex'),
    status: 'ok', startedBy: input.startedBy ?? null, startedAt, finishedAt: clock.now(),
    counts: { ...counts }, errors: parsed.errors, errorCount: parsed.bad,
  })
  return { runId, counts, errors: parsed.errors, errorCount: parsed.bad }
}
