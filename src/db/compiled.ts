import { CompiledQuery, type Compilable, type QueryResult } from 'kysely'
import type { Db, Executor } from './index.js'

const SLOT = Symbol('slot')
interface Slot { readonly [SLOT]: number }
const isSlot = (v: unknown): v is Slot => typeof v === 'object' && v !== null && SLOT in v

/**
 * A query built and compiled once, then run with new values: for the statements of every
 * request (the session, the child's access check), where building and compiling with
 * Kysely each time showed in profiles. `build` receives a stand-in for each value, to use
 * where a value goes (`.where('c.id', '=', childId)`); it must not compute with them (the
 * SQL text may not depend on the values). Values that are not stand-ins stay as built.
 */
export function compiledOnce<V extends unknown[], R>(build: (db: Db, ...values: V) => Compilable<R>, arity: V['length']) {
  let cached: { sql: string; params: (number | { value: unknown })[] } | null = null
  return (db: Executor, ...values: V): Promise<QueryResult<R>> => {
    if (!cached) {
      const slots = Array.from({ length: arity }, (_, i) => ({ [SLOT]: i }) as Slot)
      const compiled = build(db as Db, ...(slots as unknown as V)).compile()
      cached = { sql: compiled.sql, params: compiled.parameters.map((p) => (isSlot(p) ? p[SLOT] : { value: p })) }
    }
    const { sql, params } = cached
    return db.executeQuery(CompiledQuery.raw(sql, params.map((p) => (typeof p === 'number' ? values[p] : p.value))) as CompiledQuery<R>)
  }
}

/**
 * compiledOnce for statements whose SQL depends on a few facts besides the values (the
 * reader's role, whether a filter applies): one compiled statement per distinct `key(shape)`.
 */
export function compiledPerShape<S, V extends unknown[], R>(
  key: (shape: S) => string,
  build: (shape: S, db: Db, ...values: V) => Compilable<R>,
  arity: V['length'],
) {
  const statements = new Map<string, (db: Executor, ...values: V) => Promise<QueryResult<R>>>()
  return (shape: S, db: Executor, ...values: V): Promise<QueryResult<R>> => {
    const k = key(shape)
    let run = statements.get(k)
    if (!run) statements.set(k, (run = compiledOnce((db: Db, ...v: V) => build(shape, db, ...v), arity)))
    return run(db, ...values)
  }
}
