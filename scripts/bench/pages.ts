/**
 * The pages the benchmark loads, one entry per page. A box that lands adds its pages
 * here (and in test/integration/page-budgets.test.ts): a name, and the request for a
 * logged-in guardian's session, or null when the page does not apply to that family
 * (e.g. no timetable for a preschool child).
 */
export interface BenchSession {
  username: string
  cookie: string
  csrf: string
  childId: number
  unitKind: 'school' | 'preschool'
  /** Preschool, or a school child enrolled in fritids: the care schedule applies. */
  inCare: boolean
  /** A conversation the guardian takes part in about the child. */
  conversationId: number | null
  /** Today in Stockholm at the frozen clock. */
  today: string
}

export interface BenchRequest {
  method: 'GET' | 'POST'
  path: string
  body?: string
  /** The status a correct answer has. */
  expect: number
}

/** A logged-in staff member: a class's mentor (the teacher who checks the absences at 08:00). */
export interface StaffBenchSession {
  username: string
  cookie: string
  csrf: string
  /** The class they mentor. */
  groupId: number
  today: string
}

/** A page loaded as the guardians, or (`staff: true`) as the mentors. */
export type BenchPage =
  | { name: string; staff?: false; request(s: BenchSession): BenchRequest | null }
  | { name: string; staff: true; request(s: StaffBenchSession): BenchRequest | null }

const get = (path: string): BenchRequest => ({ method: 'GET', path, expect: 200 })

export const PAGES: BenchPage[] = [
  // Not a page: the baseline's route with a logged-in guardian's cookie, so the cost of
  // reading the session (one statement, with the person and the bar's counts) is measured
  // apart from every page's own work.
  { name: 'baseline, logged in', request: () => get('/bench/baseline') },
  { name: 'start page', request: (s) => get(`/children/${s.childId}`) },
  { name: 'messages inbox', request: (s) => get(`/children/${s.childId}/messages`) },
  { name: 'conversation', request: (s) => (s.conversationId ? get(`/children/${s.childId}/messages/${s.conversationId}`) : null) },
  { name: 'timetable week', request: (s) => (s.unitKind === 'school' ? get(`/children/${s.childId}/timetable`) : null) },
  { name: 'absence history', request: (s) => get(`/children/${s.childId}/absences`) },
  { name: 'care schedule week', request: (s) => (s.inCare ? get(`/children/${s.childId}/care-schedule`) : null) },
  {
    name: 'absence report (POST)',
    request: (s) => ({
      method: 'POST',
      path: `/children/${s.childId}/absences`,
      body: new URLSearchParams({ _csrf: s.csrf, date: s.today, scope: 'day', reason: 'illness' }).toString(),
      expect: 303,
    }),
  },
  // The school's side of the same morning.
  { name: 'staff: class absences today', staff: true, request: (s) => get(`/staff/absences?group=${s.groupId}&date=${s.today}`) },
  { name: 'staff: messages inbox', staff: true, request: () => get('/staff/messages') },
]
