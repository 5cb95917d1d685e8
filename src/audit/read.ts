import { sql } from 'kysely'
import type { Executor } from '../db/index.js'
import type { AuditEntry } from './log.js'

/**
 * The audit row of a read, as a common table expression, so the read and its row are one
 * statement (one round trip): `auditedRead(db, entry).selectFrom(...)...`. PostgreSQL runs
 * a data-modifying WITH exactly once, whether the main query refers to it or not.
 */
export function auditedRead(db: Executor, e: AuditEntry) {
  return db.with('audit_row', (qc) => qc.insertInto('audit_log').values({
    at: e.now, actor_id: e.actor.id, actor_role: e.actor.role, child_id: e.childId,
    action: e.action, detail: e.detail ?? null, order_ref: e.orderRef ?? null,
  }))
}

/** The same as raw SQL, for reads written with sql``: `with audit_row as (...) <read>`. */
export function auditCte(e: AuditEntry) {
  return sql`with audit_row as (insert into audit_log (at, actor_id, actor_role, child_id, action, detail, order_ref)
    values (${e.now}, ${e.actor.id}, ${e.actor.role}, ${e.childId}, ${e.action}, ${e.detail ?? null}, ${e.orderRef ?? null}))`
}

export const AUDITED_ACTIONS = ['assessments.read', 'documentation.read', 'documentation.file'] as const
