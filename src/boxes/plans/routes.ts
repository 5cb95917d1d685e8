import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { childBox } from '../../web/guards.js'
import { ChildParams, Id } from '../../web/schemas.js'
import { planOfChild, plansOfChild } from './service.js'

/** Planeringar for pupils and guardians: the child's plans and one plan. */
export default async function plansRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const pre = { preHandler: childBox('plans') }

  app.get('/children/:childId/plans', { ...pre, schema: { params: ChildParams } }, async (req, reply) => {
    const plans = await plansOfChild(db, clock, req.child!)
    return reply.page('plans/index', { plans })
  })

  app.get('/children/:childId/plans/:planId', { ...pre, schema: { params: Type.Object({ childId: Id, planId: Id }) } }, async (req, reply) => {
    const plan = await planOfChild(db, clock, req.child!, Number(req.params.planId))
    if (!plan) return reply.callNotFound()
    return reply.page('plans/plan', { plan })
  })
}
