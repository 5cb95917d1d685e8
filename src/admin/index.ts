import type { FastifyInstance } from 'fastify'
import type { Feature } from '../web/box.js'
import adminRoutes from './routes.js'
import auditRoutes from './audit-routes.js'

/** Provisioning by hand (an administrator sends an activation link), and the audit log per child. */
export const admin: Feature = {
  key: 'admin',
  async staffRoutes(app: FastifyInstance) {
    await app.register(adminRoutes)
    await app.register(auditRoutes)
  },
  staffLinks: [
    { key: 'admin-invite', title: 'admin:invite.link', href: '/staff/admin/invite', roles: ['admin'] },
    { key: 'admin-audit', title: 'admin:audit.link', href: '/staff/admin/audit', roles: ['admin'] },
  ],
}
