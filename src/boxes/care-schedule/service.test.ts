import t from 'tap'
import { buildTestApp } from '../../../test/helpers/app.js'
import { loadActor, childForActor, type Actor, type Child } from '../../people/service.js'
import { toIsoDate } from '../../clock.js'
import {
  checkTimes, checkWeek, dayState, halfHourCounts, maxWeeksFrom, oneYearAfter, parseDate, parseTime, parseWeekParam,
  planWeekWrite, repetitionMondays, saveCareDay, saveCareWeek, staffChildDay, staffGroupDay, todayOf, weekDates, weekParam,
  type WeekInput, careScheduleWeek, saveStaffComment, careScheduleDay,
} from './service.js'

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

// ---- With a database ----

const ctx = await buildTestApp({ now: '2026-12-01T07:10:00+01:00' })
t.teardown(() => ctx.close())
const { db, world, clock } = ctx
const actor = async (id: number) => (await loadActor(db, id))!
const child = async (a: Actor, id: number) => (await childForActor(db, a, id))!
const times = async (childId: number, from: string, to: string) =>
  Object.fromEntries((await db.selectFrom('care_days').select(['day', 'starts_at', 'ends_at', 'updated_by']).where('child_id', '=', childId)
    .where('day', '>=', from).where('day', '<=', to).orderBy('day').execute()).map((r) => [r.day, `${r.starts_at.slice(0, 5)}-${r.ends_at.slice(0, 5)}/${r.updated_by}`]))

let anna: Actor, erik: Actor, maria: Actor, lena: Actor, johan: Actor, olle: Child, elsa: Child
t.before(async () => {
  anna = await actor(world.anna)
  erik = await actor(world.erik)
  maria = await actor(world.maria)
  lena = await actor(world.lena)
  johan = await actor(world.johan)
  olle = await child(anna, world.olle)
  elsa = await child(anna, world.elsa)
})

t.test('saving the day after today works until midnight, and not a second later', async (t) => {
  const before = new Date('2026-12-01T22:59:59Z')
  const ok = await saveCareDay(db, anna, olle, '2026-12-02', { start: '08:00', end: '15:00', comment: 'sent' }, before)
  t.same(ok, { ok: true, action: 'set' })
  const after = new Date('2026-12-01T23:00:00Z')
  const refused = await saveCareDay(db, anna, olle, '2026-12-02', { start: '09:00', end: '15:00', comment: 'för sent' }, after)
  t.same(refused, { ok: false, status: 403, errors: { _form: { key: 'care:errors.dayLocked' } } })
  const removal = await saveCareDay(db, anna, olle, '2026-12-02', { start: '', end: '', comment: '', remove: true }, after)
  t.equal(removal.ok, false)
  t.same(await times(world.olle, '2026-12-02', '2026-12-02'), { '2026-12-02': `08:00-15:00/${world.anna}` })
})

t.test('a week across the DST change is written to the right dates', async (t) => {
  // Sunday 25 October 2026 at 23:30, after the clocks went back: week 44 is still open.
  const now = new Date('2026-10-25T22:30:00Z')
  t.equal(toIsoDate(now), '2026-10-25')
  const r = await saveCareWeek(db, anna, olle, '2026-10-26', week({ 1: ['07:00', '16:00'], 2: ['07:00', '16:00'], 3: ['07:00', '16:00'], 4: ['07:00', '16:00'], 5: ['07:00', '12:00'] }, { repeat: true, every: '1', weeks: '2' }), now)
  t.ok(r.ok)
  t.same(Object.keys(await times(world.olle, '2026-10-26', '2026-11-08')),
    ['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'])
  // Spring: Sunday 28 March 2027 at 23:30 CEST.
  const spring = new Date('2027-03-28T21:30:00Z')
  const s = await saveCareWeek(db, anna, olle, '2027-03-29', week({ 1: ['07:00', '16:00'], 5: ['07:00', '16:00'] }), spring)
  t.ok(s.ok && s.skipped.length === 0)
  t.same(Object.keys(await times(world.olle, '2027-03-29', '2027-04-04')), ['2027-03-29', '2027-04-02'])
  // Half an hour later it is Monday in Stockholm (still Sunday in UTC): Monday is locked.
  const late = await saveCareWeek(db, anna, olle, '2027-03-29', week({ 1: ['08:00', '16:00'], 5: ['08:00', '16:00'] }), new Date('2027-03-28T22:30:00Z'))
  t.ok(late.ok && late.skipped[0] === '2027-03-29')
  t.same(await times(world.olle, '2027-03-29', '2027-04-04'), { '2027-03-29': `07:00-16:00/${world.anna}`, '2027-04-02': `08:00-16:00/${world.anna}` })
})

t.test('shared custody: two guardians\' alternating weeks do not overwrite each other', async (t) => {
  const now = clock.now()
  // Anna has the even weeks from week 2 of 2027, Erik the odd ones from week 3.
  const a = await saveCareWeek(db, anna, elsa, '2027-01-11', week({ 1: ['07:00', '15:00'], 2: ['07:00', '15:00'], 3: ['07:00', '15:00'], 4: ['07:00', '15:00'], 5: ['07:00', '15:00'] }, { repeat: true, every: '2', weeks: '8' }), now)
  const e = await saveCareWeek(db, erik, elsa, '2027-01-18', week({ 1: ['08:30', '17:00'], 2: ['08:30', '17:00'], 3: ['08:30', '17:00'], 4: ['08:30', '17:00'], 5: ['08:30', '17:00'] }, { repeat: true, every: '2', until: '2027-03-05' }), now)
  t.ok(a.ok && e.ok)
  t.same(a.ok && a.mondays, ['2027-01-11', '2027-01-25', '2027-02-08', '2027-02-22'])
  t.same(e.ok && e.mondays, ['2027-01-18', '2027-02-01', '2027-02-15', '2027-03-01'])
  // Anna changes her Friday pattern and saves again: Erik's weeks stay his.
  const again = await saveCareWeek(db, anna, elsa, '2027-01-11', week({ 1: ['07:00', '15:00'], 2: ['07:00', '15:00'], 3: ['07:00', '15:00'], 4: ['07:00', '15:00'], 5: ['07:00', '13:00'] }, { repeat: true, every: '2', weeks: '8' }), now)
  t.ok(again.ok)
  t.equal(again.ok && again.changed, 4, 'only the four changed Fridays were rewritten')
  const all = await times(world.elsa, '2027-01-11', '2027-03-05')
  for (const [day, v] of Object.entries(all)) {
    const mondayIndex = Math.floor((Date.parse(day) - Date.parse('2027-01-11')) / (7 * 86_400_000))
    const isFriday = new Date(`${day}T12:00:00Z`).getUTCDay() === 5
    if (mondayIndex % 2 === 0) t.equal(v, `07:00-${isFriday ? '13:00' : '15:00'}/${world.anna}`, day)
    else t.equal(v, `08:30-17:00/${world.erik}`, day)
  }
  t.equal(Object.keys(all).length, 40)
})

t.test('saving the same week again changes and logs nothing (double submit)', async (t) => {
  const input = week({ 1: ['07:00', '16:00'], 3: ['07:00', '16:00'] }, { repeat: true, every: '1', weeks: '3' })
  const first = await saveCareWeek(db, anna, olle, '2027-05-03', input, clock.now())
  t.ok(first.ok && first.changed === 6)
  const count = async () => Number((await db.selectFrom('care_day_log').select((eb) => eb.fn.countAll().as('n')).where('child_id', '=', world.olle).executeTakeFirstOrThrow()).n)
  const logged = await count()
  const second = await saveCareWeek(db, anna, olle, '2027-05-03', input, clock.now())
  t.ok(second.ok && second.changed === 0)
  t.equal(await count(), logged)
  const [x, y] = await Promise.all([
    saveCareWeek(db, anna, olle, '2027-05-03', week({ 1: ['08:00', '16:00'] }), clock.now()),
    saveCareWeek(db, erik, olle, '2027-05-03', week({ 1: ['09:00', '16:00'] }), clock.now()),
  ])
  t.ok(x.ok && y.ok, 'two guardians saving at once both succeed, one after the other')
})

/** The status a service refusal carries, or 0 when the call succeeded. */
async function refusal(p: Promise<unknown>): Promise<number> {
  try {
    await p
    return 0
  } catch (err) {
    return (err as { statusCode?: number }).statusCode ?? -1
  }
}

t.test('authorization lives in the service too', async (t) => {
  const pupil = await actor(world.elsa)
  t.equal(await refusal(careScheduleWeek(db, pupil, elsa, '2026-12-07', clock.now())), 403)
  t.equal(await refusal(saveCareDay(db, pupil, elsa, '2026-12-10', { start: '08:00', end: '09:00', comment: '' }, clock.now())), 403)
  // Maria holding Elsa's Child object (never possible through loadChild) still cannot write.
  t.equal(await refusal(saveCareDay(db, maria, elsa, '2026-12-10', { start: '08:00', end: '09:00', comment: '' }, clock.now())), 404)
  t.equal(await refusal(saveCareWeek(db, maria, elsa, '2026-12-07', week({ 1: ['08:00', '09:00'] }), clock.now())), 404)
  t.equal(await refusal(saveCareDay(db, lena, elsa, '2026-12-10', { start: '08:00', end: '09:00', comment: '' }, clock.now())), 403)
  // Staff of the other unit do not see the group or the child.
  t.equal(await refusal(staffGroupDay(db, johan, world.fritids, '2026-12-01', clock.now())), 404)
  t.equal(await refusal(staffChildDay(db, johan, world.elsa, '2026-12-01', clock.now())), 404)
  t.equal(await refusal(saveStaffComment(db, lena, world.olle, '2026-12-01', 'hej', clock.now())), 404)
  t.equal(await refusal(staffGroupDay(db, anna, world.fritids, '2026-12-01', clock.now())), 404)
})

t.test('the new-comment marker goes when a staff member opens the day', async (t) => {
  const r = await saveCareDay(db, anna, elsa, '2026-12-03', { start: '07:15', end: '16:30', comment: 'Mormor hämtar' }, clock.now())
  t.ok(r.ok)
  const before = await staffGroupDay(db, lena, world.fritids, '2026-12-03', clock.now())
  const row = before.children.find((c) => c.id === world.elsa)!
  t.ok(row.cell.commentNew)
  const opened = await staffChildDay(db, lena, world.elsa, '2026-12-03', clock.now())
  t.ok(opened.day.commentNew, 'the page itself still says the comment was new')
  const after = await staffGroupDay(db, lena, world.fritids, '2026-12-03', clock.now())
  t.notOk(after.children.find((c) => c.id === world.elsa)!.cell.commentNew)
  t.ok(after.children.find((c) => c.id === world.elsa)!.cell.hasComment)
  // Changing only the times keeps the comment seen; a new comment is new again.
  await saveCareDay(db, anna, elsa, '2026-12-03', { start: '07:30', end: '16:30', comment: 'Mormor hämtar' }, clock.now())
  t.notOk((await staffGroupDay(db, lena, world.fritids, '2026-12-03', clock.now())).children.find((c) => c.id === world.elsa)!.cell.commentNew)
  await saveCareDay(db, erik, elsa, '2026-12-03', { start: '07:30', end: '16:30', comment: 'Morfar hämtar' }, clock.now())
  t.ok((await staffGroupDay(db, lena, world.fritids, '2026-12-03', clock.now())).children.find((c) => c.id === world.elsa)!.cell.commentNew)
})

t.test('a staff comment is shown to the guardians on the day, and only there', async (t) => {
  const r = await saveStaffComment(db, johan, world.olle, '2026-12-04', 'Olle sov gott i vilan.', clock.now())
  t.ok(r.ok)
  const day = await careScheduleDay(db, anna, olle, '2026-12-04', clock.now())
  t.equal(day.staffComment?.body, 'Olle sov gott i vilan.')
  t.equal(day.staffComment?.by, 'Johan Ek')
  const w = await careScheduleWeek(db, anna, olle, '2026-11-30', clock.now())
  t.notOk(w.days.find((d) => d.date === '2026-12-04')!.hasComment, 'the week shows only guardian comments')
  const notices = await db.selectFrom('notifications').select('id').where('child_id', '=', world.olle).execute()
  t.same(notices, [], 'no notification')
  const removed = await saveStaffComment(db, johan, world.olle, '2026-12-04', '  ', clock.now())
  t.ok(removed.ok && removed.removed)
  t.equal((await careScheduleDay(db, anna, olle, '2026-12-04', clock.now())).staffComment, null)
})

t.test('the staff day view counts children per half hour', async (t) => {
  const v = await staffGroupDay(db, johan, world.blaklockan, '2026-12-07', clock.now())
  t.equal(v.expected, 1)
  t.same(v.counts.find((c) => c.from === '07:30'), { from: '07:30', to: '08:00', count: 1 })
  t.same(v.counts.find((c) => c.from === '06:30'), { from: '06:30', to: '07:00', count: 0 })
})
