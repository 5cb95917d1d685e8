// The database the benchmark runs against (seeded with the district when empty) and
// Hubben started as a second process on loopback.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { existsSync } from 'node:fs'
import { CompiledQuery } from 'kysely'
import { openPglite, openPostgres } from '../../src/db/index.js'
import { PORT, ROOT, log, opt } from './options.js'

// ---- database --------------------------------------------------------------------

export async function ensureDatabase(dbUrl = opt.db!, appDir?: string): Promise<{ pupils: number }> {
  const url = new URL(dbUrl)
  const name = url.pathname.slice(1)
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`odd database name ${name}`)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const c = new pg.Client({ connectionString: admin.toString() })
  await c.connect()
  if (opt.reseed) await c.query(`drop database if exists ${name} with (force)`)
  const exists = (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount
  if (!exists) await c.query(`create database ${name}`)
  await c.end()
  const db = new pg.Client({ connectionString: dbUrl })
  await db.connect()
  const hasTables = (await db.query(`select to_regclass('public.persons') as t`)).rows[0].t
  let pupils = hasTables ? Number((await db.query(`select count(*) from persons where role = 'child'`)).rows[0].count) : 0
  await db.end()
  if (pupils === 0) {
    log(`Seeding ${name} with a district of ${opt.pupils} pupils (npm run seed:district${appDir ? ` in ${appDir}` : ''})...`)
    await runToEnd(process.execPath, ['--import', 'tsx', 'src/cli/seed-district.ts', '--pupils', opt.pupils!, '--now', opt.now!], { DATABASE_URL: dbUrl }, appDir)
    pupils = Number(opt.pupils)
  }
  return { pupils }
}

/** The embedded database of the PGlite benchmark: a district in `dir` (seeded when missing). */
export async function ensurePglite(dir: string, pupilsWanted: string): Promise<{ pupils: number }> {
  if (!existsSync(path.join(dir, 'pglite', 'PG_VERSION'))) {
    log(`Seeding PGlite in ${dir} with a district of ${pupilsWanted} pupils (npm run seed:district)...`)
    await runToEnd(process.execPath, ['--import', 'tsx', 'src/cli/seed-district.ts', '--pupils', pupilsWanted, '--now', opt.now!], { DATABASE_URL: undefined, DATA_DIR: dir })
  }
  const pupils = await withDatabase({ dataDir: dir }, async (q) => Number((await q(`select count(*) as n from persons where role = 'child'`))[0]!.n))
  return { pupils }
}

export type Query = (text: string, params?: unknown[]) => Promise<Record<string, any>[]>

/** Runs `fn` with the database (PostgreSQL by URL, or PGlite in a directory while no server has it open). */
export async function withDatabase<T>(target: { db?: string; dataDir?: string }, fn: (q: Query) => Promise<T>): Promise<T> {
  const handle = target.dataDir ? await openPglite(path.join(target.dataDir, 'pglite')) : await openPostgres(target.db!, 1)
  try {
    return await fn(async (text, params = []) => (await handle.db.executeQuery(CompiledQuery.raw(text, params))).rows as Record<string, any>[])
  } finally {
    await handle.close()
  }
}

function runToEnd(cmd: string, args: string[], env: Record<string, string | undefined>, cwd = ROOT): Promise<void> {
  return new Promise((resolve, reject) => {
    const full: Record<string, string | undefined> = { ...process.env, ...env }
    for (const [k, v] of Object.entries(full)) if (v === undefined) delete full[k]
    const p = spawn(cmd, args, { cwd: path.resolve(cwd), env: full, stdio: 'inherit' })
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))))
  })
}

// ---- the server --------------------------------------------------------------------

/**
 * Hubben as a second process: this checkout (or `appDir`), on PostgreSQL (`db`) or on PGlite
 * (`dataDir`), on `port`.
 */
export async function startServer(side: { appDir?: string; db?: string; dataDir?: string; port?: number } = { appDir: opt['app-dir'], db: opt.db }): Promise<ChildProcess> {
  const profDir = '/tmp/hubben-prof'
  if (opt.profile) mkdirSync(profDir, { recursive: true })
  const args = [...(opt.profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []), '--import', 'tsx', 'src/main.ts']
  const port = side.port ?? PORT
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'test', HUBBEN_BENCH: '1', HUBBEN_NOW: opt.now, DATABASE_URL: side.dataDir ? undefined : side.db, PORT: String(port), HOST: '127.0.0.1',
    DATA_DIR: side.dataDir ?? `/tmp/hubben-bench-${port}`, LOG_LEVEL: 'warn', BASE_URL: `http://127.0.0.1:${port}`,
    // The load comes through "one proxy" (127.0.0.1): each simulated person sends their own X-Forwarded-For.
    TRUST_PROXY: '1',
    ...(side.appDir && opt['before-env'] ? Object.fromEntries(opt['before-env'].split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) : {}),
  }
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k]
  const child = spawn(process.execPath, args, {
    cwd: side.appDir ? path.resolve(side.appDir) : ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr!.on('data', (d) => { output += d; if (output.length > 20_000) output = output.slice(-10_000) })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 120_000)
    child.stdout!.on('data', (d) => {
      output += d
      if (/Hubben is running/.test(String(d))) { clearTimeout(timer); resolve() }
    })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}):\n${output}`)) })
  })
  child.removeAllListeners('exit')
  child.stdout!.on('data', (d) => { if (/error/i.test(String(d))) process.stderr.write(`[server] ${d}`) })
  child.stderr!.on('data', (d) => process.stderr.write(`[server] ${d}`))
  if (opt.profile) log(`CPU profile of the server goes to ${profDir} when it stops.`)
  return child
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  // Requests the load generator left in flight finish first.
  await new Promise((resolve) => setTimeout(resolve, 2000))
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
