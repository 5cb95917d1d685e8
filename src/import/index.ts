import type { Feature } from '../web/box.js'
import importAdminRoutes from './admin-routes.js'

/** What comes from outside: the SS 12000 import, the address transfer's runs, and the people an admin looks after. */
export const dataImport: Feature = {
  key: 'import',
  staffRoutes: importAdminRoutes,
  staffLinks: [{ key: 'admin-import', title: 'import:link', href: '/staff/admin/import', roles: ['admin'] }],
}
