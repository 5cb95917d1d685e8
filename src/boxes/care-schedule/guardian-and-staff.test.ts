import t from 'tap'
import { buildTestApp } from '../../../test/helpers/app.js'
import { loadActor, childForActor, type Actor, type Child } from '../../people/service.js'
import { toIsoDate } from '../../clock.js'
import type { WeekInput } from './rules.js'
import { careScheduleDay, careScheduleWeek, saveCareDay, saveCareWeek } from './guardian.js'
import { saveStaffComment, staffChildDay, staffGroupDay } from './staff.js'

const noDays = (): WeekInput['days'] => ({ 1: { start: '', end: '' }, 2: { start: '', end: '' }, 3: { start: '', end: '' }, 4: { start: '', end: '' }, 5: { start: '', end: '' } })
const week = (days: Partial<Record<1 | 2 | 3 | 4 | 5, [string, string]>>, rest: Partial<WeekInput> = {}): WeekInput => {
  const d = noDays()
  for (const [k, v] of Object.entries(days)) d[Number(k) as 1] = { start: v![0], end: v![1] }
  return { days: d, repeat: false, every: '', weeks: '', until: '', ...rest }
}

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
