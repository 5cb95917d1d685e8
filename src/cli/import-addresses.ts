import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { loadConfig } from '../config.js'
import { systemClock } from '../clock.js'
import { openDatabase } from '../db/index.js'
import { migrateToLatest } from '../db/migrate.js'
import { importAddresses } from '../import/addresses.js'
import { translator } from '../web/i18n.js'

const USAGE = `Usage:
  npm run import:addresses -- <file>   apply an address transfer file now (the format is in the README)`

const args = process.argv.slice(2)
if (args.length !== 1 || args[0]!.startsWith('-')) {
  console.error(USAGE)
  process.exit(2)
}
const config = loadConfig()
const clock = systemClock(config.frozenNow)
const handle = await openDatabase(config)
const t = translator('en')
try {
  await migrateToLatest(handle.db)
  const text = await readFile(args[0]!, 'utf8')
  const out = await importAddresses(handle.db, clock, { text, source: path.basename(args[0]!) })
  const c = out.counts
  console.log(`Address transfer (run ${out.runId}): ${c.lines} line(s); ${c.updated} updated, ${c.unchanged} unchanged, ` +
    `${c.protected} protected identity, ${c.unknown} not in Hubben, ${c.bad} bad.`)
  for (const e of out.errors) console.error(`  line ${e.line}: ${t(`import:addressErrors.${e.key}`)}`)
  if (out.errorCount) process.exitCode = 1
} finally {
  await handle.close()
}
