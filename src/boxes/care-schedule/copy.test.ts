import t from 'tap'
import { buildTestApp, loginAs } from '../../../test/helpers/app.js'

// "Samma tider även för": copying the week form's times to a sibling (issue 18).
// Frozen on Tuesday 1 December 2026, 07:10 in Stockholm; week 50 starts 7 December.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx

const elsaUrl = `/children/${world.elsa}/care-schedule`
const olleUrl = `/children/${world.olle}/care-schedule`

async function days(childId: number, from: string, to: string) {
  const rows = await db.selectFrom('care_days').select(['day', 'starts_at', 'ends_at']).where('child_id', '=', childId)
    .where('day', '>=', from).where('day', '<=', to).orderBy('day').execute()
  return Object.fromEntries(rows.map((r) => [r.day, `${r.starts_at.slice(0, 5)}-${r.ends_at.slice(0, 5)}`]))
}
async function logCount(childId: number) {
  const r = await db.selectFrom('care_day_log').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', childId).executeTakeFirstOrThrow()
  return Number(r.n)
}
const week = (t: Record<number, [string, string]>) => {
  const out: Record<string, string> = { every: '1' }
  for (let wd = 1; wd <= 5; wd++) { out[`start${wd}`] = t[wd]?.[0] ?? ''; out[`end${wd}`] = t[wd]?.[1] ?? '' }
  return out
}

t.test('the week form offers the sibling in care, with the sibling\'s unit and hours; a child without a sibling in care gets none', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const form = await anna.get(`${elsaUrl}/weeks/2026-W50`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /Samma tider även för/)
  t.match(form.body, new RegExp(`<input type="checkbox" id="copyTo-${world.olle}" name="copyTo" value="${world.olle}"`))
  t.match(form.body, /öppet 06:30–18:30/)
  t.notMatch(form.body, new RegExp(`id="copyTo-${world.elsa}"`), 'not the child itself')
  await db.updateTable('persons').set({ in_fritids: false }).where('id', '=', world.elsa).execute()
  try {
    const olleForm = await anna.get(`${olleUrl}/weeks/2026-W50`)
    t.notMatch(olleForm.body, /Samma tider även för/, 'Elsa out of fritids: no sibling in care')
  } finally {
    await db.updateTable('persons').set({ in_fritids: true }).where('id', '=', world.elsa).execute()
  }
})

t.test('copy ok: both children get the week; a double submit writes and logs nothing twice', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const body = { ...week({ 1: ['08:00', '15:00'], 2: ['08:00', '15:00'], 3: ['08:00', '13:00'], 4: ['08:00', '15:00'] }), copyTo: [String(world.olle)] }
  const res = await anna.post(`${elsaUrl}/weeks/2026-W50`, body)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `${elsaUrl}?week=2026-W50`)
  const page = await anna.get(res.headers.location as string)
  t.match(page.body, /Schemat sparades för vecka 50, även för Olle\./)
  const expected = { '2026-12-07': '08:00-15:00', '2026-12-08': '08:00-15:00', '2026-12-09': '08:00-13:00', '2026-12-10': '08:00-15:00' }
  t.same(await days(world.elsa, '2026-12-07', '2026-12-11'), expected)
  t.same(await days(world.olle, '2026-12-07', '2026-12-11'), expected, 'the empty Friday is "not there" for Olle too')
  const log = await db.selectFrom('care_day_log').select(['changed_by']).where('child_id', '=', world.olle).where('day', '=', '2026-12-07').orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.equal(log.changed_by, world.anna, 'the copy is logged as Anna\'s change')

  const before = [await logCount(world.elsa), await logCount(world.olle)]
  const again = await anna.post(`${elsaUrl}/weeks/2026-W50`, body)
  t.equal(again.statusCode, 303)
  t.same([await logCount(world.elsa), await logCount(world.olle)], before, 'the second submit changes and logs nothing')
  t.same(await days(world.olle, '2026-12-07', '2026-12-11'), expected)
  const dup = await anna.post(`${elsaUrl}/weeks/2026-W50`, { ...body, copyTo: [String(world.olle), String(world.olle)] })
  t.equal(dup.statusCode, 303, 'the same sibling twice counts once')
  t.same([await logCount(world.elsa), await logCount(world.olle)], before)
})

t.test('the sibling\'s own opening hours refuse a day beside accepted ones: 422, refused day shown beside Olle, values kept', async (t) => {
  await db.updateTable('units').set({ closes_at: '17:00' }).where('id', '=', world.preschool).execute()
  t.teardown(async () => { await db.updateTable('units').set({ closes_at: '18:30' }).where('id', '=', world.preschool).execute() })
  const anna = await loginAs(app, 'anna.lind')
  const olleFriday = await days(world.olle, '2026-12-18', '2026-12-18')
  const res = await anna.post(`${elsaUrl}/weeks/2026-W51`, {
    ...week({ 1: ['07:30', '16:00'], 2: ['07:30', '16:00'], 3: ['07:30', '16:00'], 4: ['07:30', '16:00'], 5: ['07:30', '17:45'] }),
    copyTo: [String(world.olle)],
  })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Elsas tider för vecka 51 är sparade\./)
  t.match(res.body, new RegExp(`href="#copyTo-${world.olle}">Olle: fredag 18 december kopierades inte`))
  t.match(res.body, /4 dagar kopierades till Olle\./)
  t.match(res.body, /fredag 18 december: Det stänger 17:00\./)
  t.match(res.body, new RegExp(`href="/children/${world.olle}/care-schedule/weeks/2026-W51">Ändra Olles vecka 51`))
  t.match(res.body, /name="end5"[^>]*value="17:45"/, 'the typed values are kept')
  t.match(res.body, new RegExp(`id="copyTo-${world.olle}"[^>]*checked`), 'the sibling stays ticked')
  const elsa = await days(world.elsa, '2026-12-14', '2026-12-18')
  t.equal(elsa['2026-12-18'], '07:30-17:45', 'Elsa\'s own week is saved, Friday included')
  t.equal(elsa['2026-12-14'], '07:30-16:00')
  const olle = await days(world.olle, '2026-12-14', '2026-12-18')
  t.equal(olle['2026-12-14'], '07:30-16:00', 'Olle\'s accepted days are copied')
  t.equal(olle['2026-12-17'], '07:30-16:00')
  t.equal(olle['2026-12-18'], olleFriday['2026-12-18'], 'Olle\'s refused Friday is as before')
})

t.test('the child\'s own errors: 422 with the values kept, nothing stored for either child', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const before = [await logCount(world.elsa), await logCount(world.olle)]
  const res = await anna.post(`${elsaUrl}/weeks/2026-W52`, { ...week({ 1: ['05:00', '16:00'], 2: ['07:00', '16:00'] }), copyTo: [String(world.olle)] })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Det öppnar 06:30/)
  t.match(res.body, /name="start1"[^>]*value="05:00"/)
  t.match(res.body, new RegExp(`id="copyTo-${world.olle}"[^>]*checked`))
  t.same([await logCount(world.elsa), await logCount(world.olle)], before)
})

t.test('another family\'s child, the child itself or a made-up id: 404 and nothing stored', async (t) => {
  // Sam in fritids, so the refusal is about the family, not about care.
  await db.updateTable('persons').set({ in_fritids: true }).where('id', '=', world.sam).execute()
  t.teardown(async () => { await db.updateTable('persons').set({ in_fritids: false }).where('id', '=', world.sam).execute() })
  const anna = await loginAs(app, 'anna.lind')
  const before = [await logCount(world.elsa), await logCount(world.olle), await logCount(world.sam)]
  const elsaWeek = await days(world.elsa, '2026-12-28', '2027-01-01')
  const body = week({ 1: ['09:00', '12:00'], 2: ['09:00', '12:00'] })
  for (const copyTo of [[String(world.sam)], [String(world.olle), String(world.sam)], [String(world.elsa)], ['999999'], ['abc'], ['0']]) {
    const res = await anna.post(`${elsaUrl}/weeks/2026-W53`, { ...body, copyTo })
    t.equal(res.statusCode, 404, copyTo.join(','))
  }
  t.same([await logCount(world.elsa), await logCount(world.olle), await logCount(world.sam)], before, 'nothing stored for anyone')
  t.same(await days(world.elsa, '2026-12-28', '2027-01-01'), elsaWeek)
})

t.test('a pupil cannot copy (403), another guardian cannot copy from a child not theirs (404)', async (t) => {
  const before = [await logCount(world.elsa), await logCount(world.olle)]
  const elsa = await loginAs(app, 'elsa.lind')
  const res = await elsa.post(`${elsaUrl}/weeks/2026-W50`, { ...week({ 1: ['06:30', '18:30'] }), copyTo: [String(world.olle)] })
  t.equal(res.statusCode, 403)
  const maria = await loginAs(app, 'maria.nilsson')
  const m = await maria.post(`${elsaUrl}/weeks/2026-W50`, { ...week({ 1: ['06:30', '18:30'] }), copyTo: [String(world.olle)] })
  t.equal(m.statusCode, 404)
  t.same([await logCount(world.elsa), await logCount(world.olle)], before)
})
