import type { Generated } from 'kysely'
import type { Timestamp } from '../db/types.js'

/** One audited event: who (and as what role), about which child, what, and the BankID order. */
export interface AuditLogTable {
  id: Generated<string>
  at: Timestamp
  actor_id: number | null
  actor_role: string
  child_id: number | null
  /** e.g. 'assessments.read', 'documentation.read', 'bankid.refused'. */
  action: string
  /** A short note without personal identity numbers (e.g. which tab was read). */
  detail: string | null
  order_ref: string | null
}

export interface AuditTables {
  audit_log: AuditLogTable
}
