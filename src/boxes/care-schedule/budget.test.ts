import t from 'tap'
import { performance } from 'node:perf_hooks'
import { buildTestApp, loginAs } from '../../../test/helpers/app.js'
import { queryCounter } from '../../db/index.js'
import { addDaysIso } from '../../clock.js'
import { childForActor, loadActor } from '../../people/service.js'
import { isWeekday, type WeekInput } from './rules.js'
import { saveCareWeek } from './guardian.js'

// Query budgets: the number of SQL statements per page does not grow with the data,
// and a year of repeated weeks is saved with a constant, small number of statements.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world, clock } = ctx
const engine = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'
const queries = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-hubben-queries'])

const pages = {
  guardianWeek: `/children/${world.elsa}/care-schedule?week=2026-W50`,
  guardianDay: `/children/${world.elsa}/care-schedule/days/2026-12-09`,
  weekForm: `/children/${world.elsa}/care-schedule/weeks/2026-W50`,
  staffDay: `/staff/care-schedule/groups/${world.fritids}?date=2026-12-09`,
  staffWeek: `/staff/care-schedule/groups/${world.fritids}/week?week=2026-W50`,
  staffChildDay: `/staff/care-schedule/children/${world.elsa}/days/2026-12-09`,
}

async function measure(): Promise<Record<keyof typeof pages, number>> {
  const anna = await loginAs(app, 'anna.lind')
  const lena = await loginAs(app, 'lena.ek')
  const out = {} as Record<keyof typeof pages, number>
  for (const [name, url] of Object.entries(pages) as [keyof typeof pages, string][]) {
    const client = name.startsWith('staff') ? lena : anna
    // A first visit may do one-off work (a day's new comment marked seen, the remembered child
    // saved in the session, which the access cache then reads again once): count a second visit.
    await client.get(url)
    const res = await client.get(url)
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`)
    out[name] = queries(res)
  }
  return out
}

function weekdaysFrom(start: string, n: number, step: 1 | -1): string[] {
  const out: string[] = []
  for (let d = start; out.length < n; d = addDaysIso(d, step)) if (isWeekday(d)) out.push(d)
  return out
}

t.test('queries per page are the same with 10 and with 1,000 rows', async (t) => {
  await db.deleteFrom('care_days').where('child_id', '=', world.elsa).execute()
  const ten = weekdaysFrom('2026-12-07', 10, 1)
  await db.insertInto('care_days').values(ten.map((day, i) => ({
    child_id: world.elsa, day, starts_at: '07:30', ends_at: '16:00', comment: i === 2 ? 'Morfar hämtar' : null, updated_by: world.anna, updated_at: clock.now(),
  }))).execute()
  const small = await measure()

  // 990 more days for Elsa, going back four years, and 60 more children in the group with a week each.
  const past = weekdaysFrom('2026-12-04', 990, -1)
  await db.insertInto('care_days').values(past.map((day, i) => ({
    child_id: world.elsa, day, starts_at: '07:00', ends_at: '15:00', comment: i % 7 ? null : 'Hämtas tidigt', updated_by: world.erik, updated_at: clock.now(),
  }))).execute()
  const kids = await db.insertInto('persons').values(Array.from({ length: 60 }, (_, i) => ({
    role: 'child' as const, given_name: `Barn${i}`, family_name: 'Test', unit_id: world.school, in_fritids: true,
  }))).returning('id').execute()
  await db.insertInto('group_memberships').values(kids.map((k) => ({ group_id: world.fritids, child_id: k.id }))).execute()
  await db.insertInto('care_days').values(kids.flatMap((k, i) => weekdaysFrom('2026-12-07', 5, 1).map((day) => ({
    child_id: k.id, day, starts_at: '07:00', ends_at: '16:00', comment: i % 5 ? null : 'Kommentar', updated_by: world.anna, updated_at: clock.now(),
  })))).execute()
  const total = await db.selectFrom('care_days').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', world.elsa).executeTakeFirstOrThrow()
  t.equal(Number(total.n), 1000)
  const large = await measure()

  t.comment(`SQL statements per page (${engine}), 10 rows -> 1,000 rows: ${Object.entries(small).map(([k, v]) => `${k} ${v} -> ${large[k as keyof typeof pages]}`).join(', ')}`)
  t.same(large, small, 'no page makes more queries with more rows')
  for (const [name, n] of Object.entries(small)) t.ok(n <= 12, `${name}: ${n} statements`)
})

t.test('a one-year every-week repetition is saved in a few set-based statements', async (t) => {
  const anna = (await loadActor(db, world.anna))!
  const olle = (await childForActor(db, anna, world.olle))!
  const pattern = (end: string): WeekInput => ({
    days: { 1: { start: '07:30', end }, 2: { start: '07:30', end }, 3: { start: '07:30', end }, 4: { start: '07:30', end }, 5: { start: '07:30', end } },
    repeat: true, every: '1', weeks: '', until: '2027-12-01',
  })
  const runs: number[] = []
  let statements = 0
  let days = 0
  for (let i = 0; i < 5; i++) {
    const store = { count: 0 }
    const started = performance.now()
    // Alternate the pattern so every run really rewrites the whole year.
    const result = await queryCounter.run(store, () => saveCareWeek(db, anna, olle, '2026-12-07', pattern(i % 2 ? '16:00' : '16:30'), clock.now()))
    runs.push(performance.now() - started)
    t.ok(result.ok)
    if (result.ok) {
      t.equal(result.mondays.length, 52)
      days = result.changed
    }
    statements = store.count
  }
  const sorted = [...runs].sort((a, b) => a - b)
  const median = sorted[2]!
  t.comment(`one-year every-week repetition (${engine}): 52 weeks, ${days} days changed per save, ${statements} SQL statements, median ${median.toFixed(1)} ms (runs: ${runs.map((r) => r.toFixed(0)).join(', ')} ms)`)
  t.ok(statements <= 4, `statements per save (${statements})`)
  t.equal(days, 258, 'the whole year was rewritten: 51 weeks and Monday to Wednesday of the 52nd')
  t.ok(median < 2000, `saved in ${median.toFixed(0)} ms`)

  const guardian = await loginAs(app, 'anna.lind')
  const started = performance.now()
  const res = await guardian.post(`/children/${world.olle}/care-schedule/weeks/2026-W50`, {
    start1: '08:00', end1: '16:00', start2: '08:00', end2: '16:00', start3: '08:00', end3: '16:00', start4: '08:00', end4: '16:00', start5: '08:00', end5: '14:00',
    repeat: '1', every: '1', until: '2027-12-01',
  })
  const http = performance.now() - started
  t.equal(res.statusCode, 303)
  t.comment(`the same through HTTP (POST, ${engine}): ${http.toFixed(1)} ms, ${queries(res)} SQL statements in the request`)
})
