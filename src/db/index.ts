import { AsyncLocalStorage } from 'node:async_hooks'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import path from 'node:path'
import { Kysely, PostgresDialect, type LogEvent, type Transaction } from 'kysely'
import pg from 'pg'
import type { Database } from './types.js'
import { guardPool } from './pg-errors.js'

export type Db = Kysely<Database>
/** The database or a transaction on it: what a query function takes. */
export type Executor = Db | Transaction<Database>

/** Counts SQL statements per request (budgets, benchmarks). */
export const queryCounter = new AsyncLocalStorage<{ count: number }>()

function log(event: LogEvent): void {
  const store = queryCounter.getStore()
  if (store) store.count++
  if (event.level === 'error' && process.env.HUBBEN_LOG_SQL_ERRORS) {
    console.error('SQL error', event.error)
  }
}

// Dates stay calendar dates ('YYYY-MM-DD'), times stay 'HH:MM:SS', bigint counts become numbers.
pg.types.setTypeParser(1082, (v) => v)
pg.types.setTypeParser(1083, (v) => v)
pg.types.setTypeParser(20, (v) => Number(v))

export interface DbHandle {
  db: Db
  engine: 'postgres' | 'pglite'
  /** The notices of changes to access (NOTIFY hubben_access), for src/web/access-cache.ts. */
  changes?: ChangeFeed
  close(): Promise<void>
}

/** What a listener hears: each notice, when listening becomes active (again), when it is lost. */
export interface ChangeHandlers { notice(payload: string): void; ready(): void; lost(): void }
/** Follows `hubben_access`; the returned function stops. */
export interface ChangeFeed { listen(handlers: ChangeHandlers): Promise<() => Promise<void>> }

export const ACCESS_CHANNEL = 'hubben_access'

/**
 * PostgreSQL: one dedicated connection per listener, LISTEN on it. When it fails, ends or does
 * not answer the heartbeat (every 5 s, 5 s to answer), the listener hears `lost` and a new
 * connection is tried every second; `ready` once LISTEN is active again.
 */
export function pgChangeFeed(url: string, opts: { heartbeatMs?: number; retryMs?: number } = {}): ChangeFeed {
  const heartbeatMs = opts.heartbeatMs ?? 5000
  const retryMs = opts.retryMs ?? 1000
  return {
    async listen(h) {
      let stopped = false
      let current: pg.Client | null = null
      let retry: NodeJS.Timeout | undefined
      let beat: NodeJS.Timeout | undefined
      const fail = (c: pg.Client) => {
        if (current !== c) return
        current = null
        clearInterval(beat)
        h.lost()
        c.end().catch(() => {})
        if (!stopped) retry = setTimeout(() => void connect(), retryMs)
      }
      const connect = async () => {
        const c = new pg.Client({ connectionString: url, keepAlive: true, application_name: 'hubben-listener' })
        current = c
        c.on('error', () => fail(c))
        c.on('end', () => fail(c))
        c.on('notification', (m) => { if (current === c && m.channel === ACCESS_CHANNEL) h.notice(m.payload ?? '*') })
        try {
          await c.connect()
          await c.query(`LISTEN ${ACCESS_CHANNEL}`)
        } catch {
          return fail(c)
        }
        if (current !== c || stopped) return
        h.ready()
        beat = setInterval(() => {
          let answered = false
          const late = setTimeout(() => { if (!answered) fail(c) }, heartbeatMs)
          c.query('select 1').then(() => { answered = true; clearTimeout(late) }, () => fail(c))
        }, heartbeatMs)
        beat.unref()
      }
      await connect()
      return async () => {
        stopped = true
        clearTimeout(retry)
        clearInterval(beat)
        const c = current
        current = null
        h.lost()
        await c?.end().catch(() => {})
      }
    },
  }
}

export async function openPostgres(url: string, max = 10): Promise<DbHandle> {
  const prepared = process.env.DATABASE_PREPARED_STATEMENTS !== 'off'
  const pool = new pg.Pool({ connectionString: url, max, options: sessionOptions(prepared) })
  // A connection that the server closes (restart, failover) must not crash the process (pg-errors.ts).
  guardPool(pool, (message) => { if (process.env.NODE_ENV !== 'test') console.error(message) })
  if (prepared) pool.on('connect', preparedStatements)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log })
  return { db, engine: 'postgres', changes: pgChangeFeed(url), close: () => db.destroy() }
}

/**
 * Settings of every connection, sent when it opens (no extra round trip):
 * - With prepared statements, plans are generic: planned once per connection. PostgreSQL's
 *   default re-plans a statement for its parameters whenever the generic plan looks more
 *   expensive on paper, and the pages' larger statements (several lists as JSON in one)
 *   then spend longer planning than executing, on every request. Every statement of a page
 *   looks up by ids through indexes, so a plan that does not know the values is as good.
 *   DATABASE_GENERIC_PLANS=off goes back.
 * - No JIT compilation: it pays off for long analytic queries, never for a page's lookups,
 *   and a misestimated plan can spend far longer compiling than running (README, Performance).
 */
function sessionOptions(prepared: boolean): string {
  const generic = prepared && process.env.DATABASE_GENERIC_PLANS !== 'off'
  return ['-c jit=off', ...(generic ? ['-c plan_cache_mode=force_generic_plan'] : [])].join(' ')
}

// Each SQL text gets a statement name, so every connection parses and plans it once: a
// page's statements are small lookups, for which parse and plan are most of the time. Set
// DATABASE_PREPARED_STATEMENTS=off behind a pooler that cannot keep prepared statements
// (PgBouncer in transaction mode before 1.21).
// Not prepared: statements that are not plain DML, and an ON CONFLICT whose target has a
// WHERE (a partial unique index): with a parameter there, a generic plan cannot infer the index.
const statementNames = new Map<string, string>()
const MAX_STATEMENT_NAMES = 2000
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i
const CONFLICT_WHERE = /on conflict\s*\([^)]*\)\s*where/i

function statementName(text: string): string | undefined {
  let name = statementNames.get(text)
  if (name === undefined && statementNames.size < MAX_STATEMENT_NAMES) {
    name = PREPARABLE.test(text) && !CONFLICT_WHERE.test(text) ? `hubben_${statementNames.size}` : ''
    statementNames.set(text, name)
  }
  return name || undefined
}

function preparedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>
  ;(client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof config === 'string' && Array.isArray(values) && callback === undefined ? statementName(config) : undefined
    if (!name) return query(config, values, callback)
    return query({ name, text: config, values }).catch((err: { code?: string; message?: string }) => {
      // A table changed under a statement prepared on this connection: run it once unprepared.
      if (err.code === '0A000' && /cached plan/.test(err.message ?? '')) return query(config, values)
      throw err
    })
  }
}

/**
 * PGlite in a directory (or in memory when dir is undefined).
 * PGlite does not lock its directory, so we do: a second process would silently lose writes.
 */
export async function openPglite(dir: string | undefined, opts: { loadDataDir?: Blob } = {}): Promise<DbHandle> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { PGliteDialect } = await import('kysely-pglite-dialect')
  let release = () => {}
  if (dir) {
    mkdirSync(dir, { recursive: true })
    release = lockDirectory(dir)
  }
  try {
    const pglite = await PGlite.create({
      dataDir: dir,
      loadDataDir: opts.loadDataDir,
      parsers: { 1082: (v: string) => v, 1083: (v: string) => v, 20: (v: string) => Number(v) },
    })
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log })
    // One process, one connection: a notice arrives before the statement that caused it returns.
    const changes: ChangeFeed = {
      async listen(h) {
        const unlisten = await pglite.listen(ACCESS_CHANNEL, (payload) => h.notice(payload))
        h.ready()
        return async () => { h.lost(); if (!pglite.closed) await unlisten() }
      },
    }
    return {
      db,
      engine: 'pglite',
      changes,
      async close() {
        await db.destroy()
        if (!pglite.closed) await pglite.close()
        release()
      },
    }
  } catch (err) {
    release()
    throw err
  }
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError'
}

function lockDirectory(dir: string): () => void {
  const lockFile = path.join(dir, 'hubben.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      const release = () => {
        if (released) return
        released = true
        try { unlinkSync(lockFile) } catch { /* already gone */ }
      }
      process.once('exit', release)
      return release
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number(readFileSync(lockFile, 'utf8').trim())
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `The embedded database in ${dir} is in use by another Hubben process (pid ${pid}). ` +
            'Stop that process first, or give this one its own DATA_DIR.',
        )
      }
      // A stale lock from a process that died: take it over.
      if (existsSync(lockFile)) unlinkSync(lockFile)
    }
  }
  throw new DataDirLockedError(`Could not lock ${dir}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function openDatabase(cfg: { databaseUrl?: string; dataDir: string }): Promise<DbHandle> {
  return cfg.databaseUrl ? openPostgres(cfg.databaseUrl, Number(process.env.DATABASE_POOL_SIZE) || 10) : openPglite(path.join(cfg.dataDir, 'pglite'))
}
