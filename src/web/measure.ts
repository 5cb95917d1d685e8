import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import type { DemoWorld } from '../demo/seed.js'

/**
 * How a box's pages are measured: the benchmark (`npm run bench`, against the district)
 * and the page budgets (test/integration/page-budgets.test.ts, against the demo world).
 * A box lists its pages in its manifest (`bench`, `budgets`).
 */

/** A logged-in guardian of the district, as the benchmark has made them. */
export interface BenchSession {
  username: string
  cookie: string
  csrf: string
  childId: number
  unitKind: 'school' | 'preschool'
  /** Preschool, or a school child enrolled in fritids: the care schedule applies. */
  inCare: boolean
  /** The child's talks box applies (a bookable time in an open round, or a booking ahead: the box's `available` rule). */
  hasTalks: boolean
  /** A conversation the guardian takes part in about the child. */
  conversationId: number | null
  /** Today in Stockholm at the frozen clock. */
  today: string
  /** A guardian of more than one child (the family page applies). */
  siblings?: boolean
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

/**
 * A page the benchmark loads as the guardians, or (`staff: true`) as the mentors; the
 * request is null when the page does not apply to that family (no timetable in preschool).
 */
export type BenchPage =
  | { name: string; staff?: false; request(s: BenchSession): BenchRequest | null }
  | { name: string; staff: true; request(s: StaffBenchSession): BenchRequest | null }

export const benchGet = (path: string): BenchRequest => ({ method: 'GET', path, expect: 200 })

/** What a budget page's URL and a grower are made from: the test's database, demo world and clock. */
export interface BudgetContext {
  db: Db
  world: DemoWorld
  clock: Clock
}

export type BudgetUser = 'anna.lind' | 'elsa.lind' | 'karin.berg' | 'lena.ek'

/** A page whose statements, size and scripts the budget tests check with 10 and 1,000 rows. */
export interface PageBudget {
  name: string
  user: BudgetUser
  url(ctx: BudgetContext): string | Promise<string>
  method?: 'POST'
  /** The POST's fields (the CSRF token is added). */
  form?(): Record<string, string | string[]>
  status?: number
  /** The page shows a bounded amount of its data (a page of a list, one week), so its size stays in budget with 1,000 rows too. */
  bounded: boolean
  /** Scripts the page may load besides htmx. */
  scripts?: string[]
  /** Statements at most (default 10). */
  maxQueries?: number
  /** The page is behind the BankID step-up: the test gives the user's session one first. */
  stepUp?: boolean
}
