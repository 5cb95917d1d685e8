import type { Feature } from '../web/box.js'
import adminRoutes from './routes.js'

/** Provisioning by hand: an administrator sends (again) an activation link. */
export const admin: Feature = {
  key: 'admin',
  staffRoutes: adminRoutes,
  staffLinks: [{ key: 'admin-invite', title: 'admin:invite.link', href: '/staff/admin/invite', roles: ['admin'] }],
}
