import { isSchool, seesHub, type BoxManifest } from '../../web/box.js'
import { benchGet } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { assessmentsSummary } from './service.js'
import { seedAssessmentsDemo } from './demo.js'
import { growAssessments, seedAssessments } from './district.js'

/**
 * Bedömningar: the assessments the school has published for the pupil, grouped by term and
 * subject, after the BankID step-up; every read is audited (SPEC.md 2 and 4.9, school only).
 * Staff publish, edit and unpublish them for the pupils of their groups.
 */
export const assessments: BoxManifest = {
  key: 'assessments',
  path: 'assessments',
  title: () => 'boxes.assessments',
  visible: (a, c) => seesHub(a) && isSchool(c),
  summary: assessmentsSummary,
  routes,
  staffRoutes,
  staffLinks: [{ key: 'assessments', title: 'assessments:staff.link', href: '/staff/assessments', unitKinds: ['school'] }],
  demo: seedAssessmentsDemo,
  district: { seed: seedAssessments, tables: ['assessments'] },
  // The guardians' page needs a BankID step-up, which the benchmark's sessions do not have: only the staff's list is loaded.
  bench: [{ name: 'assessments: staff pupils', staff: true, request: () => benchGet('/staff/assessments') }],
  budgets: {
    pages: [
      { name: 'assessments', user: 'anna.lind', stepUp: true, url: ({ world }) => `/children/${world.elsa}/assessments`, bounded: true, maxQueries: 3 },
      { name: 'assessments, one term', user: 'elsa.lind', stepUp: true, url: ({ world }) => `/children/${world.elsa}/assessments?term=VT2025`, bounded: true, maxQueries: 3 },
      { name: 'staff assessments of a pupil', user: 'karin.berg', url: ({ world }) => `/staff/assessments/pupils/${world.elsa}`, bounded: true, maxQueries: 4 },
    ],
    grow: { what: 'published assessments of Elsa over earlier terms', run: growAssessments },
  },
}
