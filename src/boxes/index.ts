import type { FastifyPluginAsync } from 'fastify'
import careScheduleRoutes from './care-schedule/routes.js'
import careScheduleStaffRoutes from './care-schedule/staff-routes.js'

/**
 * Every box's Fastify plugin, in one list. A box module calls defineBox() at import
 * time (marking it built) and exports its routes plugin; add it here.
 */
export const BOX_PLUGINS: FastifyPluginAsync[] = [careScheduleRoutes, careScheduleStaffRoutes]
