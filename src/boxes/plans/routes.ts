import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { childBox } from '../../web/guards.js'
import { ChildParams, Id } from '../../web/schemas.js'
import { attachment, sendStored } from '../../web/uploads.js'
import { storeDemoFiles } from '../../demo/files.js'
import { PLAN_DEMO_FILES } from './demo.js'
import { attachmentForChild, planOfChild, plansOfChild } from './service.js'

/** Planeringar for pupils and guardians: the child's plans and one plan. */
export default async function plansRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, config } = app.deps
  // The demo world's attachment is made in code; outside production it is put in the store.
  if (config.env !== 'production') await storeDemoFiles(app.storage, PLAN_DEMO_FILES)
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

  // An attachment: for the child's guardians and the pupil (the plan of one of the child's groups), as a download.
  app.get('/children/:childId/plans/:planId/attachments/:attachmentId', { ...pre, schema: { params: Type.Object({ childId: Id, planId: Id, attachmentId: Id }) } }, async (req, reply) => {
    const found = await attachmentForChild(db, req.child!, Number(req.params.planId), Number(req.params.attachmentId))
    if (!found) return reply.callNotFound()
    return sendStored(reply, app.storage, found.storage_key, found.content_type, attachment(found.filename))
  })
}
