import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { FormBody, Hint, IsoDate } from '../web/schemas.js'
import { reportSiblings, siblingForm } from './absence.js'
import { requireLogin } from '../web/guards.js'
import { childrenOfActor, isStaff } from '../people/service.js'
import type { BoxManifest } from '../web/box.js'
import { familyOverview } from './service.js'

/**
 * The family page (issue 18): a guardian of several children lands here from /start; one
 * heading per child with what is new today, and what waits for the guardian ("Att göra").
 * Statements: the session, the children, every box's reads for every child (together()).
 */
export default async function familyRoutes(fastify: FastifyInstance, { boxes }: { boxes: readonly BoxManifest[] }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps

  app.get('/family', { preHandler: requireLogin }, async (req, reply) => {
    const actor = req.actor!
    if (isStaff(actor)) return reply.redirect('/staff', 303)
    // Pupils have their own Hub, not a family's.
    if (actor.role !== 'guardian') {
      return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'family:onlyGuardians' })
    }
    const children = await childrenOfActor(db, actor)
    if (children.length === 0) return reply.page('start/no-children', {})
    if (children.length === 1) return reply.redirect(`/children/${children[0]!.id}`, 303)
    const family = await familyOverview(db, clock, actor, children, boxes, req.log)
    // The bar's envelope and name refer to the remembered child (or the first), known here
    // without another read.
    req.child = children.find((c) => c.id === req.session.currentChildId) ?? children[0]!
    const todo = family.flatMap((f) => f.todo.map((item) => ({ ...item, childName: f.child.givenName })))
    return reply.page('family/index', { family, todo })
  })

  /** Guardians only: pupils and staff do not report absence (403, as on the child's form). */
  async function requireGuardian(req: FastifyRequest, reply: FastifyReply) {
    await requireLogin(req, reply)
    if (reply.sent) return
    if (req.actor!.role !== 'guardian') {
      return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'absence:errors.onlyGuardians' })
    }
  }

  // Siblings in one absence report: the day first (links, so it works without JavaScript), then each child.
  app.get('/family/absences/new', { preHandler: requireGuardian, schema: { querystring: Type.Object({ date: Hint(IsoDate) }) } }, async (req, reply) => {
    const form = await siblingForm(db, clock, req.actor!, req.query.date)
    return reply.page('family/absence', { form, values: { date: form.date } })
  })

  app.post('/family/absences', { preHandler: requireGuardian, schema: { body: FormBody } }, async (req, reply) => {
    const result = await reportSiblings(db, clock, req.actor!, req.body, clock.now())
    if (result.kind === 'notFound') return reply.callNotFound()
    if (result.kind === 'invalid') return reply.code(422).page('family/absence', { form: result.form, errors: result.errors, values: result.values })
    const names = result.reported.map((r) => r.child.givenName).join(', ')
    const all = result.reported.every((r) => r.status === 'already')
    reply.flash({ kind: all ? 'info' : 'success', key: all ? 'family:absence.already' : 'family:absence.reported', params: { names } })
    return reply.redirect('/family', 303)
  })
}
