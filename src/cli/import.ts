import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { loadConfig } from '../config.js'
import { systemClock } from '../clock.js'
import { openDatabase } from '../db/index.js'
import { migrateToLatest } from '../db/migrate.js'
import { importDocument } from '../import/ss12000.js'
import { jsonSchema } from '../import/schema.js'
import { translator } from '../web/i18n.js'

const USAGE = `Usage:
  npm run import -- <file.json>         import an SS 12000 file (units, groups, people, timetable)
  npm run import -- --schema <out.json> write the file's JSON Schema`

const args = process.argv.slice(2)
if (args[0] === '--schema' && args[1]) {
  await writeFile(args[1], `${JSON.stringify(jsonSchema(), null, 2)}\n`)
  console.log(`Wrote ${args[1]}`)
  process.exit(0)
}
if (args.length !== 1 || args[0]!.startsWith('-')) {
  console.error(USAGE)
  process.exit(2)
}

const started = performance.now()
const config = loadConfig()
const clock = systemClock(config.frozenNow)
const handle = await openDatabase(config)
const t = translator('en')
try {
  await migrateToLatest(handle.db)
  const text = await readFile(args[0]!, 'utf8')
  const outcome = await importDocument(handle.db, clock, { text, source: path.basename(args[0]!), baseUrl: config.baseUrl })
  if (!outcome.ok) {
    console.error(`The file was not imported; nothing was changed. ${outcome.errorCount} error(s):`)
    for (const e of outcome.errors) console.error(`  ${e.path || '/'}: ${t(`import:errors.${e.key}`, e.params ?? {})}`)
    if (outcome.errorCount > outcome.errors.length) console.error(`  ... and ${outcome.errorCount - outcome.errors.length} more`)
    process.exitCode = 1
  } else {
    const r = outcome.report
    const line = (kind: 'created' | 'updated' | 'ended') =>
      Object.entries(r[kind]).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing'
    console.log(`Imported (run ${outcome.runId}).`)
    console.log(`  created: ${line('created')}`)
    console.log(`  updated: ${line('updated')}`)
    console.log(`  ended:   ${line('ended')}`)
    console.log(`  activation e-mails queued: ${r.activations} (sent by the running server's outbox)`)
    if (r.skipped) console.log(`  skipped: ${r.skipped} person(s) neither enrolled, on duty nor a guardian`)
  }
} finally {
  await handle.close()
}
const seconds = ((performance.now() - started) / 1000).toFixed(1)
// maxRSS is in kilobytes.
console.log(`Time ${seconds} s, peak memory (RSS) ${Math.round(process.resourceUsage().maxRSS / 1024)} MB.`)
