import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { IsoDate } from '../clock.js'

/** Helpers of the boxes' district seeders (set-based SQL as text). */

/** School days of the last year: weekdays outside the usual holiday weeks. */
export function schoolDaysSql(from: IsoDate, to: IsoDate): string {
  return `select d::date as day from generate_series('${from}'::date, '${to}'::date, interval '1 day') d
    where extract(isodow from d) < 6 and extract(week from d) not in (1, 8, 15, 26, 27, 28, 29, 30, 31, 32, 44, 52)`
}

export const run = (db: Db, text: string) => sql.raw(text).execute(db)
