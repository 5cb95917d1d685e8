import type { FastifyReply, FastifyRequest } from 'fastify'
import { childForActor, isStaff } from '../people/service.js'
import { parseId } from './schemas.js'

/**
 * The preHandlers every route picks from. Each answers for itself (a redirect to login,
 * 403 or 404) and leaves `req.actor` / `req.child` set for the handler.
 */

/** The page needs a logged-in person. */
export async function requireLogin(req: FastifyRequest, reply: FastifyReply) {
  if (req.actor) return
  if (req.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303)
  return reply.code(401).page('errors/error', { status: 401, titleKey: 'errors.401.title', bodyKey: 'errors.401.body' })
}

/** Staff and admins only; others get 404 (the staff area does not exist for them). */
export async function requireStaff(req: FastifyRequest, reply: FastifyReply) {
  if (!req.actor) return requireLogin(req, reply)
  if (!isStaff(req.actor)) return reply.callNotFound()
}

/** Administrators only; everyone else gets 404. */
export async function requireAdmin(req: FastifyRequest, reply: FastifyReply) {
  await requireStaff(req, reply)
  if (reply.sent) return
  if (req.actor?.role !== 'admin') return reply.callNotFound()
}

/** For /children/:childId/...: the child, if this person may see it; otherwise 404. */
export async function loadChild(req: FastifyRequest, reply: FastifyReply) {
  if (!req.actor) return requireLogin(req, reply)
  // Runs before the route's declared params are enforced (login comes first): ChildParams' Id check again.
  const child = await childForActor(req.server.deps.db, req.actor, parseId((req.params as { childId?: unknown }).childId), req.server.accessCache)
  if (!child) return reply.callNotFound()
  req.child = child
  if (req.session.currentChildId !== child.id && !isStaff(req.actor)) req.session.currentChildId = child.id
}

/**
 * After loadChild, for a box's child routes: pupils get 403 on guardian-only boxes, and a
 * box that does not apply to the child (its rule, or its data: talks without times) is 404.
 * The rule is the box's manifest, as the app was built with it.
 */
export function requireBox(key: string) {
  return async function (req: FastifyRequest, reply: FastifyReply) {
    const def = req.server.boxes.get(key)
    if (!def) throw new Error(`No box ${key} in src/boxes/index.ts`)
    const actor = req.actor!
    const child = req.child!
    if (def.guardianOnly && actor.role === 'pupil') {
      return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'errors.pupilBox.body' })
    }
    // Staff look at a child's Hub as a guardian would, so they pass guardian-only checks.
    const viewer = isStaff(actor) ? { ...actor, role: 'guardian' as const } : actor
    if (!def.visible(viewer, child)) return reply.callNotFound()
    if (def.available && !(await def.available({ db: req.server.deps.db, clock: req.server.deps.clock, actor, child }))) return reply.callNotFound()
  }
}

/** loadChild, then requireBox(key): the guards of a box's child routes. */
export const childBox = (key: string) => [loadChild, requireBox(key)]

/**
 * onRequest, for routes that take large bodies (an upload): only an administrator's request
 * is read at all. It runs before the body is parsed, when the actor is not loaded yet, so it
 * looks up the session's person itself (one small read); requireAdmin still runs later.
 */
export async function requireAdminBeforeBody(req: FastifyRequest, reply: FastifyReply) {
  const personId = req.session?.personId
  const person = personId
    ? await req.server.deps.db.selectFrom('persons').select('role').where('id', '=', personId).where('deactivated_at', 'is', null).executeTakeFirst()
    : undefined
  if (person?.role !== 'admin') return reply.code(404).type('text/plain; charset=utf-8').send('Not found')
}
