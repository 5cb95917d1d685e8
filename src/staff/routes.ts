import type { FastifyInstance } from 'fastify'
import { requireStaff } from '../web/guards.js'
import { staffPlaces } from '../people/service.js'
import type { StaffLink } from '../web/box.js'

/** The staff area's start page: the units and groups the person works in, and the boxes' staff sides. */
export default async function staffRoutes(app: FastifyInstance, { links: all }: { links: StaffLink[] }) {
  const { db } = app.deps
  app.get('/staff', { preHandler: requireStaff }, async (req, reply) => {
    const places = await staffPlaces(db, req.actor!)
    const kinds = new Set(places.map((p) => p.unitKind))
    const role = req.actor!.role as 'staff' | 'admin'
    const links = all.filter((l) => (!l.unitKinds || l.unitKinds.some((k) => kinds.has(k))) && (!l.roles || l.roles.includes(role)))
    return reply.page('staff/index', { places, links })
  })
}
