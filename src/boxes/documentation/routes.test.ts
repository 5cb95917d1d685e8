import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildTestApp, loginAs, stepUp, type Client } from '../../../test/helpers/app.js'

// Demo at Tuesday 1 December 2026: Elsa (4B) has two portfolio entries and IUPs for HT2026 and VT2026.
const dataDir = mkdtempSync(path.join(tmpdir(), 'hubben-doc-'))
const ctx = await buildTestApp({ env: { DATA_DIR: dataDir, MAX_UPLOAD_MB: '1' } })
t.teardown(() => ctx.close())
const { app, db, world } = ctx
const PNRS = ['201603152386', '198503142384', '198307212391', '198811092380', '201609282399']
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8cfc0f01f0005000201' + 'e221bc330000000049454e44ae426082', 'hex')
const auditRows = (childId: number) => db.selectFrom('audit_log').selectAll().where('child_id', '=', childId).orderBy('id').execute()

async function upload(c: Client, url: string, fields: Record<string, string>, files: Record<string, { name: string; bytes: Buffer; type?: string }> = {}) {
  const boundary = '----hubbentest' + Math.random().toString(16).slice(2)
  const parts: Buffer[] = []
  const field = (k: string, v: string) => parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  field('_csrf', c.csrf)
  for (const [k, v] of Object.entries(fields)) field(k, v)
  for (const [k, f] of Object.entries(files)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`), f.bytes, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return app.inject({ method: 'POST', url, payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: c.cookie } })
}

t.test('without a step-up every page of the box goes to BankID', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  for (const p of ['', '/iup', '/access']) {
    const url = `/children/${world.elsa}/documentation${p}`
    const res = await anna.get(url)
    t.equal(res.statusCode, 303, url)
    t.equal(res.headers.location, `/bankid?next=${encodeURIComponent(url)}`)
  }
})

t.test('portfolio and IUP tabs after the step-up, each read audited with the order reference', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await stepUp(ctx, anna, 15, 'order-doc')
  const res = await anna.get(`/children/${world.elsa}/documentation`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /aria-current="page">Portfolio<\/a>/)
  t.match(res.body, /Min berättelse om vikingarna[\s\S]*Bråk med pizzor/, 'newest first')
  t.match(res.body, /<p>Vi delade pappers-pizzor i halvor, fjärdedelar och åttondelar.<br>Elsa förklarade/)
  t.match(res.body, new RegExp(`href="/children/${world.elsa}/documentation/access"`))
  for (const p of PNRS) t.notMatch(res.body, p)
  t.match((await auditRows(world.elsa)).at(-1), { actor_id: world.anna, actor_role: 'guardian', action: 'documentation.read', detail: 'portfolio', order_ref: 'order-doc' })

  const iup = await anna.get(`/children/${world.elsa}/documentation/iup`)
  t.match(iup.body, /Individuell utvecklingsplan, Höstterminen 2026[\s\S]*Skriva texter med styckeindelning[\s\S]*Så kan ni stötta hemma/)
  t.match(iup.body, /Alla utvecklingsplaner[\s\S]*Vårterminen 2026/)
  t.match((await auditRows(world.elsa)).at(-1), { action: 'documentation.read', detail: 'iup' })
  const old = await db.selectFrom('iup_plans').select('id').where('child_id', '=', world.elsa).where('term', '=', 'VT2026').executeTakeFirstOrThrow()
  const older = await anna.get(`/children/${world.elsa}/documentation/iup/${old.id}`)
  t.match(older.body, /Säkra multiplikationstabellerna/)
  const frag = await anna.get(`/children/${world.elsa}/documentation/iup`, { 'hx-request': 'true', 'hx-target': 'documentation' })
  t.match(frag.body, /^<div id="documentation"/, 'htmx gets only the panel')

  const elsa = await loginAs(app, 'elsa.lind')
  await stepUp(ctx, elsa, 15, 'order-elsa')
  t.equal((await elsa.get(`/children/${world.elsa}/documentation`)).statusCode, 200, 'the pupil reads their own')
  t.match((await auditRows(world.elsa)).at(-1), { actor_role: 'pupil', order_ref: 'order-elsa' })
})

t.test('other families, preschool children and other pupils get 404', async (t) => {
  const maria = await loginAs(app, 'maria.nilsson')
  await stepUp(ctx, maria)
  const before = (await auditRows(world.elsa)).length
  t.equal((await maria.get(`/children/${world.elsa}/documentation`)).statusCode, 404)
  t.equal((await maria.get(`/children/${world.elsa}/documentation/access`)).statusCode, 404)
  const mine = await db.selectFrom('iup_plans').select('id').where('child_id', '=', world.elsa).executeTakeFirstOrThrow()
  t.equal((await maria.get(`/children/${world.sam}/documentation/iup/${mine.id}`)).statusCode, 404, 'Elsa\'s IUP through Sam')
  t.equal((await auditRows(world.elsa)).length, before)
  const anna = await loginAs(app, 'anna.lind')
  await stepUp(ctx, anna)
  t.equal((await anna.get(`/children/${world.olle}/documentation`)).statusCode, 404, 'preschool')
})

t.test('staff write portfolio entries (with a picture) and the IUP for their pupils; downloads are audited', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const page = await karin.get(`/staff/documentation/pupils/${world.elsa}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Min berättelse om vikingarna/)
  t.match((await auditRows(world.elsa)).at(-1), { actor_id: world.karin, actor_role: 'staff', action: 'documentation.read', detail: 'staff' })

  const form = await karin.get(`/staff/documentation/pupils/${world.elsa}/portfolio/new`)
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const url = `/staff/documentation/pupils/${world.elsa}/portfolio`
  const bad = await upload(karin, url, { key, title: '', body: 'Elsa <b>byggde</b> en bro.', date: '2026-13-01' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /Skriv ett datum som 2026-12-01/)
  t.match(bad.body, /Elsa &lt;b&gt;byggde&lt;\/b&gt; en bro.<\/textarea>/, 'values kept, escaped')
  const fields = { key, title: 'Brobygget', body: 'Elsa <b>byggde</b> en bro av spagetti.', date: '2026-11-30' }
  t.equal((await upload(karin, url, fields, { file: { name: 'bro.png', bytes: PNG, type: 'image/png' } })).statusCode, 303)
  t.equal((await upload(karin, url, fields, { file: { name: 'bro.png', bytes: PNG, type: 'image/png' } })).statusCode, 303)
  const rows = await db.selectFrom('portfolio_entries').selectAll().where('title', '=', 'Brobygget').execute()
  t.equal(rows.length, 1, 'a double submit writes once')
  t.equal(rows[0]!.file_is_image, true)
  const notes = await db.selectFrom('notifications').select('recipient_id').where('kind', '=', 'portfolioPublished').execute()
  t.same(notes.map((n) => n.recipient_id).sort(), [world.anna, world.erik, world.elsa].sort())

  const anna = await loginAs(app, 'anna.lind')
  await stepUp(ctx, anna, 15, 'order-img')
  const portfolio = await anna.get(`/children/${world.elsa}/documentation`)
  t.match(portfolio.body, /<h3 id="entry-\d+">Brobygget<\/h3>[\s\S]*Elsa &lt;b&gt;byggde&lt;\/b&gt; en bro av spagetti./, 'plain text, never HTML')
  const img = new RegExp(`src="(/children/${world.elsa}/documentation/portfolio/${rows[0]!.id}/file)"`).exec(portfolio.body)
  t.ok(img, 'the picture is shown')
  const file = await anna.get(img![1]!)
  t.equal(file.statusCode, 200)
  t.equal(file.headers['content-type'], 'image/png')
  t.match((await auditRows(world.elsa)).at(-1), { actor_id: world.anna, action: 'documentation.file', detail: `portfolio:${rows[0]!.id}`, order_ref: 'order-img' })
  const maria = await loginAs(app, 'maria.nilsson')
  await stepUp(ctx, maria)
  t.equal((await maria.get(`/children/${world.sam}/documentation/portfolio/${rows[0]!.id}/file`)).statusCode, 404, 'not through another child')
  const noStep = await loginAs(app, 'erik.lind')
  t.equal((await noStep.get(img![1]!)).statusCode, 303, 'the file is behind the step-up too')

  const iupUrl = `/staff/documentation/pupils/${world.elsa}/iup`
  const iupForm = await karin.get(iupUrl)
  t.match(iupForm.body, /name="term" type="text" value="HT2026"/)
  t.match(iupForm.body, /Skriva texter med styckeindelning/, 'this term\'s plan to change')
  const badIup = await karin.post(iupUrl, { term: 'hösten', goals: 'Läsa mer.' })
  t.equal(badIup.statusCode, 422)
  t.match(badIup.body, /Skriv terminen som HT2026 eller VT2027/)
  t.match(badIup.body, /Läsa mer.<\/textarea>/)
  const iup = { term: 'VT2027', goals: 'Läsa kapitelböcker.', schoolSupport: 'Läsgrupp.', homeSupport: 'Läs högt.' }
  t.equal((await karin.post(iupUrl, iup)).statusCode, 303)
  t.equal((await karin.post(iupUrl, iup)).statusCode, 303)
  t.equal((await db.selectFrom('iup_plans').select('id').where('child_id', '=', world.elsa).where('term', '=', 'VT2027').execute()).length, 1)
  t.equal((await db.selectFrom('notifications').select('id').where('kind', '=', 'iupPublished').execute()).length, 3, 'the same text twice tells the family once')
  t.match((await anna.get(`/children/${world.elsa}/documentation/iup`)).body, /Vårterminen 2027[\s\S]*Läsa kapitelböcker/, 'the latest term first')

  const staffFile = await karin.get(`/staff/documentation/portfolio/${rows[0]!.id}/file`)
  t.equal(staffFile.statusCode, 200)
  t.match((await auditRows(world.elsa)).at(-1), { actor_id: world.karin, actor_role: 'staff', action: 'documentation.file' })
})

t.test('staff of another unit or group cannot read or write (404)', async (t) => {
  const entry = await db.selectFrom('portfolio_entries').select('id').where('child_id', '=', world.elsa).executeTakeFirstOrThrow()
  for (const who of ['johan.ek', 'lena.ek']) {
    const c = await loginAs(app, who)
    const before = (await auditRows(world.elsa)).length
    t.equal((await c.get(`/staff/documentation/pupils/${world.elsa}`)).statusCode, 404, who)
    t.equal((await c.get(`/staff/documentation/pupils/${world.elsa}/portfolio/new`)).statusCode, 404)
    t.equal((await upload(c, `/staff/documentation/pupils/${world.elsa}/portfolio`, { key: 'intruder-key-2', title: 'Intrång', body: 'x', date: '2026-12-01' })).statusCode, 404)
    t.equal((await c.get(`/staff/documentation/pupils/${world.elsa}/iup`)).statusCode, 404)
    t.equal((await c.post(`/staff/documentation/pupils/${world.elsa}/iup`, { term: 'HT2030', goals: 'Intrång' })).statusCode, 404)
    t.equal((await c.get(`/staff/documentation/portfolio/${entry.id}/file`)).statusCode, 404)
    t.equal((await c.post(`/staff/documentation/portfolio/${entry.id}/remove`)).statusCode, 404)
    t.equal((await auditRows(world.elsa)).length, before, `${who}: nothing read, nothing logged`)
  }
  t.equal((await db.selectFrom('portfolio_entries').select('id').where('title', '=', 'Intrång').execute()).length, 0)
  t.equal((await db.selectFrom('iup_plans').select('id').where('term', '=', 'HT2030').execute()).length, 0)
})

t.test('the guardian sees who on the staff read (staff rows only); the admin lists the log per child', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  await karin.get(`/staff/assessments/pupils/${world.elsa}`)
  const anna = await loginAs(app, 'anna.lind')
  await stepUp(ctx, anna)
  const res = await anna.get(`/children/${world.elsa}/documentation/access`)
  t.equal(res.statusCode, 200)
  const body = res.body.slice(res.body.indexOf('<tbody>'), res.body.indexOf('</tbody>'))
  t.match(body, /<td>Karin Berg<\/td><td><time[^>]*>[^<]+<\/time><\/td><td>Bedömningar<\/td>/)
  t.match(body, /<td>Karin Berg<\/td>[\s\S]*<td>Dokumentation<\/td>/)
  t.notMatch(body, /Anna Lind|Elsa Lind|Erik Lind/, 'guardians\' and the pupil\'s own reads are not listed')
  for (const p of PNRS) t.notMatch(res.body, p)

  const admin = await loginAs(app, 'admin')
  const search = await admin.get('/staff/admin/audit?q=elsa')
  t.match(search.body, new RegExp(`href="/staff/admin/audit/children/${world.elsa}">Elsa Lind</a>`))
  const log = await admin.get(`/staff/admin/audit/children/${world.elsa}`)
  t.equal(log.statusCode, 200)
  t.match(log.body, /<td>Anna Lind<\/td><td>vårdnadshavare<\/td><td>documentation.read \(portfolio\)<\/td><td>order-doc<\/td>/)
  t.match(log.body, /<td>Karin Berg<\/td><td>personal<\/td><td>assessments.read \(staff\)<\/td><td>–<\/td>/)
  t.match(log.body, /<td>Elsa Lind<\/td><td>elev<\/td>/)
  for (const p of PNRS) t.notMatch(log.body, p)
  t.equal((await karin.get(`/staff/admin/audit/children/${world.elsa}`)).statusCode, 404, 'staff are not admins')
  t.equal((await karin.get('/staff/admin/audit')).statusCode, 404)
  t.equal((await admin.get(`/staff/admin/audit/children/${world.anna}`)).statusCode, 404, 'children only')
})
