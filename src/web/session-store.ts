import type { SessionStore } from '@fastify/session'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'

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
      db.selectFrom('sessions')
        .select(['data'])
        .where('sid', '=', sid)
        .where('expires_at', '>', clock.now())
        .executeTakeFirst()
        .then((row) => callback(null, (row?.data ?? null) as never), (err) => callback(err, null as never))
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
