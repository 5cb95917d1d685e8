import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/index.js'
import { migrateToLatest } from '../db/migrate.js'
import { isDatabaseEmpty } from '../demo/seed.js'
import { hashPassword } from '../auth/passwords.js'
import { DISTRICT_NOW, DISTRICT_PASSWORD, seedDistrict } from '../demo/district.js'

// npm run seed:district -- --pupils 20000 [--seed 1] [--now 2026-12-01T07:10:00+01:00] [--lanes 2]
// Fills the configured database (DATABASE_URL, or the embedded one in DATA_DIR) with a
// district for benchmarks. Only into an empty database.
const { values } = parseArgs({
  options: {
    pupils: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    now: { type: 'string', default: process.env.HUBBEN_NOW || DISTRICT_NOW },
    /** Boxes seeded side by side on PostgreSQL (default 2; PGlite has one connection). */
    lanes: { type: 'string', default: '2' },
  },
})
const pupils = Number(values.pupils)
const seed = Number(values.seed)
const now = new Date(values.now!)
const lanes = Number(values.lanes)
if (!Number.isInteger(lanes) || lanes < 1 || lanes > 8) throw new Error('--lanes must be a whole number from 1 to 8')
if (!Number.isInteger(pupils) || pupils < 50 || pupils > 200_000) throw new Error('--pupils must be a whole number from 50 to 200000')
if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number')
if (Number.isNaN(now.getTime())) throw new Error('--now must be an ISO instant, e.g. 2026-12-01T07:10:00+01:00')

const config = loadConfig()
const handle = await openDatabase(config)
try {
  await migrateToLatest(handle.db)
  if (!(await isDatabaseEmpty(handle.db))) {
    console.error('The database already has people in it; a district goes only into an empty database.')
    process.exitCode = 1
  } else {
    console.log(`Seeding a district of ${pupils} pupils (seed ${seed}, relative to ${now.toISOString()}) into ${handle.engine === 'pglite' ? 'PGlite' : 'PostgreSQL'}...`)
    const summary = await seedDistrict(handle.db, {
      pupils, seed, now, passwordHash: await hashPassword(DISTRICT_PASSWORD),
      lanes: handle.engine === 'pglite' ? 1 : lanes,
      log: (line) => console.log(`  ${line}`),
    })
    console.log(`Done in ${summary.seconds} s: ${summary.units} units (${summary.schools} schools, ${summary.preschools} preschools), ` +
      `${summary.classes} classes, ${summary.pupils} pupils, ${summary.families} families (${summary.guardians} guardians), ${summary.staff} staff.`)
    console.log(`Rows: ${Object.entries(summary.rows).map(([k, v]) => `${k} ${v}`).join(', ')}`)
    console.log(`Logins (password "${DISTRICT_PASSWORD}"): guardians g00001a/g00001b ... g${String(summary.families).padStart(5, '0')}b, ` +
      'pupils p00001..., staff s00001..., district.admin')
  }
} finally {
  await handle.close()
}
