import type { Executor } from '../db/index.js'
import type { ImportError } from './tables.js'

export interface RunLog {
  kind: 'ss12000' | 'addresses'
  source: string
  checksum: string | null
  status: 'ok' | 'rejected' | 'failed'
  startedBy: number | null
  startedAt: Date
  finishedAt: Date
  counts: Record<string, number>
  errors: ImportError[]
  errorCount: number
}

/** Every run is written down with its counts and errors (paths and line numbers, never values). */
export async function logRun(db: Executor, run: RunLog): Promise<number> {
  const row = await db.insertInto('import_runs').values({
    kind: run.kind, source: run.source.slice(0, 200), checksum: run.checksum, status: run.status, started_by: run.startedBy,
    started_at: run.startedAt, finished_at: run.finishedAt, counts: JSON.stringify(run.counts), errors: JSON.stringify(run.errors),
    error_count: run.errorCount,
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}
