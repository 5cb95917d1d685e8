import type { SessionStore } from '@fastify/session'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import { toActor, type Actor } from '../people/service.js'

/**
 * The session's person, read in the same statement as the session (one statement less on
 * every page), handed to the frame's preHandler of the same request by session id. Taken
 * once; an entry nobody took (a request that failed in between) is swept after a while.
 */
const loadedActors = new Map<string, { personId: number; actor: Actor | null; at: number }>()

export function takeLoadedActor(sid: string, personId: number): Actor | null | undefined {
  const entry = loadedActors.get(sid)
  if (!entry) return undefined
  loadedActors.delete(sid)
  return entry.personId === personId ? entry.actor : undefined
}

function remember(sid: string, personId: number, actor: Actor | null) {
  if (loadedActors.size > 5000) {
    const old = Date.now() - 30_000
    for (const [k, v] of loadedActors) if (v.at < old) loadedActors.delete(k)
  }
  loadedActors.set(sid, { personId, actor, at: Date.now() })
}

/**
 * Sessions live in PostgreSQL so that any number of instances can serve a person.
 * The expiry is the idle limit: every save moves it forward (the frame saves at most
 * every few minutes, so reading a page is not a write).
 */
export function kyselySessionStore(db: Db, clock: Clock, idleMinutes: number): SessionStore {
  const expiry = () => new Date(clock.now().getTime() + idleMinutes * 60_000)
  return {
    set(sid, session, callback) {
      const data = JSON.parse(JSON.stringify(session)) as Record<string, unknown>
      db.insertInto('sessions')
        .values({ sid, data: JSON.stringify(data), expires_at: expiry() })
        .onConflict((oc) => oc.column('sid').doUpdateSet({ data: JSON.stringify(data), expires_at: expiry() }))
        .execute()
        .then(() => callback(), (err) => callback(err))
    },
    get(sid, callback) {
      db.selectFrom('sessions as s')
        .leftJoin('persons as p', (j) => j
          .on(sql<boolean>`p.id = case when jsonb_typeof(s.data->'personId') = 'number' then (s.data->>'personId')::integer end`)
          .on('p.username', 'is not', null))
        .select(['s.data', 'p.id', 'p.role', 'p.given_name', 'p.family_name', 'p.username', 'p.locale', 'p.email', 'p.mobile'])
        .where('s.sid', '=', sid)
        .where('s.expires_at', '>', clock.now())
        .executeTakeFirst()
        .then((row) => {
          const personId = (row?.data as { personId?: unknown } | undefined)?.personId
          if (row && typeof personId === 'number') {
            remember(sid, personId, row.id === null ? null : toActor({ ...row, id: row.id, role: row.role!, given_name: row.given_name!, family_name: row.family_name!, locale: row.locale! }))
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
