import t from 'tap'
import { parseWeekKey, weekKey } from './service.js'

t.test('ISO week keys as Swedes number weeks', async (t) => {
  t.equal(parseWeekKey('2026-W49'), '2026-11-30')
  t.equal(parseWeekKey('2026-W01'), '2025-12-29', 'week 1 of 2026 starts in December 2025')
  t.equal(parseWeekKey('2026-W53'), '2026-12-28', '2026 has 53 weeks')
  t.equal(parseWeekKey('2025-W53'), null, '2025 has 52')
  t.equal(parseWeekKey('2027-W01'), '2027-01-04')
  for (const bad of ['2026-W00', '2026-W54', '2026-49', '2026-w49', 'x', '', ' 2026-W49', '1900-W01', undefined, 49]) {
    t.equal(parseWeekKey(bad), null, `refuses ${JSON.stringify(bad)}`)
  }
  t.equal(weekKey('2027-01-01'), '2026-W53', 'a Friday in January can belong to the previous year\'s week')
  t.equal(weekKey('2026-10-25'), '2026-W43', 'the Sunday clocks go back ends week 43')
  t.equal(weekKey('2026-10-26'), '2026-W44')
})
