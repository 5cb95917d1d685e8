import type { Generated } from 'kysely'
import type { Timestamp, Json } from '../db/types.js'

export interface ImportRunTable {
  id: Generated<number>
  kind: 'ss12000' | 'addresses'
  /** The file's name (never its content). */
  source: string
  checksum: string | null
  status: 'ok' | 'rejected' | 'failed'
  started_by: number | null
  started_at: Timestamp
  finished_at: Timestamp
  counts: Json<Record<string, number>>
  /** Where and what, never a value from the file: `{ path, message }` or `{ line, message }`. */
  errors: Json<ImportError[]>
  error_count: Generated<number>
}

export interface ImportError {
  /** JSON pointer into the import file (`/persons/3/civicNo/value`), or a line number of an address file. */
  path?: string
  line?: number
  /** A translation key below `import:errors.` with its values. */
  key: string
  params?: Record<string, string | number>
}

export interface JobClaimTable {
  job: string
  slot: string
  holder: string
  locked_until: Timestamp
  finished_at: Timestamp | null
}

export interface ImportTables {
  import_runs: ImportRunTable
  job_claims: JobClaimTable
}
