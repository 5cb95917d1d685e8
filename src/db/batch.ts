import { AsyncLocalStorage } from 'node:async_hooks'
import {
  CompiledQuery, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Driver, type QueryResult,
} from 'kysely'
import type { Database } from './types.js'
import type { Db } from './index.js'

/**
 * Reads that run side by side share one round trip: `together(db, fns)` runs each function
 * with a database handle whose SELECTs are collected while the functions run and sent to
 * the server as one statement, each read's rows as a JSON array
 * (`select (select json_agg(q) from (<read 1>) q) as r0, ...`). The start page uses it for
 * its tiles: a box writes its summary as a plain async function and does not know.
 *
 * What a caller sees differs from a plain read in two ways, both because rows travel as
 * JSON: timestamps are revived as Date (any string in PostgreSQL's JSON timestamptz form),
 * and numeric values arrive as numbers. Only reads are batched: anything that is not a
 * SELECT (or WITH) runs on its own, and a transaction cannot be opened. If the combined
 * statement fails, each read runs on its own, so one broken read fails only its caller.
 */
export async function together<T>(db: Db, fns: ((db: Db) => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
  const batch: Batch = { db, pending: [], scheduled: false }
  return current.run(batch, () => Promise.allSettled(fns.map((fn) => Promise.resolve().then(() => fn(batchedDb)))))
}

interface Pending {
  compiled: CompiledQuery
  resolve(result: QueryResult<unknown>): void
  reject(err: unknown): void
}
interface Batch { db: Db; pending: Pending[]; scheduled: boolean }

const current = new AsyncLocalStorage<Batch>()
const READ = /^\s*\(?\s*(select|with)\b/i

const connection: DatabaseConnection = {
  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const batch = current.getStore()
    if (!batch) return Promise.reject(new Error('A batched read ran outside together()'))
    return new Promise((resolve, reject) => {
      batch.pending.push({ compiled, resolve: resolve as Pending['resolve'], reject })
      // Every read the functions start before they wait is in the batch: Kysely reaches the
      // driver through promise callbacks only, which all run before setImmediate's turn.
      if (!batch.scheduled) {
        batch.scheduled = true
        setImmediate(() => void flush(batch))
      }
    })
  },
  // eslint-disable-next-line require-yield
  async *streamQuery() {
    throw new Error('Batched reads cannot stream')
  },
}

class BatchDriver implements Driver {
  async init() {}
  async acquireConnection() { return connection }
  async beginTransaction() { throw new Error('Batched reads cannot open a transaction') }
  async commitTransaction() {}
  async rollbackTransaction() {}
  async releaseConnection() {}
  async destroy() {}
}

const batchedDb: Db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new BatchDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

async function flush(batch: Batch): Promise<void> {
  const all = batch.pending
  batch.pending = []
  batch.scheduled = false
  const reads = all.filter((p) => READ.test(p.compiled.sql))
  const others = all.filter((p) => !READ.test(p.compiled.sql))
  const alone = (p: Pending) => batch.db.executeQuery(p.compiled).then(p.resolve, p.reject)
  await Promise.all(others.map(alone))
  if (reads.length === 1) return alone(reads[0]!)
  if (reads.length === 0) return
  let offset = 0
  const params: unknown[] = []
  const columns = reads.map((p, i) => {
    const shift = offset
    // Kysely puts every value in a parameter, so `$n` in its SQL text is always a placeholder.
    const text = p.compiled.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`)
    params.push(...p.compiled.parameters)
    offset += p.compiled.parameters.length
    return `(select coalesce(json_agg(q), '[]'::json) from (${text}) q) as r${i}`
  })
  let row: Record<string, unknown>
  try {
    const result = await batch.db.executeQuery(CompiledQuery.raw(`select ${columns.join(', ')}`, params))
    row = result.rows[0] as Record<string, unknown>
  } catch {
    await Promise.all(reads.map(alone))
    return
  }
  reads.forEach((p, i) => p.resolve({ rows: revive(row[`r${i}`]) as unknown[] }))
}

const TIMESTAMPTZ = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/

/** JSON's timestamptz strings back to Date, as the drivers give them in a plain read. */
function revive(value: unknown): unknown {
  if (typeof value === 'string') return TIMESTAMPTZ.test(value) ? new Date(value) : value
  if (Array.isArray(value)) return value.map(revive)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = revive(v)
    return out
  }
  return value
}
