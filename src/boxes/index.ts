import type { FastifyPluginAsync } from 'fastify'
import messagesRoutes from './messages/routes.js'
import messagesStaffRoutes from './messages/staff-routes.js'
import notificationRoutes from '../notify/routes.js'
import pushRoutes from '../notify/push-routes.js'
import outboxAdminRoutes from '../notify/admin-routes.js'
import timetableRoutes from './timetable/routes.js'
import absenceRoutes from './absence/routes.js'
import absenceStaffRoutes from './absence/staff-routes.js'
import careScheduleRoutes from './care-schedule/routes.js'
import careScheduleStaffRoutes from './care-schedule/staff-routes.js'

/**
 * Every box's Fastify plugin, in one list. A box module calls defineBox() at import
 * time (marking it built) and exports its routes plugin; add it here.
 */
export const BOX_PLUGINS: FastifyPluginAsync[] = [messagesRoutes, messagesStaffRoutes, notificationRoutes, pushRoutes, outboxAdminRoutes, careScheduleRoutes, careScheduleStaffRoutes, timetableRoutes, absenceRoutes, absenceStaffRoutes]
