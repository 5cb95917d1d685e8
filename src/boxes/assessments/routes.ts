import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { childBox } from '../../web/guards.js'
import { requireStepUp, stepUpOrderRef } from '../../web/step-up.js'
import { staffToStaffSide } from '../../web/staff-side.js'
import { ChildParams, TermQuery } from './schemas.js'
import { readPublished } from './service.js'

/** Bedömningar for guardians and pupils: after the BankID step-up, the published assessments; every read is audited. */
export default async function assessmentsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps

  app.get('/children/:childId/assessments', {
    preHandler: [...childBox('assessments'), staffToStaffSide('/staff/assessments/pupils'), requireStepUp],
    schema: { params: ChildParams, querystring: TermQuery },
  }, async (req, reply) => {
    const data = await readPublished(db, req.actor!, req.child!, req.query.term ?? null, stepUpOrderRef(req), clock.now())
    return reply.page('assessments/index', { ...data, base: `/children/${req.child!.id}/assessments` })
  })
}
