import { isSchool, seesHub, type BoxManifest } from '../../web/box.js'
import { benchGet } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { documentationSummary } from './service.js'
import { seedDocumentationDemo } from './demo.js'
import { growPortfolio, seedDocumentation } from './district.js'

/**
 * Dokumentation: the tabs Portfolio and IUP after the BankID step-up, every read audited,
 * and who on the staff has read (SPEC.md 2 and 4.11, school only). Staff write portfolio
 * entries (with an optional image or file) and the IUP for the pupils of their groups.
 */
export const documentation: BoxManifest = {
  key: 'documentation',
  path: 'documentation',
  title: () => 'boxes.documentation',
  visible: (a, c) => seesHub(a) && isSchool(c),
  summary: documentationSummary,
  routes,
  staffRoutes,
  staffLinks: [{ key: 'documentation', title: 'documentation:staff.link', href: '/staff/documentation', unitKinds: ['school'] }],
  demo: seedDocumentationDemo,
  district: { seed: seedDocumentation, tables: ['portfolio_entries', 'iup_plans'] },
  // The guardians' pages need a BankID step-up, which the benchmark's sessions do not have: only the staff's list is loaded.
  bench: [{ name: 'documentation: staff pupils', staff: true, request: () => benchGet('/staff/documentation') }],
  budgets: {
    pages: [
      { name: 'documentation portfolio', user: 'anna.lind', stepUp: true, url: ({ world }) => `/children/${world.elsa}/documentation`, bounded: true, maxQueries: 3 },
      { name: 'documentation portfolio, last page', user: 'anna.lind', stepUp: true, url: ({ world }) => `/children/${world.elsa}/documentation?page=100`, bounded: true, maxQueries: 3 },
      { name: 'documentation IUP', user: 'elsa.lind', stepUp: true, url: ({ world }) => `/children/${world.elsa}/documentation/iup`, bounded: true, maxQueries: 3 },
      { name: 'documentation: who read', user: 'anna.lind', stepUp: true, url: ({ world }) => `/children/${world.elsa}/documentation/access`, bounded: true, maxQueries: 3 },
      { name: 'staff documentation of a pupil', user: 'karin.berg', url: ({ world }) => `/staff/documentation/pupils/${world.elsa}`, bounded: true, maxQueries: 4 },
    ],
    grow: { what: 'portfolio entries of Elsa', run: growPortfolio },
  },
}
