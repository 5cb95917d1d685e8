import t from 'tap'
import { addDaysIso, isIsoDate, isoWeekOf, isoWeekday, mondayOf, stockholmInstant, systemClock, toIsoDate, toLocalTime } from './clock.js'

t.test('calendar dates are Stockholm dates', async (t) => {
  // 23:30 UTC on 30 Nov is 00:30 on 1 Dec in Stockholm (UTC+1).
  t.equal(toIsoDate(new Date('2026-11-30T23:30:00Z')), '2026-12-01')
  t.equal(toIsoDate(new Date('2026-11-30T22:59:59Z')), '2026-11-30')
  // Summer time: UTC+2.
  t.equal(toIsoDate(new Date('2026-06-30T22:30:00Z')), '2026-07-01')
  t.equal(systemClock(new Date('2026-11-30T23:30:00Z')).today(), '2026-12-01')
})

t.test('wall-clock instants across daylight saving changes', async (t) => {
  t.equal(stockholmInstant('2026-10-24', '08:00').toISOString(), '2026-10-24T06:00:00.000Z', 'summer time')
  t.equal(stockholmInstant('2026-10-26', '08:00').toISOString(), '2026-10-26T07:00:00.000Z', 'winter time')
  t.equal(toLocalTime(stockholmInstant('2027-03-29', '07:30')), '07:30')
  t.equal(addDaysIso('2026-10-24', 1), '2026-10-25')
  t.equal(addDaysIso('2026-10-25', 1), '2026-10-26', 'the 25-hour day')
  t.equal(addDaysIso('2027-03-28', 1), '2027-03-29', 'the 23-hour day')
  t.equal(addDaysIso('2026-12-31', 1), '2027-01-01')
})

t.test('ISO weeks as Swedes number them', async (t) => {
  t.same(isoWeekOf('2026-12-01'), { year: 2026, week: 49 })
  t.same(isoWeekOf('2027-01-01'), { year: 2026, week: 53 })
  t.same(isoWeekOf('2027-01-04'), { year: 2027, week: 1 })
  t.equal(mondayOf('2026-12-06'), '2026-11-30')
  t.equal(mondayOf('2026-11-30'), '2026-11-30')
  t.equal(isoWeekday('2026-12-06'), 7)
  t.equal(isoWeekday('2026-11-30'), 1)
})

t.test('isIsoDate', async (t) => {
  t.ok(isIsoDate('2026-02-28'))
  t.notOk(isIsoDate('2026-02-30'))
  t.notOk(isIsoDate('2026-2-3'))
  t.notOk(isIsoDate(20260101))
})
