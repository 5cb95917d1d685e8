import type { FastifyInstance } from 'fastify'
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
  const { db, clock } = fastify.deps

  fastify.get('/family', { preHandler: requireLogin }, async (req, reply) => {
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
}
