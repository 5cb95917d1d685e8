import t from 'tap'
import { buildTestApp, loginAs, stepUp, type TestContext } from '../../../test/helpers/app.js'

// Demo at Tuesday 1 December 2026: Elsa (4B) has published assessments in Svenska, Matematik,
// Engelska and NO this term (HT2026), two from VT2026, and an unpublished one in Bild.
const ctx: TestContext = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx
const PNRS = ['201603152386', '198503142384', '198307212391', '198811092380', '201609282399']
const auditRows = (childId: number) => db.selectFrom('audit_log').selectAll().where('child_id', '=', childId).orderBy('id').execute()

t.test('without a step-up the page sends the person to BankID and back', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const before = (await auditRows(world.elsa)).length
  const res = await anna.get(`/children/${world.elsa}/assessments`)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/bankid?next=${encodeURIComponent(`/children/${world.elsa}/assessments`)}`)
  const hx = await anna.get(`/children/${world.elsa}/assessments`, { 'hx-request': 'true' })
  t.equal(hx.headers['hx-redirect'], `/bankid?next=${encodeURIComponent(`/children/${world.elsa}/assessments`)}`)
  t.equal((await auditRows(world.elsa)).length, before, 'nothing read, nothing logged')
})

t.test('after the step-up: published assessments by term and subject, never the unpublished; one audit row per read', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await stepUp(ctx, anna, 15, 'order-anna-1')
  const before = (await auditRows(world.elsa)).length
  const res = await anna.get(`/children/${world.elsa}/assessments`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /<h2 id="term-HT2026">Höstterminen 2026<\/h2>[\s\S]*<h3>Engelska<\/h3>[\s\S]*<h3>Matematik<\/h3>[\s\S]*<h3>NO<\/h3>[\s\S]*<h3>Svenska<\/h3>[\s\S]*<h2 id="term-VT2026">Vårterminen 2026/)
  t.match(res.body, /<h3>Matematik<\/h3>[\s\S]*?<strong>Når målen med god marginal<\/strong>[\s\S]*?Per Holm/)
  t.match(res.body, /Nästa steg: att variera sina meningar/)
  t.notMatch(res.body, /Bild|Utkast|Ej publicerad/, 'the unpublished assessment never shows')
  for (const p of PNRS) t.notMatch(res.body, p, 'no personal identity number in the page')
  const rows = await auditRows(world.elsa)
  t.equal(rows.length, before + 1, 'one audit row')
  t.match(rows.at(-1), { actor_id: world.anna, actor_role: 'guardian', action: 'assessments.read', order_ref: 'order-anna-1', detail: null })
  const term = await anna.get(`/children/${world.elsa}/assessments?term=VT2026`)
  t.match(term.body, /Vårterminen 2026[\s\S]*God taluppfattning/)
  t.notMatch(term.body, /<h2 id="term-HT2026">/)
  t.equal((await auditRows(world.elsa)).at(-1)!.detail, 'VT2026')
  t.equal((await anna.get(`/children/${world.elsa}/assessments?term=nonsense`)).statusCode, 200, 'an odd term counts as absent')
})

t.test('the pupil reads their own; other families, preschool children and pupils of others get 404', async (t) => {
  const elsa = await loginAs(app, 'elsa.lind')
  await stepUp(ctx, elsa, 15, 'order-elsa')
  const res = await elsa.get(`/children/${world.elsa}/assessments`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /Når inte målen ännu/)
  t.match((await auditRows(world.elsa)).at(-1), { actor_id: world.elsa, actor_role: 'pupil', order_ref: 'order-elsa' })
  t.equal((await elsa.get(`/children/${world.sam}/assessments`)).statusCode, 404)
  const maria = await loginAs(app, 'maria.nilsson')
  await stepUp(ctx, maria)
  t.equal((await maria.get(`/children/${world.elsa}/assessments`)).statusCode, 404, 'another family')
  const anna = await loginAs(app, 'anna.lind')
  await stepUp(ctx, anna)
  t.equal((await anna.get(`/children/${world.olle}/assessments`)).statusCode, 404, 'preschool child')
  t.equal((await anna.get(`/children/${world.olle}/assessments`)).statusCode, 404)
})

t.test('the tile says only counts: subjects, then new ones since the person last read', async (t) => {
  const erik = await loginAs(app, 'erik.lind')
  const start = await erik.get(`/children/${world.elsa}`)
  t.match(start.body, /6 nya bedömningar sedan du läste senast/, 'never read: the published ones this year are new')
  t.notMatch(start.body, /Når målen/)
  await stepUp(ctx, erik)
  await erik.get(`/children/${world.elsa}/assessments`)
  t.match((await erik.get(`/children/${world.elsa}`)).body, /Bedömningar i 4 ämnen/)
})

t.test('staff publish, edit and unpublish for pupils of their groups; publishing notifies the family', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const list = await karin.get('/staff/assessments')
  t.match(list.body, new RegExp(`href="/staff/assessments/pupils/${world.elsa}">Elsa Lind</a> <span class="muted">4B`))
  const page = await karin.get(`/staff/assessments/pupils/${world.elsa}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Bild<\/a><\/td>\s*<td>Utkast: inte klar<\/td>[\s\S]*?avpublicerad/, 'staff see the unpublished one')
  t.match((await auditRows(world.elsa)).at(-1), { actor_id: world.karin, actor_role: 'staff', action: 'assessments.read', detail: 'staff', order_ref: null })

  const form = await karin.get(`/staff/assessments/pupils/${world.elsa}/new`)
  t.match(form.body, /name="term" type="text" value="HT2026"/)
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const fields = { key, subject: 'Idrott och hälsa', term: 'HT2026', grade: 'Når målen', date: '2026-11-30', comment: 'Deltar aktivt.' }
  const bad = await karin.post(`/staff/assessments/pupils/${world.elsa}`, { ...fields, term: 'H26', date: '2026-02-30', grade: '' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /Skriv terminen som HT2026 eller VT2027/)
  t.match(bad.body, /Skriv ett datum som 2026-12-01/)
  t.match(bad.body, /Deltar aktivt.<\/textarea>/)
  t.match(bad.body, /value="Idrott och hälsa"/)
  const notesBefore = await db.selectFrom('notifications').select('recipient_id').where('kind', '=', 'assessmentPublished').execute()
  t.equal((await karin.post(`/staff/assessments/pupils/${world.elsa}`, fields)).statusCode, 303)
  t.equal((await karin.post(`/staff/assessments/pupils/${world.elsa}`, fields)).statusCode, 303)
  const rows = await db.selectFrom('assessments').selectAll().where('subject', '=', 'Idrott och hälsa').execute()
  t.equal(rows.length, 1, 'a double submit publishes once')
  t.equal(rows[0]!.teacher_id, world.karin)
  const notes = await db.selectFrom('notifications').select(['recipient_id', 'child_id', 'link']).where('kind', '=', 'assessmentPublished').execute()
  t.same(notes.slice(notesBefore.length).map((n) => n.recipient_id).sort(), [world.anna, world.erik, world.elsa].sort(), 'guardians and the pupil, once')
  t.equal(notes.at(-1)!.link, `/children/${world.elsa}/assessments`)

  const id = rows[0]!.id
  t.equal((await karin.post(`/staff/assessments/${id}`, { ...fields, grade: '' })).statusCode, 422)
  t.equal((await karin.post(`/staff/assessments/${id}`, { ...fields, grade: 'Når målen med god marginal' })).statusCode, 303)
  const anna = await loginAs(app, 'anna.lind')
  await stepUp(ctx, anna)
  t.match((await anna.get(`/children/${world.elsa}/assessments`)).body, /Idrott och hälsa<\/h3>[\s\S]*?Når målen med god marginal/)
  t.equal((await karin.post(`/staff/assessments/${id}/visibility`, { status: 'hidden' })).statusCode, 303)
  t.notMatch((await anna.get(`/children/${world.elsa}/assessments`)).body, /Idrott och hälsa/)
})

t.test('staff of another unit or group cannot read or publish (404); staff on the child page are sent to the staff side', async (t) => {
  const id = (await db.selectFrom('assessments').select('id').where('child_id', '=', world.elsa).executeTakeFirstOrThrow()).id
  for (const who of ['johan.ek', 'lena.ek']) {
    const c = await loginAs(app, who)
    const before = (await auditRows(world.elsa)).length
    t.equal((await c.get(`/staff/assessments/pupils/${world.elsa}`)).statusCode, 404, `${who}: no read`)
    t.equal((await c.get(`/staff/assessments/pupils/${world.elsa}/new`)).statusCode, 404)
    t.equal((await c.post(`/staff/assessments/pupils/${world.elsa}`, { key: 'intruder-key-1', subject: 'Intrång', term: 'HT2026', grade: 'F', date: '2026-12-01' })).statusCode, 404)
    t.equal((await c.get(`/staff/assessments/${id}/edit`)).statusCode, 404)
    t.equal((await c.post(`/staff/assessments/${id}`, { subject: 'Kapat', term: 'HT2026', grade: 'F', date: '2026-12-01' })).statusCode, 404)
    t.equal((await c.post(`/staff/assessments/${id}/visibility`, { status: 'hidden' })).statusCode, 404)
    t.equal((await auditRows(world.elsa)).length, before, `${who}: nothing read, nothing logged`)
  }
  t.equal((await db.selectFrom('assessments').select('id').where('subject', 'in', ['Intrång', 'Kapat']).execute()).length, 0)
  const karin = await loginAs(app, 'karin.berg')
  const res = await karin.get(`/children/${world.elsa}/assessments`)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/staff/assessments/pupils/${world.elsa}`)
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get('/staff/assessments')).statusCode, 404, 'not staff')
})
