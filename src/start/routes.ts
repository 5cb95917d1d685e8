import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { childBox, loadChild, requireLogin } from '../web/guards.js'
import { ChildParams } from '../web/schemas.js'
import { childrenOfActor, isStaff } from '../people/service.js'
import { together } from '../db/batch.js'
import type { BoxContext, BoxManifest, BoxSummary, TodoItem } from '../web/box.js'
import { todoOf } from '../family/service.js'

/** The start page: the tiles of the boxes that apply to this person and child. */
export default async function startRoutes(fastify: FastifyInstance, { boxes }: { boxes: readonly BoxManifest[] }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps

  // Without a child in the URL: the remembered child, else the first.
  app.get('/start', { preHandler: requireLogin }, async (req, reply) => {
    const actor = req.actor!
    if (isStaff(actor)) return reply.redirect('/staff', 303)
    const children = await childrenOfActor(db, actor)
    // A guardian of several children lands on the family page (issue 18).
    if (actor.role === 'guardian' && children.length > 1) return reply.redirect('/family', 303)
    const remembered = children.find((c) => c.id === req.session.currentChildId)
    const child = remembered ?? children[0]
    if (!child) return reply.page('start/no-children', {})
    return reply.redirect(`/children/${child.id}`, 303)
  })

  app.get('/children/:childId', { preHandler: loadChild, schema: { params: ChildParams } }, async (req, reply) => {
    const actor = req.actor!
    const child = req.child!
    const candidates = boxes.filter((b) => b.visible(actor, child))
    // Every tile's availability and summary are read side by side: together() sends
    // their reads to the database as one statement.
    const results = await together(db, candidates.map((b) => async (batched) => {
      const ctx: BoxContext = { db: batched, clock, actor, child }
      const [available, summary, todo] = await Promise.all([
        b.available ? b.available(ctx) : true,
        b.summary && !b.notYet ? b.summary(ctx).catch((err: unknown) => {
          // One box's broken summary must not take the start page down: its tile shows without.
          req.log.warn({ err, box: b.key }, 'box summary failed')
          return null
        }) : null,
        // "Att göra" (issue 18): what waits for the guardian, read in the same statement.
        b.todo && !b.notYet ? todoOf(b, ctx, req.log) : ([] as TodoItem[]),
      ])
      return { available, summary, todo }
    }))
    const todo = results.flatMap((r) => (r.status === 'fulfilled' && r.value.available ? r.value.todo : []))
    const tiles = candidates.flatMap((b, i) => {
      const r = results[i]!
      if (r.status === 'rejected') req.log.warn({ err: r.reason, box: b.key }, 'box availability failed')
      if (r.status === 'rejected' || !r.value.available) return []
      const summary: BoxSummary | null = r.value.summary
      return [{
        key: b.key,
        title: b.title(child),
        href: `/children/${child.id}/${b.path}`,
        summary,
        action: b.action?.(actor, child) ?? null,
        built: !b.notYet,
      }]
    })
    // Guardians reach the family page from here (with one child it leads back to this page).
    return reply.page('start/index', { tiles, todo, familyLink: actor.role === 'guardian' })
  })

  // Boxes whose pages have not landed yet: an honest page, and the visibility rule enforced.
  for (const def of boxes) {
    if (!def.notYet) continue
    app.get(`/children/:childId/${def.path}`, { preHandler: childBox(def.key), schema: { params: ChildParams } }, async (req, reply) =>
      reply.page('start/not-available', { title: def.title(req.child!) }))
  }
}
