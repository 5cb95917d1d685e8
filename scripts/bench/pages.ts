import { FEATURES } from '../../src/boxes/index.js'
import { benchGet, type BenchPage } from '../../src/web/measure.js'

export type { BenchPage, BenchRequest, BenchSession, StaffBenchSession } from '../../src/web/measure.js'

/**
 * The pages the benchmark loads: the start page, then each box's (its manifest's `bench`),
 * in the list's order, the staff's pages last.
 */
const fromBoxes = FEATURES.flatMap((f) => f.bench ?? [])

export const PAGES: BenchPage[] = [
  // Not a page: the baseline's route with a logged-in guardian's cookie, so the cost of
  // reading the session (one statement, with the person and the bar's counts) is measured
  // apart from every page's own work.
  { name: 'baseline, logged in', request: () => benchGet('/bench/baseline') },
  { name: 'start page', request: (s) => benchGet(`/children/${s.childId}`) },
  // The family page (issue 18), for the guardians of more than one child.
  { name: 'family page', request: (s) => (s.siblings ? benchGet('/family') : null) },
  ...fromBoxes.filter((p) => !p.staff),
  ...fromBoxes.filter((p) => p.staff),
]
