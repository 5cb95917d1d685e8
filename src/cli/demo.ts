import { loadConfig } from '../config.js'
import { systemClock } from '../clock.js'
import { openDatabase } from '../db/index.js'
import { migrateToLatest } from '../db/migrate.js'
import { DEMO_PASSWORD, demoLogins, isDatabaseEmpty, seedDemo } from '../demo/seed.js'

// Fills the configured database (DATABASE_URL, or the embedded one) with the demo world.
const config = loadConfig()
const handle = await openDatabase(config)
try {
  await migrateToLatest(handle.db)
  if (!(await isDatabaseEmpty(handle.db))) {
    console.error('The database already has people in it; the demo world goes only into an empty database.')
    process.exitCode = 1
  } else {
    await seedDemo(handle.db, systemClock(config.frozenNow))
    console.log(`Demo world created. Password for every account: ${DEMO_PASSWORD}`)
    for (const l of demoLogins()) console.log(`  ${l.username.padEnd(14)} ${l.description}`)
  }
} finally {
  await handle.close()
}
