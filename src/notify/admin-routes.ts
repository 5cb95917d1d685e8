import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireStaff } from '../web/guards.js'
import { FormBody, Id } from '../web/schemas.js'
import type { Db } from '../db/index.js'

export const FAILED_PAGE_SIZE = 100

/**
 * Who a delivery was for, as an admin needs to follow it up (address or person), never its
 * content. After the content is erased (30 days after failing) only the person's number is left.
 */
function recipientOf(channel: string, payload: Record<string, unknown>, recipientId: number | null): string {
  if (!payload.to && !payload.personId) return recipientId ? `#${recipientId}` : ''
  if (channel === 'email' || channel === 'sms') return String(payload.to ?? '')
  if (channel === 'push') return payload.personId ? `#${String(payload.personId)}` : ''
  return ''
}

/** Failed deliveries, newest first, and how many are waiting. */
export async function failedDeliveries(db: Db) {
  const [rows, counts] = await Promise.all([
    db.selectFrom('outbox')
      .select(['id', 'channel', 'payload', 'recipient_id', 'erased_at', 'attempts', 'last_error', 'created_at', 'next_attempt_at'])
      .where('status', '=', 'failed')
      .orderBy('created_at', 'desc').orderBy('id', 'desc')
      .limit(FAILED_PAGE_SIZE)
      .execute(),
    db.selectFrom('outbox').select(['status', sql<number>`count(*)`.as('n')]).where('status', 'in', ['pending', 'failed']).groupBy('status').execute(),
  ])
  const count = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0)
  return {
    pending: count('pending'),
    failed: count('failed'),
    rows: rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      recipient: recipientOf(r.channel, r.payload as Record<string, unknown>, r.recipient_id),
      erased: r.erased_at !== null,
      attempts: r.attempts,
      error: r.last_error ?? '',
      createdAt: r.created_at,
      lastAttemptAt: r.next_attempt_at,
    })),
  }
}

async function requireAdmin(req: FastifyRequest, reply: FastifyReply) {
  if (req.actor!.role !== 'admin') {
    return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'outbox:adminOnly' })
  }
}

/** /staff/outbox: deliveries that ended as failed, visible to admins, with a way to try again. */
export default async function outboxAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const pre = { preHandler: [requireStaff, requireAdmin] }

  app.get('/staff/outbox', pre, async (_req, reply) => reply.page('outbox/index', { outbox: await failedDeliveries(db) }))

  app.post('/staff/outbox/:id/retry', { ...pre, schema: { params: Type.Object({ id: Id }), body: FormBody } }, async (req, reply) => {
    const res = await db.updateTable('outbox')
      .set({ status: 'pending', attempts: 0, next_attempt_at: clock.now(), locked_until: null })
      .where('id', '=', Number(req.params.id)).where('status', '=', 'failed').where('erased_at', 'is', null)
      .executeTakeFirst()
    if (Number(res.numUpdatedRows) === 0) return reply.callNotFound()
    app.outboxKick()
    reply.flash({ kind: 'success', key: 'outbox:retried' })
    return reply.redirect('/staff/outbox', 303)
  })
}
