// The timetable on the family page (issue 18): today's lessons, as on the tile.
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { todaySummary } from './service.js'

export async function timetableFamilyLine(ctx: BoxContext): Promise<BoxSummary | null> {
  return todaySummary(ctx)
}
