// Absence on the family page (issue 18): an absence reported for today, or nothing.
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { absenceQueries } from './queries.js'

export async function absenceFamilyLine({ db, clock, child }: BoxContext): Promise<BoxSummary | null> {
  const done = await absenceQueries(db).reportedOn(child.id, clock.today())
  if (done.wholeDay) return { key: 'family:lines.absenceWholeDay' }
  if (done.lessons.size) return { key: 'family:lines.absenceLessons', params: { count: done.lessons.size } }
  return null
}
