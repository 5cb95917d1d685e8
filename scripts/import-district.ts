import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { districtJson } from '../src/import/generate.js'

/**
 * Measures a district-size import (`npm run import:district -- [pupils]`, default 20,000
 * pupils with 35,000 guardians): writes a generated file, then runs `npm run import` on
 * it twice in fresh processes (the second run must change nothing), on a fresh embedded
 * database or on DATABASE_URL. Each run prints its time and peak RSS.
 */
const pupils = Number(process.argv[2] ?? 20_000)
const work = mkdtempSync(path.join(tmpdir(), 'hubben-district-'))
const file = path.join(work, 'district.json')
const out = createWriteStream(file)
for (const piece of districtJson({ pupils })) if (!out.write(piece)) await once(out, 'drain')
out.end()
await once(out, 'finish')
console.log(`Generated ${file}: ${pupils} pupils, ${(statSync(file).size / 1e6).toFixed(1)} MB`)

const env = { ...process.env, DATA_DIR: path.join(work, 'data'), BASE_URL: process.env.BASE_URL ?? 'http://localhost:3000' }
for (const run of ['first run', 'second run (nothing to change)']) {
  console.log(`\n== ${run}`)
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', file], { env, stdio: 'inherit' })
  if (res.status !== 0) { console.error(`import failed (${res.status})`); break }
}
if (!process.env.KEEP) rmSync(work, { recursive: true, force: true })
