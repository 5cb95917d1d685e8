// The benchmark's command line (npm run bench, npm run bench:rush), read once by every part.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { DISTRICT_NOW } from '../../src/demo/district.js'
import { toIsoDate } from '../../src/clock.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export const { values: opt } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/hubben_bench' },
    pupils: { type: 'string', default: '20000' },
    reseed: { type: 'boolean', default: false },
    sessions: { type: 'string', default: '200' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    port: { type: 'string', default: '3104' },
    now: { type: 'string', default: DISTRICT_NOW },
    pages: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'skip-baseline': { type: 'boolean', default: false },
    out: { type: 'string' },
    label: { type: 'string', default: '' },
    /** Run the server from another checkout (e.g. a worktree of an older commit, for a before/after table). */
    'app-dir': { type: 'string' },
    /** The database of the --app-dir server (an older schema needs its own copy; seeded by that checkout when missing). */
    'db-before': { type: 'string' },
    /** Environment of the --app-dir server only, `KEY=VALUE,KEY=VALUE` (e.g. HUBBEN_ACCESS_CACHE=off with --app-dir . for an A/B of one setting). */
    'before-env': { type: 'string' },
    /** The embedded database instead: a PGlite district in --data-dir (seeded when missing), at --pglite-connections. */
    pglite: { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: '/tmp/hubben-bench-pglite' },
    'pglite-pupils': { type: 'string', default: '2000' },
    'pglite-connections': { type: 'string', default: '10' },
    rush: { type: 'boolean', default: false },
    'rush-seconds': { type: 'string', default: '120' },
    'rush-share': { type: 'string', default: '0.05' },
    'rush-readers': { type: 'string', default: '40' },
    /** Share of the reporting guardians who logged in before the window (a session from earlier that morning). */
    'rush-logged-in': { type: 'string', default: '0' },
  },
})

export const num = (name: keyof typeof opt) => {
  const n = Number(opt[name])
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`)
  return n
}
export const PORT = num('port')
/** The server the browser and the load talk to (the benchmark may run two: before and after). */
export let BASE = `http://127.0.0.1:${PORT}`
export function useServer(port: number): void { BASE = `http://127.0.0.1:${port}` }
export const NOW = new Date(opt.now!)
export const TODAY = toIsoDate(NOW)
export const log = (line: string) => console.log(line)
