import type { SessionStore } from '@fastify/session'
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../db/index.js'
import { compiledOnce } from '../db/compiled.js'
import type { Clock } from '../clock.js'
import { toActor, type Actor } from '../people/service.js'

/** A count on the purple bar, as an SQL expression of the person's id (a scalar subquery). */
export type BarCount = (personId: RawBuilder<number>) => RawBuilder<unknown>

/** What the session's statement read besides the session: its person and the bar's counts. */
export interface LoadedPerson {
  actor: Actor | null
  counts: Record<string, number>
}

/**
 * The session's person and the bar's counts are read in the same statement as the session
 * (a page's round trips to the database are its largest cost), and handed to the frame's
 * preHandler of the same request by session id. Taken once; an entry nobody took (a
 * static file, a request that failed in between) is swept after a while.
 */
const loaded = new Map<string, { personId: number; person: LoadedPerson; at: number }>()

export function takeLoadedPerson(sid: string, personId: number): LoadedPerson | undefined {
  const entry = loaded.get(sid)
  if (!entry) return undefined
  loaded.delete(sid)
  return entry.personId === personId ? entry.person : undefined
}

function remember(sid: string, personId: number, person: LoadedPerson) {
  if (loaded.size > 5000) {
    const old = Date.now() - 30_000
    for (const [k, v] of loaded) if (v.at < old) loaded.delete(k)
  }
  loaded.set(sid, { personId, person, at: Date.now() })
}

/** The session's statement (with its person and the bar's counts), compiled once. */
function sessionReader(counts: [string, BarCount][]) {
  return compiledOnce((db: Db, sid: string, now: Date) => db.selectFrom('sessions as s')
    .leftJoin('persons as p', (j) => j
      .on(sql<boolean>`p.id = case when jsonb_typeof(s.data->'personId') = 'number' then (s.data->>'personId')::integer end`)
      .on('p.username', 'is not', null))
    .select(['s.data', 'p.id', 'p.role', 'p.given_name', 'p.family_name', 'p.username', 'p.locale', 'p.email', 'p.mobile'])
    .select(counts.map(([, count], i) => sql<unknown>`(${count(sql.ref<number>('p.id'))})`.as(`c${i}`)))
    .where('s.sid', '=', sid)
    .where('s.expires_at', '>', now), 2)
}

/**
 * Sessions live in PostgreSQL so that any number of instances can serve a person.
 * The expiry is the idle limit: every save moves it forward (the frame saves at most
 * every few minutes, so reading a page is not a write), but never past the absolute
 * limit: `maxHours` after the login (`loginAt` in the session).
 */
export function kyselySessionStore(db: Db, clock: Clock, idleMinutes: number, barCounts: () => Iterable<[string, BarCount]> = () => [], maxHours = 12): SessionStore {
  const expiryOf = (data: Record<string, unknown>) => {
    const idle = clock.now().getTime() + idleMinutes * 60_000
    const loginAt = typeof data.loginAt === 'number' ? data.loginAt : null
    return new Date(loginAt === null ? idle : Math.min(idle, loginAt + maxHours * 3_600_000))
  }
  // The session's statement, compiled once per set of bar counts (it runs on every request).
  const readers = new Map<string, ReturnType<typeof sessionReader>>()
  return {
    set(sid, session, callback) {
      const data = JSON.parse(JSON.stringify(session)) as Record<string, unknown>
      const expires = expiryOf(data)
      db.insertInto('sessions')
        .values({ sid, data: JSON.stringify(data), expires_at: expires })
        .onConflict((oc) => oc.column('sid').doUpdateSet({ data: JSON.stringify(data), expires_at: expires }))
        .execute()
        .then(() => callback(), (err) => callback(err))
    },
    get(sid, callback) {
      const counts = [...barCounts()]
      const key = counts.map(([k]) => k).join(',')
      let read = readers.get(key)
      if (!read) readers.set(key, (read = sessionReader(counts)))
      read(db, sid, clock.now())
        .then((r) => r.rows[0])
        .then((row) => {
          const personId = (row?.data as { personId?: unknown } | undefined)?.personId
          if (row && typeof personId === 'number') {
            const values = row as unknown as Record<string, unknown>
            remember(sid, personId, {
              actor: row.id === null ? null : toActor({ ...row, id: row.id, role: row.role!, given_name: row.given_name!, family_name: row.family_name!, locale: row.locale! }),
              counts: Object.fromEntries(counts.map(([key], i) => [key, Number(values[`c${i}`] ?? 0)])),
            })
          }
          callback(null, (row?.data ?? null) as never)
        }, (err) => callback(err, null as never))
    },
    destroy(sid, callback) {
      db.deleteFrom('sessions').where('sid', '=', sid).execute().then(() => callback(), (err) => callback(err))
    },
  }
}

/** Removes expired sessions; run periodically. */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<number> {
  const res = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst()
  return Number(res.numDeletedRows)
}
