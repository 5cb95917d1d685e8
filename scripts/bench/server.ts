// The database the benchmark runs against (seeded with the district when empty) and
// Hubben started as a second process on loopback.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { BASE, PORT, ROOT, log, opt } from './options.js'

// ---- database --------------------------------------------------------------------

export async function ensureDatabase(): Promise<{ pupils: number }> {
  const url = new URL(opt.db!)
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
  const db = new pg.Client({ connectionString: opt.db })
  await db.connect()
  const hasTables = (await db.query(`select to_regclass('public.persons') as t`)).rows[0].t
  let pupils = hasTables ? Number((await db.query(`select count(*) from persons where role = 'child'`)).rows[0].count) : 0
  await db.end()
  if (pupils === 0) {
    log(`Seeding ${name} with a district of ${opt.pupils} pupils (npm run seed:district)...`)
    await runToEnd(process.execPath, ['--import', 'tsx', 'src/cli/seed-district.ts', '--pupils', opt.pupils!, '--now', opt.now!], { DATABASE_URL: opt.db })
    pupils = Number(opt.pupils)
  }
  return { pupils }
}

function runToEnd(cmd: string, args: string[], env: Record<string, string | undefined>): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'inherit' })
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))))
  })
}

// ---- the server --------------------------------------------------------------------

export async function startServer(): Promise<ChildProcess> {
  const profDir = '/tmp/hubben-prof'
  if (opt.profile) mkdirSync(profDir, { recursive: true })
  const args = [...(opt.profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []), '--import', 'tsx', 'src/main.ts']
  const child = spawn(process.execPath, args, {
    cwd: opt['app-dir'] ? path.resolve(opt['app-dir']) : ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test', HUBBEN_BENCH: '1', HUBBEN_NOW: opt.now, DATABASE_URL: opt.db, PORT: String(PORT), HOST: '127.0.0.1',
      DATA_DIR: '/tmp/hubben-bench', LOG_LEVEL: 'warn', BASE_URL: BASE,
    },
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
