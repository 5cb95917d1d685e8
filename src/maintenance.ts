import type { Db } from './db/index.js'
import type { Clock } from './clock.js'
import type { Config } from './config.js'
import { purgeExpiredSessions } from './web/session-store.js'
import { purgeLoginFailures } from './auth/service.js'
import { purgeRateLimits } from './web/rate-limits.js'
import { FEATURES } from './boxes/index.js'
import { eraseOldFailedPayloads } from './notify/outbox.js'

/**
 * Periodic housekeeping: expired sessions, old login failures and rate-limit windows, failed
 * deliveries' content after 30 days, and each box's own (its manifest's `housekeeping`).
 */
export function startMaintenance(db: Db, clock: Clock, config: Config) {
  const run = async () => {
    try {
      await purgeExpiredSessions(db, clock.now())
      await purgeLoginFailures(db, clock.now())
      await purgeRateLimits(db, clock.now())
      await eraseOldFailedPayloads(db, clock.now())
      // Each box's own upkeep (talks: the day-before reminders); idempotent, so two instances may both run it.
      for (const f of FEATURES) if (f.housekeeping) await f.housekeeping(db, clock, { baseUrl: config.baseUrl })
    } catch {
      // The next round tries again; a database outage is reported by /readyz.
    }
  }
  const timer = setInterval(run, 10 * 60_000)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
