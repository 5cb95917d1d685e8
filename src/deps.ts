import type { Config } from './config.js'
import type { Clock } from './clock.js'
import type { ChangeFeed, Db } from './db/index.js'
import type { Mailer } from './notify/mailer.js'
import type { Channels } from './notify/outbox.js'
import type { FileStore } from './storage/index.js'
import type { BankId } from './auth/bankid/setup.js'

/** Everything the app needs from outside; tests swap any of it. */
export interface AppDeps {
  config: Config
  db: Db
  clock: Clock
  mailer: Mailer
  /** Delivery channels the outbox dispatcher uses; email is always present. */
  channels: Channels
  /** Uploaded files; default: a directory store at config.uploads.dir. */
  storage?: FileStore
  /** BankID (client, the simulator outside production); default: from config.bankid, or not available. */
  bankid?: BankId
  /**
   * The notices of changes to access (DbHandle.changes). With it, sessions, the child-access
   * facts and the bar's counts are kept in memory (src/web/access-cache.ts); without, read every time.
   */
  changes?: ChangeFeed
}
