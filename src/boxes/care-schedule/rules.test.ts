import t from 'tap'
import {
  checkTimes, checkWeek, copyPattern, dayState, halfHourCounts, maxWeeksFrom, oneYearAfter, parseDate, parseTime, parseWeekParam,
  planCopyWrite, planWeekWrite, repetitionMondays, todayOf, weekDates, weekParam, type WeekInput,
} from './rules.js'

const hours = { opens: '06:30', closes: '18:30' }
const noDays = (): WeekInput['days'] => ({ 1: { start: '', end: '' }, 2: { start: '', end: '' }, 3: { start: '', end: '' }, 4: { start: '', end: '' }, 5: { start: '', end: '' } })
const week = (days: Partial<Record<1 | 2 | 3 | 4 | 5, [string, string]>>, rest: Partial<WeekInput> = {}): WeekInput => {
  const d = noDays()
  for (const [k, v] of Object.entries(days)) d[Number(k) as 1] = { start: v![0], end: v![1] }
  return { days: d, repeat: false, every: '', weeks: '', until: '', ...rest }
}

t.test('times as people type them on a phone', async (t) => {
  for (const [raw, want] of [['7.30', '07:30'], ['0730', '07:30'], ['07:30', '07:30'], ['730', '07:30'], ['7', '07:00'], ['16,45', '16:45'],
    ['1630', '16:30'], [' 8:05 ', '08:05'], ['07:30:00', '07:30'], ['23:59', '23:59']] as const) {
    t.equal(parseTime(raw), want, raw)
  }
  for (const raw of ['', '24:00', '7.60', '12345', 'halv åtta', '7:3', '-1', '07:30:15']) t.equal(parseTime(raw), null, raw)
  t.equal(parseDate('2027-6-18'), '2027-06-18')
  t.equal(parseDate('2027-02-29'), null)
})

t.test('times: end after start, inside the opening hours', async (t) => {
  const f = { start: 's', end: 'e' }
  t.same(checkTimes({ start: '7.30', end: '1600' }, hours, f), { times: { start: '07:30', end: '16:00' }, errors: {} })
  t.same(checkTimes({ start: '', end: '' }, hours, f), { times: null, errors: {} }, 'both empty: not there')
  t.equal(checkTimes({ start: '16:00', end: '16:00' }, hours, f).errors.e?.key, 'care:errors.endBeforeStart')
  t.equal(checkTimes({ start: '06:29', end: '08:00' }, hours, f).errors.s?.key, 'care:errors.beforeOpening')
  t.same(checkTimes({ start: '06:30', end: '18:30' }, hours, f).errors, {}, 'the whole opening time is fine')
  t.equal(checkTimes({ start: '08:00', end: '18:31' }, hours, f).errors.e?.key, 'care:errors.afterClosing')
  t.equal(checkTimes({ start: '18:30', end: '18:30' }, hours, f).errors.s?.key, 'care:errors.afterClosing')
  t.equal(checkTimes({ start: '08:00', end: '' }, hours, f).errors.e?.key, 'care:errors.endMissing')
  t.equal(checkTimes({ start: 'x', end: '09:00' }, hours, f).errors.s?.key, 'care:errors.timeInvalid')
  t.equal(checkTimes({ start: '07:00', end: '12:00' }, { opens: '07:00', closes: '17:00' }, f).times?.start, '07:00', 'per-unit hours')
})

t.test('the lock boundary is midnight in Stockholm, also on DST nights', async (t) => {
  const cases: [string, string, 'locked' | 'open'][] = [
    // Winter (CET, UTC+1)
    ['2026-12-01T22:59:59Z', '2026-12-02', 'open'],
    ['2026-12-01T23:00:00Z', '2026-12-02', 'locked'],
    // The night the clocks go back (25 October 2026): midnight after it is 23:00 UTC.
    ['2026-10-25T22:59:59Z', '2026-10-26', 'open'],
    ['2026-10-25T23:00:00Z', '2026-10-26', 'locked'],
    // Summer time (CEST, UTC+2): the day before the clocks go back, midnight is 22:00 UTC.
    ['2026-10-24T21:59:59Z', '2026-10-25', 'open'],
    ['2026-10-24T22:00:00Z', '2026-10-25', 'locked'],
    // The night the clocks go forward (28 March 2027): midnight after it is 22:00 UTC.
    ['2027-03-28T21:59:59Z', '2027-03-29', 'open'],
    ['2027-03-28T22:00:00Z', '2027-03-29', 'locked'],
  ]
  for (const [instant, day, want] of cases) t.equal(dayState(day, todayOf(new Date(instant))), want, `${day} at ${instant}`)
  t.equal(dayState('2026-12-01', '2026-12-01'), 'locked', 'today is locked')
  t.equal(dayState('2026-11-20', '2026-12-01'), 'locked', 'the past is locked')
  t.equal(dayState('2027-12-01', '2026-12-01'), 'open', 'a year ahead is open')
  t.equal(dayState('2027-12-02', '2026-12-01'), 'tooFar')
  t.equal(oneYearAfter('2028-02-29'), '2029-02-28')
})

t.test('ISO weeks across the DST changes', async (t) => {
  t.equal(parseWeekParam('2026-W44'), '2026-10-26')
  t.same(weekDates('2026-10-26'), ['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30'])
  t.equal(parseWeekParam('2026-W43'), '2026-10-19', 'the week that ends with the change')
  t.equal(weekParam('2026-10-25'), '2026-W43', 'Sunday of the change is still week 43')
  t.equal(parseWeekParam('2027-W13'), '2027-03-29')
  t.same(weekDates('2027-03-29'), ['2027-03-29', '2027-03-30', '2027-03-31', '2027-04-01', '2027-04-02'])
  t.same(repetitionMondays('2026-10-19', { every: 1, weeks: 3 }), ['2026-10-19', '2026-10-26', '2026-11-02'])
  t.same(repetitionMondays('2027-03-22', { every: 1, weeks: 2 }), ['2027-03-22', '2027-03-29'])
  t.equal(parseWeekParam('2026-W53'), '2026-12-28')
  t.equal(parseWeekParam('2027-W53'), null)
})

t.test('repetition: every 2 weeks with a count and with an end date', async (t) => {
  const pattern = { 1: { start: '07:00', end: '16:00' }, 2: null, 3: { start: '08:00', end: '15:00' }, 4: null, 5: null }
  t.same(repetitionMondays('2026-12-07', { every: 2, weeks: 6 }), ['2026-12-07', '2026-12-21', '2027-01-04'])
  t.same(repetitionMondays('2026-12-07', { every: 2, weeks: 5 }), ['2026-12-07', '2026-12-21', '2027-01-04'])
  t.same(repetitionMondays('2026-12-07', { every: 2, weeks: 1 }), ['2026-12-07'])
  t.same(repetitionMondays('2026-12-07', { every: 3, until: '2027-01-11' }), ['2026-12-07', '2026-12-28'])
  const byDate = planWeekWrite('2026-12-07', pattern, { every: 2, until: '2026-12-23' }, '2026-12-01')
  t.same(byDate.mondays, ['2026-12-07', '2026-12-21'])
  t.same(byDate.writes.map((w) => w.day), ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11', '2026-12-21', '2026-12-22', '2026-12-23'],
    'the end date cuts the last week')
  t.same(byDate.writes.find((w) => w.day === '2026-12-08'), { day: '2026-12-08', start: null, end: null }, 'an empty weekday removes that day')
  t.same(byDate.skipped, [])
  const locked = planWeekWrite('2026-11-30', pattern, null, '2026-12-01')
  t.same(locked.skipped, ['2026-11-30', '2026-12-01'], 'today and earlier are skipped and reported')
  t.same(locked.writes.map((w) => w.day), ['2026-12-02', '2026-12-03', '2026-12-04'])
})

t.test('the repetition is bounded to a year ahead', async (t) => {
  const today = '2026-12-01'
  t.equal(oneYearAfter(today), '2027-12-01')
  t.equal(maxWeeksFrom('2026-12-07', today), 51)
  const base = week({ 1: ['07:00', '16:00'] }, { repeat: true, every: '1' })
  t.ok(checkWeek({ ...base, weeks: '51' }, hours, '2026-12-07', today).ok)
  const many = checkWeek({ ...base, weeks: '52' }, hours, '2026-12-07', today)
  t.same(!many.ok && many.errors.weeks, { key: 'care:errors.weeksTooMany', params: { max: 51, date: '2027-12-01' } })
  t.ok(checkWeek({ ...base, until: '2027-12-01' }, hours, '2026-12-07', today).ok)
  const far = checkWeek({ ...base, until: '2027-12-02' }, hours, '2026-12-07', today)
  t.equal(!far.ok && far.errors.until?.key, 'care:errors.untilTooFar')
  const every = checkWeek({ ...base, every: '53', weeks: '2' }, hours, '2026-12-07', today)
  t.equal(!every.ok && every.errors.every?.key, 'care:errors.everyInvalid')
  const none = checkWeek({ ...base }, hours, '2026-12-07', today)
  t.equal(!none.ok && none.errors.weeks?.key, 'care:errors.limitMissing')
  const before = checkWeek({ ...base, until: '2026-12-06' }, hours, '2026-12-07', today)
  t.equal(!before.ok && before.errors.until?.key, 'care:errors.untilBeforeWeek')
  const farWeek = checkWeek(week({ 1: ['07:00', '16:00'] }), hours, '2027-12-06', today)
  t.equal(!farWeek.ok && farWeek.errors._form?.key, 'care:errors.weekTooFar')
  // The last week that starts within the year: its days past the limit are left out.
  const last = checkWeek(week({ 1: ['07:00', '16:00'], 5: ['07:00', '16:00'] }), hours, '2027-11-29', today)
  t.ok(last.ok)
  const plan = last.ok ? planWeekWrite('2027-11-29', last.pattern, null, today) : null
  t.same(plan?.writes.map((w) => w.day), ['2027-11-29', '2027-11-30', '2027-12-01'])
  t.same(plan?.skipped, [])
})

t.test('head count per half hour', async (t) => {
  const counts = halfHourCounts([{ start: '06:45', end: '08:00' }, { start: '07:00', end: '16:30' }, { start: '08:00', end: '17:00' }], hours)
  t.equal(counts.length, 24)
  t.same(counts[0], { from: '06:30', to: '07:00', count: 1 })
  t.same(counts[1], { from: '07:00', to: '07:30', count: 2 })
  t.same(counts[3], { from: '08:00', to: '08:30', count: 2 }, 'a child leaving at 08:00 is not counted after')
  t.same(counts[20], { from: '16:30', to: '17:00', count: 1 })
  t.same(counts[23], { from: '18:00', to: '18:30', count: 0 })
  t.same(halfHourCounts([], { opens: '07:00', closes: '08:15' }).map((c) => c.to), ['07:30', '08:00', '08:15'])
})


t.test('copying a week to a sibling: each day against the sibling\'s hours; refused days are left out of the plan', async (t) => {
  const pattern = { 1: { start: '06:00', end: '15:00' }, 2: { start: '07:00', end: '15:00' }, 3: null, 4: { start: '07:00', end: '18:00' }, 5: { start: '07:00', end: '15:00' } }
  const copy = copyPattern(pattern, { opens: '06:30', closes: '17:30' })
  t.same(copy.refused, [
    { weekday: 1, key: 'care:errors.beforeOpening', params: { time: '06:30' } },
    { weekday: 4, key: 'care:errors.afterClosing', params: { time: '17:30' } },
  ])
  t.same(copy.pattern, { 2: { start: '07:00', end: '15:00' }, 3: null, 5: { start: '07:00', end: '15:00' } })
  // Week 50 every week for two weeks: Tuesday, Wednesday (removed) and Friday of each; Monday and Thursday untouched.
  const plan = planCopyWrite('2026-12-07', copy.pattern, { every: 1, weeks: 2 }, '2026-12-01')
  t.same(plan.writes.map((w) => w.day), ['2026-12-08', '2026-12-09', '2026-12-11', '2026-12-15', '2026-12-16', '2026-12-18'])
  t.same(plan.writes[1], { day: '2026-12-09', start: null, end: null })
  t.same(plan.mondays, ['2026-12-07', '2026-12-14'])
  t.same(copyPattern(pattern, { opens: '06:00', closes: '18:30' }).refused, [], 'hours that fit: nothing refused')
})
