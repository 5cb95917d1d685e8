import t from 'tap'
import { buildTestApp, loginAs } from '../../../test/helpers/app.js'

// Frozen on Tuesday 1 December 2026, 07:10 in Stockholm: week 49 (30 Nov - 4 Dec);
// Monday and today are locked, Wednesday on is open; week 50 starts 7 December.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx

const elsaUrl = `/children/${world.elsa}/care-schedule`
const olleUrl = `/children/${world.olle}/care-schedule`

async function day(childId: number, date: string) {
  return db.selectFrom('care_days').selectAll().where('child_id', '=', childId).where('day', '=', date).executeTakeFirst()
}

t.test('the start page shows the box with the right title and a live summary', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const elsa = await anna.get(`/children/${world.elsa}`)
  t.match(elsa.body, /Fritidsschema/)
  t.match(elsa.body, /I dag 07:15–16:30/)
  const olle = await anna.get(`/children/${world.olle}`)
  t.match(olle.body, /Tidsregistrering/)
  t.notMatch(olle.body, /Fritidsschema/)
})

t.test('Hela veckan: Monday to Friday with times, a bubble on commented days, arrows', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`${elsaUrl}?week=2026-W50`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /Vecka 50/)
  t.match(res.body, /måndag 7 december/)
  t.match(res.body, /fredag 11 december/)
  t.notMatch(res.body, /lördag/)
  t.match(res.body, /href="\/children\/\d+\/care-schedule\?week=2026-W49" rel="prev"/)
  t.match(res.body, /href="\/children\/\d+\/care-schedule\?week=2026-W51" rel="next"/)
  // The seeded comment is on Thursday of next week.
  const thursday = res.body.slice(res.body.indexOf('torsdag 10 december'), res.body.indexOf('fredag 11 december'))
  t.match(thursday, /Har kommentar/)
  t.match(res.body, /Lägg till\/Ändra vecka/)
  t.match(res.body, /href="\/children\/\d+\/care-schedule\/weeks\/2026-W50"/)

  const now = await anna.get(elsaUrl)
  t.match(now.body, /Vecka 49/)
  t.match(now.body, /aria-current="date"/)
  t.match(now.body, /Kan inte ändras/)
  t.notMatch(now.body, /weeks\/2026-W49"/, 'the started week offers no week form')
  t.match(now.body, /weeks\/2026-W50"/, 'it offers the first changeable week')
  t.match(now.body, /Skriv ett meddelande/)
})

t.test('weeks across the year boundary and bad week parameters', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const w53 = await anna.get(`${elsaUrl}?week=2026-W53`)
  t.equal(w53.statusCode, 200, '2026 has an ISO week 53')
  t.match(w53.body, /week=2027-W01" rel="next"/)
  for (const bad of ['2025-W53', '2026-W00', 'nonsense', '2026-12-01', '9999-W01']) {
    const res = await anna.get(`${elsaUrl}?week=${bad}`)
    t.equal(res.statusCode, 404, bad)
  }
  t.equal((await anna.get(`${elsaUrl}/days/2026-12-05`)).statusCode, 404, 'a Saturday is not a care day')
  t.equal((await anna.get(`${elsaUrl}/days/2026-02-30`)).statusCode, 404)
  t.equal((await anna.get(`${elsaUrl}/weeks/2026-W60`)).statusCode, 404)
})

t.test('a day shows times, the guardian comment, the staff comment, who changed it and when', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`${olleUrl}/days/2026-12-09`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /07:45–16:00/)
  t.match(res.body, /Kommentar från personalen/)
  t.match(res.body, /Vi går till skogen/)
  t.match(res.body, /Johan Ek/)
  t.match(res.body, /Senast ändrad/)
  t.match(res.body, /Lägg till\/Ändra dag/)
  t.match(res.body, /type="time"/)
})

t.test('Lägg till/Ändra dag: saves times and a comment, records who, and both guardians see it', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.post(`${elsaUrl}/days/2026-12-03`, { start: '7.30', end: '1600', comment: 'morfar hämtar' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `${elsaUrl}?week=2026-W49`)
  const row = await day(world.elsa, '2026-12-03')
  t.equal(row?.starts_at, '07:30:00')
  t.equal(row?.ends_at, '16:00:00')
  t.equal(row?.comment, 'morfar hämtar')
  t.equal(row?.updated_by, world.anna)
  const week = await anna.get(res.headers.location as string)
  t.match(week.body, /Sparat för torsdag 3 december/)
  const thursday = week.body.slice(week.body.indexOf('torsdag 3 december'), week.body.indexOf('fredag 4 december'))
  t.match(thursday, /07:30–16:00/)
  t.match(thursday, /Har kommentar/)

  const erik = await loginAs(app, 'erik.lind')
  const seen = await erik.get(`${elsaUrl}/days/2026-12-03`)
  t.match(seen.body, /morfar hämtar/)
  t.match(seen.body, /Anna Lind/)
  const changed = await erik.post(`${elsaUrl}/days/2026-12-03`, { start: '08:00', end: '16:00', comment: 'morfar hämtar' })
  t.equal(changed.statusCode, 303)
  const again = await anna.get(`${elsaUrl}/days/2026-12-03`)
  t.match(again.body, /Erik Lind registrerade 08:00–16:00/)
  t.match(again.body, /Anna Lind registrerade 07:30–16:00 med kommentaren/)
})

t.test('clearing the times removes the day; a comment alone is refused with the text kept', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const keep = await anna.post(`${elsaUrl}/days/2026-12-04`, { start: '', end: '', comment: 'ledig' })
  t.equal(keep.statusCode, 422)
  t.match(keep.body, /Fyll i tiderna/)
  t.match(keep.body, />ledig<\/textarea>/)
  t.ok(await day(world.elsa, '2026-12-04'))
  const gone = await anna.post(`${elsaUrl}/days/2026-12-04`, { start: '', end: '', comment: '' })
  t.equal(gone.statusCode, 303)
  t.notOk(await day(world.elsa, '2026-12-04'))
  const page = await anna.get(gone.headers.location as string)
  t.match(page.body, /fredag 4 december är borttagen/)
  const log = await anna.get(`${elsaUrl}/days/2026-12-04`)
  t.match(log.body, /Anna Lind tog bort dagen/)
  // The remove button does the same whatever the fields say.
  await anna.post(`${elsaUrl}/days/2026-12-08`, { start: '07:00', end: '15:00', comment: 'x', action: 'remove' })
  t.notOk(await day(world.elsa, '2026-12-08'))
})

t.test('422: invalid times answer with messages at the fields and the typed values kept', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const cases: [Record<string, string>, RegExp, RegExp][] = [
    [{ start: '16:00', end: '08:00', comment: '' }, /senare än tiden för att komma/, /value="16:00"/],
    [{ start: '05:45', end: '12:00', comment: '' }, /Det öppnar 06:30/, /value="05:45"/],
    [{ start: '08:00', end: '19:00', comment: '' }, /Det stänger 18:30/, /value="19:00"/],
    [{ start: 'halv åtta', end: '16:00', comment: 'hej' }, /Skriv en tid som 07:30/, /type="text" value="halv åtta"/],
    [{ start: '08:00', end: '', comment: '' }, /Fyll i när barnet går hem/, /value="08:00"/],
    [{ start: '08:00', end: '16:00', comment: 'x'.repeat(301) }, /Skriv högst 300 tecken/, /x{301}/],
  ]
  for (const [form, message, kept] of cases) {
    const res = await anna.post(`${elsaUrl}/days/2026-12-09`, form)
    t.equal(res.statusCode, 422, JSON.stringify(form).slice(0, 60))
    t.match(res.body, /Något behöver rättas/)
    t.match(res.body, message)
    t.match(res.body, kept)
    t.match(res.body, /aria-invalid="true"/)
  }
  const row = await day(world.elsa, '2026-12-09')
  t.equal(row?.starts_at, '07:15:00', 'nothing was written')
})

t.test('no same-day changes: the form is not offered and a crafted POST is refused', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const page = await anna.get(`${elsaUrl}/days/2026-12-01`)
  t.equal(page.statusCode, 200)
  t.notMatch(page.body, /<form method="post" action="\/children\/\d+\/care-schedule\/days/)
  t.match(page.body, /går inte att ändra längre/)
  t.match(page.body, /Skriv ett meddelande/)
  const before = await day(world.elsa, '2026-12-01')
  for (const date of ['2026-12-01', '2026-11-30', '2026-06-01']) {
    const res = await anna.post(`${elsaUrl}/days/${date}`, { start: '09:00', end: '10:00', comment: 'i dag' })
    t.equal(res.statusCode, 403, date)
    t.match(res.body, /Dagen går inte att ändra längre/)
  }
  const removal = await anna.post(`${elsaUrl}/days/2026-12-01`, { action: 'remove' })
  t.equal(removal.statusCode, 403)
  t.same(await day(world.elsa, '2026-12-01'), before, 'today is untouched')
})

t.test('at most a year ahead', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const far = await anna.post(`${elsaUrl}/days/2027-12-02`, { start: '08:00', end: '16:00', comment: '' })
  t.equal(far.statusCode, 422)
  t.match(far.body, /högst ett år framåt/)
  const edge = await anna.post(`${elsaUrl}/days/2027-12-01`, { start: '08:00', end: '16:00', comment: '' })
  t.equal(edge.statusCode, 303)
  const farWeek = await anna.get(`${elsaUrl}?week=2027-W50`)
  t.match(farWeek.body, /högst ett år framåt, till och med 1 december 2027/)
  t.notMatch(farWeek.body, /har redan börjat/)
  const farForm = await anna.get(`${elsaUrl}/weeks/2027-W50`)
  t.notMatch(farForm.body, /name="start1"/)
  const farPost = await anna.post(`${elsaUrl}/weeks/2027-W50`, { start1: '08:00', end1: '16:00' })
  t.equal(farPost.statusCode, 422)
  t.match(farPost.body, /Veckan ligger mer än ett år fram/)
})

t.test('Lägg till/Ändra vecka: a week with repetition every 2 weeks for 6 weeks', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const form = await anna.get(`${olleUrl}/weeks/2026-W51`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /Upprepa registreringarna för denna vecka/)
  t.match(form.body, /name="start1"[^>]*/)
  t.match(form.body, /id="end5"/)
  const res = await anna.post(`${olleUrl}/weeks/2026-W51`, {
    start1: '07:00', end1: '15:00', start2: '07:00', end2: '15:00', start3: '', end3: '', start4: '7.30', end4: '1600', start5: '07:00', end5: '14:00',
    repeat: '1', every: '2', weeks: '6', until: '',
  })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `${olleUrl}?week=2026-W51`)
  const page = await anna.get(res.headers.location as string)
  // 2026 has an ISO week 53: every other week from week 51 is 51, 53 and 2.
  t.match(page.body, /Schemat sparades för 3 veckor: vecka 51, 53 och 2/)
  const rows = await db.selectFrom('care_days').select(['day', 'starts_at']).where('child_id', '=', world.olle)
    .where('day', '>=', '2026-12-14').where('day', '<=', '2027-01-22').orderBy('day').execute()
  const at = (d: string) => rows.find((r) => r.day === d)?.starts_at
  t.equal(at('2026-12-14'), '07:00:00')
  t.equal(at('2026-12-28'), '07:00:00')
  t.equal(at('2027-01-11'), '07:00:00')
  t.equal(at('2026-12-17'), '07:30:00')
  t.equal(at('2026-12-16'), undefined, 'the empty Wednesday was removed')
  t.equal(at('2026-12-30'), undefined)
  t.equal(at('2026-12-21'), '07:45:00', 'week 52, between the repeated weeks, keeps its times')
  t.notOk(rows.some((r) => r.day >= '2027-01-04' && r.day <= '2027-01-08'), 'week 1 stays empty')
  t.notOk(rows.some((r) => r.day >= '2027-01-18'), 'nothing after the 6-week span')
})

t.test('week form: Monday\'s times for empty days, fill from another week, and 422s', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const quick = await anna.post(`${elsaUrl}/weeks/2027-W02`, { start1: '08:00', end1: '16:00', start5: '08:00', end5: '13:00', sameAsMonday: '1' })
  t.equal(quick.statusCode, 303)
  const rows = await db.selectFrom('care_days').select(['day', 'ends_at']).where('child_id', '=', world.elsa)
    .where('day', '>=', '2027-01-11').where('day', '<=', '2027-01-15').orderBy('day').execute()
  t.same(rows.map((r) => r.ends_at), ['16:00:00', '16:00:00', '16:00:00', '16:00:00', '13:00:00'])

  const filled = await anna.get(`${elsaUrl}/weeks/2027-W03?from=2027-W02`)
  t.match(filled.body, /Ifyllt med tiderna från vecka 2/)
  t.match(filled.body, /name="end5" type="time" value="13:00"/)

  const bad = await anna.post(`${elsaUrl}/weeks/2027-W03`, {
    start1: '08:00', end1: '07:00', start2: '25:00', end2: '16:00', repeat: '1', every: '0', weeks: '6', until: '2027-02-01',
  })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /href="#end1"/)
  t.match(bad.body, /href="#start2"/)
  t.match(bad.body, /href="#every"/)
  t.match(bad.body, /antingen antal veckor eller ett slutdatum/)
  t.match(bad.body, /value="25:00"/)
  t.match(bad.body, /id="repeat" name="repeat" value="1" checked/)

  const tooLong = await anna.post(`${elsaUrl}/weeks/2027-W03`, { start1: '08:00', end1: '16:00', repeat: '1', every: '1', weeks: '60' })
  t.equal(tooLong.statusCode, 422)
  t.match(tooLong.body, /högst 45 veckor/)
  const tooFar = await anna.post(`${elsaUrl}/weeks/2027-W03`, { start1: '08:00', end1: '16:00', repeat: '1', every: '1', until: '2027-12-24' })
  t.equal(tooFar.statusCode, 422)
  t.match(tooFar.body, /till och med 1 december 2027/)
  t.match(tooFar.body, /value="2027-12-24"/)
})

t.test('a week that has started: no form, and a stale or crafted POST skips the locked days', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const form = await anna.get(`${olleUrl}/weeks/2026-W49`)
  t.equal(form.statusCode, 200)
  t.notMatch(form.body, /name="start1"/)
  t.match(form.body, /har redan börjat/)
  const monday = await day(world.olle, '2026-11-30')
  const today = await day(world.olle, '2026-12-01')
  const res = await anna.post(`${olleUrl}/weeks/2026-W49`, {
    start1: '09:00', end1: '12:00', start2: '09:00', end2: '12:00', start3: '09:00', end3: '12:00', start4: '09:00', end4: '12:00', start5: '09:00', end5: '12:00',
  })
  t.equal(res.statusCode, 303)
  const page = await anna.get(res.headers.location as string)
  t.match(page.body, /måndag 30 november och tisdag 1 december kunde inte ändras/)
  t.same(await day(world.olle, '2026-11-30'), monday)
  t.same(await day(world.olle, '2026-12-01'), today)
  t.equal((await day(world.olle, '2026-12-02'))?.starts_at, '09:00:00')
  const past = await anna.post(`${olleUrl}/weeks/2026-W47`, { start1: '09:00', end1: '12:00' })
  t.equal(past.statusCode, 403)
  t.match(past.body, /Ingen dag i veckan går att ändra/)
})

t.test('pupils are refused (403) on every care-schedule route', async (t) => {
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get(elsaUrl)).statusCode, 403)
  t.equal((await elsa.get(`${elsaUrl}/days/2026-12-03`)).statusCode, 403)
  t.equal((await elsa.get(`${elsaUrl}/weeks/2026-W50`)).statusCode, 403)
  const post = await elsa.post(`${elsaUrl}/days/2026-12-03`, { start: '06:30', end: '18:30', comment: 'jag själv' })
  t.equal(post.statusCode, 403)
  const week = await elsa.post(`${elsaUrl}/weeks/2026-W50`, { start1: '06:30', end1: '18:30' })
  t.equal(week.statusCode, 403)
  t.not((await day(world.elsa, '2026-12-03'))?.comment, 'jag själv')
  const start = await elsa.get(`/children/${world.elsa}`)
  t.notMatch(start.body, /Fritidsschema/)
})

t.test('another family is refused (404) and nothing is written', async (t) => {
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(elsaUrl)).statusCode, 404)
  t.equal((await maria.get(`${olleUrl}/days/2026-12-09`)).statusCode, 404)
  t.equal((await maria.post(`${olleUrl}/days/2026-12-09`, { start: '06:30', end: '07:00', comment: 'nej' })).statusCode, 404)
  t.equal((await maria.post(`${olleUrl}/weeks/2026-W50`, { start1: '06:30', end1: '07:00' })).statusCode, 404)
  t.not((await day(world.olle, '2026-12-09'))?.comment, 'nej')
  // Sam is at a school without fritids enrolment: the box does not apply.
  t.equal((await maria.get(`/children/${world.sam}/care-schedule`)).statusCode, 404)
})

t.test('staff see the guardians\' registrations read-only on the child pages', async (t) => {
  const lena = await loginAs(app, 'lena.ek')
  const res = await lena.get(elsaUrl)
  t.equal(res.statusCode, 200)
  t.match(res.body, /Bara vårdnadshavare kan ändra dem/)
  const post = await lena.post(`${elsaUrl}/days/2026-12-10`, { start: '06:30', end: '07:00', comment: '' })
  t.equal(post.statusCode, 403)
})

t.test('English', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.post('/settings/language', { locale: 'en' })
  const res = await anna.get(`${elsaUrl}?week=2026-W50`)
  t.match(res.body, /Week 50/)
  t.match(res.body, /Add\/Change week/)
  await anna.post('/settings/language', { locale: 'sv' })
})

t.test('malformed bodies never give a 500: the form again with 422', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const long = await anna.post(`${elsaUrl}/days/2026-12-10`, { start: '1'.repeat(50), end: '16:00', comment: '' })
  t.equal(long.statusCode, 422)
  t.match(long.body, /Skriv högst 20 tecken/)
  t.match(long.body, /value="1{50}"/, 'the typed value is kept')
  t.match(long.body, /value="16:00"/)
  const arrays = await anna.post(`${elsaUrl}/days/2026-12-10`, { start: ['08:00', '09:00'], end: '16:00', comment: '' })
  t.equal(arrays.statusCode, 422, 'a field sent twice is refused (src/web/input-guard.ts)')
  const weekArrays = await anna.post(`${elsaUrl}/weeks/2026-W51`, { start1: ['x', 'y'], repeat: ['1', '1'] })
  t.equal(weekArrays.statusCode, 422)
})
