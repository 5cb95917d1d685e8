import type { Db } from './db/index.js'
import type { Clock } from './clock.js'
import type { Config } from './config.js'
import { purgeExpiredSessions } from './web/session-store.js'
import { purgeLoginFailures } from './auth/service.js'
import { purgeRateLimits } from './web/rate-limits.js'
import { eraseOldFailedPayloads } from './notify/outbox.js'

/** Periodic housekeeping: expired sessions, old login failures and rate-limit windows, failed deliveries' content after 30 days. */
export function startMaintenance(db: Db, clock: Clock, _config: Config) {
  const run = async () => {
    try {
      await purgeExpiredSessions(db, clock.now())
      await purgeLoginFailures(db, clock.now())
      await purgeRateLimits(db, clock.now())
      await eraseOldFailedPayloads(db, clock.now())
    } catch {
      // The next round tries again; a database outage is reported by /readyz.
    }
  }
  const timer = setInterval(run, 10 * 60_000)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
