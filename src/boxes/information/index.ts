import { seesHub, type BoxManifest } from '../../web/box.js'
import { benchGet } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { informationSummary } from './service.js'
import { seedInformationDemo } from './demo.js'
import { growNews, seedInformation } from './district.js'

/**
 * Information: news for the child's groups and unit, files for the unit, links (SPEC.md 4.8).
 * Staff publish, edit and unpublish them for their own groups and units; publishing tells
 * each guardian and pupil concerned (bell and push).
 */
export const information: BoxManifest = {
  key: 'information',
  path: 'information',
  title: () => 'boxes.information',
  visible: (a) => seesHub(a),
  summary: informationSummary,
  routes,
  staffRoutes,
  staffLinks: [{ key: 'information', title: 'information:staff.link', href: '/staff/information' }],
  demo: seedInformationDemo,
  district: { seed: seedInformation, tables: ['info_news', 'info_files', 'info_links'] },
  bench: [
    { name: 'information: news', request: (s) => benchGet(`/children/${s.childId}/information`) },
  ],
  budgets: {
    pages: [
      { name: 'information news', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/information`, bounded: true, maxQueries: 4 },
      { name: 'information news, last page', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/information?page=50`, bounded: true, maxQueries: 4 },
      { name: 'information files', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/information/files`, bounded: true, maxQueries: 4 },
    ],
    grow: { what: 'news items for 4B', run: growNews },
  },
}
