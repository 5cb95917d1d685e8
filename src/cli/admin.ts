import path from 'node:path'
import { loadConfig } from '../config.js'
import { systemClock } from '../clock.js'
import { openDatabase } from '../db/index.js'
import { migrateToLatest } from '../db/migrate.js'
import { sendActivation } from '../auth/service.js'
import { devOutboxMailer, smtpMailer } from '../notify/mailer.js'
import { dispatchDue, mailChannel } from '../notify/outbox.js'

const USAGE = `Usage:
  npm run admin -- invite <email>   send (or send again) an activation link, valid 14 days`

const [command, arg] = process.argv.slice(2)
if (command !== 'invite' || !arg) {
  console.error(USAGE)
  process.exit(2)
}

const config = loadConfig()
const clock = systemClock(config.frozenNow)
const handle = await openDatabase(config)
try {
  await migrateToLatest(handle.db)
  const result = await sendActivation(handle.db, clock, config.baseUrl, arg)
  if (!result.ok) {
    const why = { unknown: 'no person has that e-mail address', 'no-email': 'the person has no e-mail address', active: 'the account is already activated' }[result.reason]
    console.error(`No activation sent: ${why}.`)
    process.exitCode = 1
  } else {
    // Deliver now rather than waiting for a running server's dispatcher.
    const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : devOutboxMailer(path.join(config.dataDir, 'mail'))
    await dispatchDue(handle.db, clock, { email: mailChannel(mailer) })
    console.log(`Activation link sent to ${arg} (valid 14 days).`)
  }
} finally {
  await handle.close()
}
