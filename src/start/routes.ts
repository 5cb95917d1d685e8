import type { FastifyInstance } from 'fastify'
import { loadChild, requireLogin } from '../web/frame.js'
import { childrenOfActor, isStaff } from '../people/service.js'
import { BOXES, box, loadBoxFacts, visibleBoxes, type BoxDef } from '../boxes/registry.js'

/** The start page: the tiles of the boxes that apply to this person and child. */
export default async function startRoutes(app: FastifyInstance) {
  const { db, clock } = app.deps

  // Without a child in the URL: the remembered child, else the first.
  app.get('/start', { preHandler: requireLogin }, async (req, reply) => {
    const actor = req.actor!
    if (isStaff(actor)) return reply.redirect('/staff', 303)
    const children = await childrenOfActor(db, actor)
    const remembered = children.find((c) => c.id === req.session.currentChildId)
    const child = remembered ?? children[0]
    if (!child) return reply.page('start/no-children', {})
    return reply.redirect(`/children/${child.id}`, 303)
  })

  app.get('/children/:childId', { preHandler: loadChild }, async (req, reply) => {
    const actor = req.actor!
    const child = req.child!
    const facts = await loadBoxFacts(db, clock, child)
    const boxes = visibleBoxes(actor, child, facts)
    const summaries = await Promise.all(
      boxes.map((b) => (b.summary ? b.summary({ db, clock, actor, child }).catch((err) => {
        req.log.warn({ err, box: b.key }, 'box summary failed')
        return null
      }) : Promise.resolve(null))),
    )
    const tiles = boxes.map((b, i) => ({
      key: b.key,
      title: b.title(child),
      href: `/children/${child.id}/${b.path}`,
      summary: summaries[i],
      action: b.action?.(actor, child) ?? null,
      built: b.built,
    }))
    return reply.page('start/index', { tiles })
  })

  // Boxes whose pages have not landed yet: an honest page, and the visibility rule enforced.
  for (const def of BOXES) {
    if (def.built) continue
    app.get(`/children/:childId/${def.path}`, { preHandler: [loadChild, requireBox(def.key)] }, async (req, reply) => {
      // A box that was built after start-up registers its own routes; this one then never runs.
      return reply.page('start/not-available', { title: def.title(req.child!) })
    })
  }
}

/**
 * preHandler for a box's child routes: pupils get 403 on guardian-only boxes (SPEC.md
 * section 1), and a box that does not apply to the child is 404.
 */
export function requireBox(key: BoxDef['key']) {
  const def = box(key)
  return async function (this: FastifyInstance, req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) {
    const actor = req.actor!
    const child = req.child!
    if (def.guardianOnly && actor.role === 'pupil') {
      return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'errors.pupilBox.body' })
    }
    const facts = key === 'talks' ? await loadBoxFacts(req.server.deps.db, req.server.deps.clock, child) : { talksAvailable: true }
    // Staff look at a child's Hub as a guardian would, so they pass guardian-only checks.
    const viewer = actor.role === 'staff' || actor.role === 'admin' ? { ...actor, role: 'guardian' as const } : actor
    if (!def.visible(viewer, child, facts)) return reply.callNotFound()
  }
}
