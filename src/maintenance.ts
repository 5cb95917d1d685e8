import type { Db } from './db/index.js'
import type { Clock } from './clock.js'
import type { Config } from './config.js'
import { purgeExpiredSessions } from './web/session-store.js'
import { purgeLoginFailures } from './auth/service.js'
import { sendTalkReminders } from './boxes/talks/service.js'

/** Periodic housekeeping: expired sessions, old login failures, and the day-before reminders of talks. */
export function startMaintenance(db: Db, clock: Clock, _config: Config) {
  const run = async () => {
    try {
      await purgeExpiredSessions(db, clock.now())
      await purgeLoginFailures(db, clock.now())
      // Idempotent (each booking is claimed once); the dispatcher's own interval delivers the pushes.
      await sendTalkReminders(db, clock)
    } catch {
      // The next round tries again; a database outage is reported by /readyz.
    }
  }
  const timer = setInterval(run, 10 * 60_000)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
