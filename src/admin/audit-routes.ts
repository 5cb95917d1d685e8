import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { sql } from 'kysely'
import { requireAdmin } from '../web/guards.js'
import { Hint, Id, Page } from '../web/schemas.js'

export const AUDIT_PAGE = 50

/**
 * The audit log per child, for administrators: find a child by name, then every audited
 * event about the child (reads of assessments and documentation, by whom and in what role,
 * with the BankID order reference), newest first, a page at a time. Names and ids only:
 * personal identity numbers are never written to the log, nor shown or searched here.
 */
export default async function auditRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = app.deps

  app.get('/staff/admin/audit', {
    preHandler: requireAdmin,
    schema: { querystring: Type.Object({ q: Hint(Type.String({ maxLength: 100 })) }) },
  }, async (req, reply) => {
    const q = (req.query.q ?? '').trim()
    const children = q.length >= 2
      ? await db.selectFrom('persons as c').innerJoin('units as u', 'u.id', 'c.unit_id')
        .select(['c.id', 'c.given_name', 'c.family_name', 'u.name as unit_name'])
        .where('c.role', '=', 'child')
        .where(sql<boolean>`(c.given_name || ' ' || c.family_name) ilike ${'%' + q.replace(/[\\%_]/g, (ch) => `\\${ch}`) + '%'}`)
        .orderBy('c.given_name').orderBy('c.family_name').orderBy('c.id').limit(20).execute()
      : null
    return reply.page('admin/audit', { q, children })
  })

  app.get('/staff/admin/audit/children/:childId', {
    preHandler: requireAdmin,
    schema: { params: Type.Object({ childId: Id }), querystring: Type.Object({ page: Hint(Page) }) },
  }, async (req, reply) => {
    const childId = Number(req.params.childId)
    const page = Math.max(1, Math.min(Number(req.query.page ?? 1) || 1, 10_000))
    const child = await db.selectFrom('persons as c').innerJoin('units as u', 'u.id', 'c.unit_id')
      .select(['c.id', 'c.given_name', 'c.family_name', 'u.name as unit_name'])
      .select((eb) => eb.selectFrom((qb) => qb.selectFrom('audit_log as l').leftJoin('persons as p', 'p.id', 'l.actor_id')
        .select(['l.at', 'l.actor_role', 'l.action', 'l.detail', 'l.order_ref', 'p.given_name', 'p.family_name'])
        .where('l.child_id', '=', childId).orderBy('l.at', 'desc').orderBy('l.id', 'desc')
        .limit(AUDIT_PAGE + 1).offset((page - 1) * AUDIT_PAGE).as('x'))
        .select(sql<{ at: string; actor_role: string; action: string; detail: string | null; order_ref: string | null; given_name: string | null; family_name: string | null }[]>`coalesce(json_agg(x), '[]')`.as('j')).as('rows'))
      .where('c.id', '=', childId).where('c.role', '=', 'child').executeTakeFirst()
    if (!child) return reply.callNotFound()
    const rows = (child.rows ?? []).map((r) => ({ ...r, at: new Date(r.at), name: r.given_name ? `${r.given_name} ${r.family_name}` : null }))
    return reply.page('admin/audit-child', { child, rows: rows.slice(0, AUDIT_PAGE), page, hasNext: rows.length > AUDIT_PAGE })
  })
}
