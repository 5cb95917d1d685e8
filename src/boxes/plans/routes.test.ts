import t from 'tap'
import { buildTestApp, loginAs, type TestContext } from '../../../test/helpers/app.js'

// Demo at Tuesday 1 December 2026 (week 49): 4B's plans in mathematics (weeks 47–52, per.holm),
// Swedish (46–51, karin.berg), English (53–4, ahead) and an earlier Swedish one.
const ctx: TestContext = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx
const planId = async (title: string) => (await db.selectFrom('plans').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id

t.test('pupils and guardians read the plans of the child\'s groups; preschool and other families 404', async (t) => {
  const elsa = await loginAs(app, 'elsa.lind')
  const res = await elsa.get(`/children/${world.elsa}/plans`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /Matematik: Bråk och decimaltal<\/a>\s*<span class="absence-list__meta">vecka 47–52 · 4B · <strong>pågår/)
  t.match(res.body, /Engelska: My town/)
  t.match(res.body, /<h2>Tidigare<\/h2>[\s\S]*Faktatexter/)
  const plan = await elsa.get(`/children/${world.elsa}/plans/${await planId('Bråk och decimaltal')}`)
  t.match(plan.body, /<h1>Bråk och decimaltal<\/h1>/)
  t.match(plan.body, /Så bedöms arbetet<\/h2>\s*<p class="mail-body">Muntliga genomgångar/)
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get(`/children/${world.elsa}/plans`)).statusCode, 200)
  t.equal((await anna.get(`/children/${world.olle}/plans`)).statusCode, 404, 'school only')
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(`/children/${world.elsa}/plans`)).statusCode, 404)
  t.equal((await maria.get(`/children/${world.sam}/plans/${await planId('Bråk och decimaltal')}`)).statusCode, 200, 'Sam is in 4B too')
  t.equal((await maria.get(`/children/${world.elsa}/plans/${await planId('Bråk och decimaltal')}`)).statusCode, 404)
})

t.test('a lesson of the subject links to the plan in progress', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const lesson = await db.selectFrom('timetable_lessons').select(['id', 'weekday']).where('group_id', '=', world.class4B).where('subject', '=', 'Matematik').orderBy('weekday').executeTakeFirstOrThrow()
  const date = `2026-11-${String(29 + lesson.weekday).padStart(2, '0')}`.replace('2026-11-31', '2026-12-01').replace('2026-11-32', '2026-12-02').replace('2026-11-33', '2026-12-03').replace('2026-11-34', '2026-12-04')
  const res = await anna.get(`/children/${world.elsa}/timetable/lessons/${lesson.id}?date=${date}`)
  t.equal(res.statusCode, 200)
  t.match(res.body, new RegExp(`href="/children/${world.elsa}/plans/${await planId('Bråk och decimaltal')}">Planering: Bråk och decimaltal`))
  const art = await db.selectFrom('timetable_lessons').select(['id', 'weekday']).where('group_id', '=', world.class4B).where('subject', '=', 'Bild').executeTakeFirst()
  if (art) {
    const d = `2026-11-${29 + art.weekday}`.replace('2026-11-31', '2026-12-01').replace('2026-11-32', '2026-12-02').replace('2026-11-33', '2026-12-03').replace('2026-11-34', '2026-12-04')
    t.notMatch((await anna.get(`/children/${world.elsa}/timetable/lessons/${art.id}?date=${d}`)).body, /Planering:/, 'no plan for art')
  }
})

t.test('staff publish, edit and unpublish plans for their own groups only', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const form = await karin.get('/staff/plans/new')
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const plan = { key, group: String(world.class4B), subject: 'Bild', title: 'Vinterbilder', from: '2026-W50', to: '2026-W51', content: 'Vi målar.', goals: 'Färglära.', assessment: 'Bilderna.' }
  const bad = await karin.post('/staff/plans', { ...plan, from: '2026-W51', to: '2026-W50', title: '' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /Sista veckan kan inte vara före den första/)
  t.match(bad.body, /Vi målar.<\/textarea>/)
  t.equal((await karin.post('/staff/plans', plan)).statusCode, 303)
  t.equal((await karin.post('/staff/plans', plan)).statusCode, 303)
  const rows = await db.selectFrom('plans').selectAll().where('title', '=', 'Vinterbilder').execute()
  t.equal(rows.length, 1, 'a double submit publishes once')
  t.equal(rows[0]!.starts_on, '2026-12-07')
  t.equal(rows[0]!.ends_on, '2026-12-20')
  const elsa = await loginAs(app, 'elsa.lind')
  t.match((await elsa.get(`/children/${world.elsa}/plans`)).body, /Bild: Vinterbilder/)
  t.equal((await karin.post(`/staff/plans/${rows[0]!.id}/visibility`, { status: 'hidden' })).statusCode, 303)
  t.notMatch((await elsa.get(`/children/${world.elsa}/plans`)).body, /Vinterbilder/)
  t.equal((await elsa.get(`/children/${world.elsa}/plans/${rows[0]!.id}`)).statusCode, 404)

  const johan = await loginAs(app, 'johan.ek')
  await johan.get('/staff/plans/new')
  const res = await johan.post('/staff/plans', { ...plan, key: 'another-key-123', title: 'Intrång' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Välj en grupp som du undervisar/)
  t.equal((await johan.get(`/staff/plans/${rows[0]!.id}/edit`)).statusCode, 404)
  t.equal((await johan.post(`/staff/plans/${rows[0]!.id}`, { ...plan, title: 'Kapat' })).statusCode, 404)
  t.equal((await johan.post(`/staff/plans/${rows[0]!.id}/visibility`, { status: 'published' })).statusCode, 404)
  t.equal((await db.selectFrom('plans').select('id').where('title', 'in', ['Intrång', 'Kapat']).execute()).length, 0)
})

t.test('attachments: listed on the plan, downloaded by the child\'s guardians and the pupil only, as attachments', async (t) => {
  const math = await planId('Bråk och decimaltal')
  const att = await db.selectFrom('plan_attachments').selectAll().where('plan_id', '=', math).executeTakeFirstOrThrow()
  const url = `/children/${world.elsa}/plans/${math}/attachments/${att.id}`
  const elsa = await loginAs(app, 'elsa.lind')
  const page = await elsa.get(`/children/${world.elsa}/plans/${math}`)
  t.match(page.body, new RegExp(`<h2 id="attachments">Bilagor</h2>[\\s\\S]*href="${url}" download hx-boost="false">brak-och-decimaltal.pdf</a>`))
  const res = await elsa.get(url)
  t.equal(res.statusCode, 200, 'the pupil')
  t.equal(res.headers['content-type'], 'application/pdf')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.match(res.headers['content-disposition'] as string, /^attachment; filename="brak-och-decimaltal.pdf"/)
  t.equal(res.rawPayload.subarray(0, 5).toString(), '%PDF-')
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get(url)).statusCode, 200, 'her guardian')
  t.equal((await anna.get(`/children/${world.olle}/plans/${math}/attachments/${att.id}`)).statusCode, 404, 'through a child not in the group')
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(url)).statusCode, 404, 'another family')
  t.equal((await maria.get(`/children/${world.sam}/plans/${math}/attachments/${att.id}`)).statusCode, 200, 'Sam is in 4B too')
  const english = await planId('My town')
  t.equal((await elsa.get(`/children/${world.elsa}/plans/${english}/attachments/${att.id}`)).statusCode, 404, 'not through another plan')
  const anon = await app.inject({ method: 'GET', url })
  t.equal(anon.statusCode, 303, 'logged-out visitors go to login')
  t.match(anon.headers.location as string, /^\/login/)
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.get(url)).statusCode, 404, 'staff of another unit, through the child')
  t.equal((await johan.get(`/staff/plans/${math}/attachments/${att.id}`)).statusCode, 404, 'staff of another unit')
  const staffOfUnit = await loginAs(app, 'karin.berg')
  t.equal((await staffOfUnit.get(`/staff/plans/${math}/attachments/${att.id}`)).statusCode, 200, 'staff of the unit')

  const karin = await loginAs(app, 'karin.berg')
  const swedish = await planId('Vi läser och recenserar en bok')
  await karin.post(`/staff/plans/${swedish}/visibility`, { status: 'hidden' })
  await db.insertInto('plan_attachments').values({ plan_id: swedish, filename: 'x.pdf', content_type: 'application/pdf', size_bytes: att.size_bytes as unknown as number, storage_key: att.storage_key, uploaded_by: null, created_at: new Date(), upload_key: null }).execute()
  const hidden = await db.selectFrom('plan_attachments').select('id').where('plan_id', '=', swedish).executeTakeFirstOrThrow()
  t.equal((await elsa.get(`/children/${world.elsa}/plans/${swedish}/attachments/${hidden.id}`)).statusCode, 404, 'an unpublished plan\'s attachment')
  await karin.post(`/staff/plans/${swedish}/visibility`, { status: 'published' })
  t.equal((await elsa.get(`/children/${world.elsa}/plans/${swedish}/attachments/${hidden.id}`)).statusCode, 200)
})

t.test('attachments: staff add and remove them on the plan form, for their groups only; checked by content; size limit', async (t) => {
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { app: small, db: sdb, world: w, close } = await buildTestApp({ env: { MAX_UPLOAD_MB: '1', DATA_DIR: mkdtempSync(`${tmpdir()}/hubben-plans-`) } })
  t.teardown(close)
  const id = async (title: string) => (await sdb.selectFrom('plans').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id
  const swedish = await id('Vi läser och recenserar en bok')
  const count = async () => Number((await sdb.selectFrom('plan_attachments').select((eb) => eb.fn.countAll<number>().as('n')).where('plan_id', '=', swedish).executeTakeFirstOrThrow()).n)
  const karin = await loginAs(small, 'karin.berg')
  const form = await karin.get(`/staff/plans/${swedish}/edit`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /<h2 id="attachments">Bilagor<\/h2>\s*<p>Inga bilagor.<\/p>/)
  const key = /name="key" value="([^"]+)"/.exec(form.body.slice(form.body.indexOf('id="attachments"')))![1]!
  const stored = await storedCount(small)

  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8cfc0f01f0005000201' + 'e221bc330000000049454e44ae426082', 'hex')
  const mismatch = await uploadTo(small, karin, `/staff/plans/${swedish}/attachments`, { key }, { file: { name: 'recension.pdf', bytes: PNG } })
  t.equal(mismatch.statusCode, 422)
  t.match(mismatch.body, /id="file-error"[\s\S]*stämmer inte med filnamnets ändelse/)
  t.match(mismatch.body, /value="Vi läser och recenserar en bok"/, 'the plan form is shown again with its values')
  const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1024 * 1024 + 10, 0x20)])
  const large = await uploadTo(small, karin, `/staff/plans/${swedish}/attachments`, { key }, { file: { name: 'stor.pdf', bytes: big } })
  t.equal(large.statusCode, 422)
  t.match(large.body, /Filen är för stor. Den får vara högst 1 MB./)
  const none = await uploadTo(small, karin, `/staff/plans/${swedish}/attachments`, { key })
  t.equal(none.statusCode, 422)
  t.match(none.body, /Välj en fil/)
  t.equal(await count(), 0)
  t.equal(await storedCount(small), stored, 'nothing stored')

  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('Recensionsmall')])
  const ok = await uploadTo(small, karin, `/staff/plans/${swedish}/attachments`, { key }, { file: { name: 'recensionsmall.pdf', bytes: pdf } })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, `/staff/plans/${swedish}/edit#attachments`)
  t.equal((await uploadTo(small, karin, `/staff/plans/${swedish}/attachments`, { key }, { file: { name: 'recensionsmall.pdf', bytes: pdf } })).statusCode, 303)
  t.equal(await count(), 1, 'a double submit attaches once')
  const att = await sdb.selectFrom('plan_attachments').selectAll().where('plan_id', '=', swedish).executeTakeFirstOrThrow()
  t.equal(att.content_type, 'application/pdf')
  t.equal(Number(att.size_bytes), pdf.length)
  t.match((await karin.get(`/staff/plans/${swedish}/edit`)).body, /recensionsmall.pdf<\/a>/)
  const elsa = await loginAs(small, 'elsa.lind')
  const got = await elsa.get(`/children/${w.elsa}/plans/${swedish}/attachments/${att.id}`)
  t.equal(got.statusCode, 200)
  t.same(got.rawPayload, pdf)

  const johan = await loginAs(small, 'johan.ek')
  await johan.get('/staff/plans')
  t.equal((await uploadTo(small, johan, `/staff/plans/${swedish}/attachments`, { key: 'johan-key-1234' }, { file: { name: 'x.pdf', bytes: pdf } })).statusCode, 404, 'another unit\'s plan')
  t.equal((await johan.post(`/staff/plans/${swedish}/attachments/${att.id}/remove`)).statusCode, 404)
  const per = await loginAs(small, 'per.holm')
  await per.get('/staff/plans')
  t.equal((await per.post(`/staff/plans/${await id('Faktatexter')}/attachments/${att.id}/remove`)).statusCode, 404, 'not through another plan')
  t.equal(await count(), 1)

  t.equal((await karin.post(`/staff/plans/${swedish}/attachments/${att.id}/remove`)).statusCode, 303)
  t.equal(await count(), 0)
  t.equal((await elsa.get(`/children/${w.elsa}/plans/${swedish}/attachments/${att.id}`)).statusCode, 404)
})

/** Files in the app's store directory (not tmp/). */
async function storedCount(a: typeof app): Promise<number> {
  const { readdir } = await import('node:fs/promises')
  const root = a.deps.config.uploads.dir
  const all = await readdir(root, { recursive: true }).catch(() => [] as string[])
  return all.filter((f) => !String(f).startsWith('tmp') && String(f).includes('/')).length
}

/** A multipart POST as a browser sends it: the CSRF token first, then the fields, then the files. */
function uploadTo(a: typeof app, c: { csrf: string; cookie: string }, url: string, fields: Record<string, string>, files: Record<string, { name: string; bytes: Buffer }> = {}) {
  const boundary = '----hubbentest' + Math.random().toString(16).slice(2)
  const parts: Buffer[] = []
  const field = (k: string, v: string) => parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  field('_csrf', c.csrf)
  for (const [k, v] of Object.entries(fields)) field(k, v)
  for (const [k, f] of Object.entries(files)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), f.bytes, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return a.inject({ method: 'POST', url, payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: c.cookie } })
}
