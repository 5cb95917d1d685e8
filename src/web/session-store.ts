import type { SessionStore } from '@fastify/session'
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../db/index.js'
import { compiledOnce } from '../db/compiled.js'
import type { Clock } from '../clock.js'
import { toActor, type Actor } from '../people/service.js'
import type { AccessCache } from './access-cache.js'

/** A count on the purple bar, as an SQL expression of the person's id (a scalar subquery). */
export type BarCount = (personId: RawBuilder<number>) => RawBuilder<unknown>

/** What the session's statement read besides the session: its person and the bar's counts. */
export interface LoadedPerson {
  actor: Actor | null
  /** Null when not known (the session came from the cache, the counts did not): the frame reads them. */
  counts: Record<string, number> | null
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
    .select(['s.data', 's.expires_at', 'p.id', 'p.role', 'p.given_name', 'p.family_name', 'p.username', 'p.locale', 'p.email', 'p.mobile'])
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
export function kyselySessionStore(db: Db, clock: Clock, idleMinutes: number, barCounts: () => Iterable<[string, BarCount]> = () => [], maxHours = 12, cache?: AccessCache): SessionStore {
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
        .then(() => {
          cache?.savedSession(sid, data.personId, JSON.stringify(data), expires.getTime())
          callback()
        }, (err) => callback(err))
    },
    get(sid, callback) {
      // In memory (exact by NOTIFY, see access-cache.ts): no statement at all.
      const hit = cache?.session(sid, clock.now().getTime())
      if (hit) {
        remember(sid, hit.personId, { actor: hit.actor, counts: cache!.barCounts(hit.personId) ?? null })
        let data: unknown
        try { data = JSON.parse(hit.data) } catch (err) { return callback(err, null as never) }
        return callback(null, data as never)
      }
      const mark = cache?.mark() ?? 0
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
            const person: LoadedPerson = {
              actor: row.id === null ? null : toActor({ ...row, id: row.id, role: row.role!, given_name: row.given_name!, family_name: row.family_name!, locale: row.locale! }),
              counts: Object.fromEntries(counts.map(([key], i) => [key, Number(values[`c${i}`] ?? 0)])),
            }
            remember(sid, personId, person)
            if (cache && person.actor) {
              cache.putSession(sid, { personId, actor: person.actor, data: JSON.stringify(row.data), expires: new Date(row.expires_at as Date | string).getTime() }, mark)
              cache.putBarCounts(personId, person.counts!, mark)
            }
          }
          callback(null, (row?.data ?? null) as never)
        }, (err) => callback(err, null as never))
    },
    destroy(sid, callback) {
      cache?.dropSession(sid)
      db.deleteFrom('sessions').where('sid', '=', sid).execute().then(() => { cache?.dropSession(sid); callback() }, (err) => callback(err))
    },
  }
}

/** Removes expired sessions; run periodically. */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<number> {
  const res = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst()
  return Number(res.numDeletedRows)
}
