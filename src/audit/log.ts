import type { Executor } from '../db/index.js'
import type { Actor } from '../people/service.js'

export interface AuditEntry {
  actor: Pick<Actor, 'id' | 'role'>
  childId: number | null
  action: string
  detail?: string | null
  orderRef?: string | null
  now: Date
}

/** Writes one row to the audit log. Never pass a personal identity number in `detail`. */
export async function writeAudit(db: Executor, e: AuditEntry): Promise<void> {
  await db.insertInto('audit_log').values({
    at: e.now, actor_id: e.actor.id, actor_role: e.actor.role, child_id: e.childId,
    action: e.action, detail: e.detail ?? null, order_ref: e.orderRef ?? null,
  }).execute()
}
