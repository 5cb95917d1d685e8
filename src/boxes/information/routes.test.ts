import t from 'tap'
import { mkdtempSync, readdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildTestApp, loginAs, type Client } from '../../../test/helpers/app.js'
import { DEMO_FILES } from './demo-files.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'hubben-info-'))
const ctx = await buildTestApp({ env: { DATA_DIR: dataDir, MAX_UPLOAD_MB: '1' } })
t.teardown(() => ctx.close())
const { app, db, world } = ctx

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8cfc0f01f0005000201' + 'e221bc330000000049454e44ae426082', 'hex')

/** A multipart POST as a browser sends it: the CSRF token first, then the fields, then the files. */
async function upload(c: Client, url: string, fields: Record<string, string>, files: Record<string, { name: string; bytes: Buffer; type?: string }> = {}, csrf: string | null = c.csrf) {
  const boundary = '----hubbentest' + Math.random().toString(16).slice(2)
  const parts: Buffer[] = []
  const field = (k: string, v: string) => parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  if (csrf !== null) field('_csrf', csrf)
  for (const [k, v] of Object.entries(fields)) field(k, v)
  for (const [k, f] of Object.entries(files)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`), f.bytes, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return app.inject({ method: 'POST', url, payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: c.cookie } })
}

const storedFiles = () => {
  const root = path.join(dataDir, 'files')
  return existsSync(root) ? readdirSync(root, { recursive: true }).filter((f) => !String(f).startsWith('tmp') && String(f).includes(path.sep)).length : 0
}

t.test('news tab: the child\'s groups and unit, newest first, as paragraphs with links and no raw HTML', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`/children/${world.elsa}/information`)
  t.equal(res.statusCode, 200)
  t.match(res.body, /Utflykt till Naturhistoriska riksmuseet/)
  t.match(res.body, /<a href="https:\/\/www.nrm.se" rel="noopener noreferrer nofollow">https:\/\/www.nrm.se<\/a>/)
  t.notMatch(res.body, /Skogsdag/, 'Blåklockan\'s news is not Elsa\'s')
  t.ok(res.body.indexOf('Utflykt') < res.body.indexOf('Läxförhör'), 'newest first')
  const olle = await anna.get(`/children/${world.olle}/information`)
  t.match(olle.body, /Skogsdag/)
  const frag = await anna.get(`/children/${world.elsa}/information/files`, { 'hx-request': 'true' })
  t.notMatch(frag.body, /<html/, 'htmx gets only the panel')
  t.match(frag.body, /aria-current="page">Filer/)
  t.match(frag.headers.vary as string, /HX-Request/)
})

t.test('another family gets 404; logged-out visitors go to login; other units cannot download', async (t) => {
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(`/children/${world.elsa}/information`)).statusCode, 404)
  const file = await db.selectFrom('info_files').select('id').where('unit_id', '=', world.school).executeTakeFirstOrThrow()
  const url = `/children/${world.elsa}/information/files/${file.id}`
  const anon = await app.inject({ method: 'GET', url })
  t.equal(anon.statusCode, 303)
  t.match(anon.headers.location as string, /^\/login/)
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.get(url)).statusCode, 404, 'staff of another unit')
  t.equal((await johan.get(`/staff/information/files/${file.id}`)).statusCode, 404, 'staff route of another unit')
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.get(`/children/${world.olle}/information/files/${file.id}`)).statusCode, 404, 'through a child at another unit')
  const ok = await anna.get(url)
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers['content-type'], 'application/pdf')
  t.equal(ok.headers['x-content-type-options'], 'nosniff')
  t.match(ok.headers['content-disposition'] as string, /^attachment; filename="lasarstider-2026-2027.pdf"/)
  t.equal(ok.rawPayload.length, DEMO_FILES[0]!.bytes.length)
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get(url)).statusCode, 200, 'the pupil herself')
})

t.test('karin publishes a news item with an image: each guardian and pupil of 4B gets one notification, once', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const form = await karin.get('/staff/information/news/new')
  t.equal(form.statusCode, 200)
  const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!
  const fields = { key, target: `group:${world.class4B}`, title: 'Simning <b>nästa</b> vecka', body: 'Ta med badkläder.\n\n<script>alert(1)</script>', imageAlt: 'En simhall' }
  const before = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const res = await upload(karin, '/staff/information/news', fields, { image: { name: 'bad.png', bytes: PNG } })
  t.equal(res.statusCode, 303, res.body.slice(0, 300))
  const again = await upload(karin, '/staff/information/news', fields, { image: { name: 'bad.png', bytes: PNG } })
  t.equal(again.statusCode, 303)
  const rows = await db.selectFrom('info_news').select(['id', 'image_type']).where('title', '=', fields.title).execute()
  t.equal(rows.length, 1, 'a double submit publishes once')
  t.equal(rows[0]!.image_type, 'image/png')
  const after = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const recipients = await db.selectFrom('notifications').select('recipient_id').where('link', '=', `/information/news/${rows[0]!.id}`).execute()
  const ids = recipients.map((r) => r.recipient_id).sort()
  t.ok(ids.includes(world.anna) && ids.includes(world.erik) && ids.includes(world.maria) && ids.includes(world.elsa), 'guardians and the pupil')
  t.equal(new Set(ids).size, ids.length, 'one each')
  t.equal(Number(after.n) - Number(before.n), ids.length)

  const anna = await loginAs(app, 'anna.lind')
  const go = await anna.get(`/information/news/${rows[0]!.id}`)
  t.equal(go.statusCode, 303)
  t.equal(go.headers.location, `/children/${world.elsa}/information/news/${rows[0]!.id}`)
  const page = await anna.get(go.headers.location as string)
  t.match(page.body, /Simning &lt;b&gt;nästa&lt;\/b&gt; vecka/)
  t.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  const img = await anna.get(`/children/${world.elsa}/information/news/${rows[0]!.id}/image`)
  t.equal(img.statusCode, 200)
  t.equal(img.headers['content-type'], 'image/png')
  t.equal(img.headers['x-content-type-options'], 'nosniff')
  t.equal((await anna.get(`/children/${world.olle}/information/news/${rows[0]!.id}`)).statusCode, 404)
})

t.test('bad input: 422 at the field with the values kept; staff cannot publish to another unit\'s group', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  await karin.get('/staff/information/news/new')
  const empty = await upload(karin, '/staff/information/news', { key: 'k-empty-1234', target: `group:${world.class4B}`, title: '', body: 'Text kvar' })
  t.equal(empty.statusCode, 422)
  t.match(empty.body, /id="title-error"/)
  t.match(empty.body, /Text kvar/)
  const other = await upload(karin, '/staff/information/news', { key: 'k-other-1234', target: `group:${world.blaklockan}`, title: 'Hej', body: 'x' })
  t.equal(other.statusCode, 422)
  t.match(other.body, /id="target-error"/)
  t.equal((await db.selectFrom('info_news').select('id').where('group_id', '=', world.blaklockan).where('title', '=', 'Hej').execute()).length, 0)
  const link = await karin.post('/staff/information/links', { key: 'k-link-12345', unit: String(world.school), title: 'Länk', url: 'javascript:alert(1)' })
  t.equal(link.statusCode, 422)
  t.match(link.body, /id="url-error"/)
  t.match(link.body, /javascript:alert\(1\)/)
  const otherUnit = await karin.post('/staff/information/links', { key: 'k-link-22345', unit: String(world.preschool), title: 'Länk', url: 'https://example.org' })
  t.equal(otherUnit.statusCode, 422)
  const news = await db.selectFrom('info_news').select('id').where('group_id', '=', world.blaklockan).executeTakeFirstOrThrow()
  t.equal((await karin.get(`/staff/information/news/${news.id}/edit`)).statusCode, 404, 'another unit\'s news')
  t.equal((await karin.post(`/staff/information/news/${news.id}/unpublish`)).statusCode, 404)
  const guardian = await loginAs(app, 'anna.lind')
  t.equal((await guardian.get('/staff/information')).statusCode, 404)
})

t.test('files: content must match the name; oversized refused with a clear message and nothing stored; no CSRF, nothing stored', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  await karin.get('/staff/information/files/new')
  const count = async () => Number((await db.selectFrom('info_files').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const files0 = await count()
  const stored0 = storedFiles()
  const fake = await upload(karin, '/staff/information/files', { key: 'k-file-fake1', unit: String(world.school), title: 'Fusk' }, { file: { name: 'rapport.pdf', bytes: PNG, type: 'application/pdf' } })
  t.equal(fake.statusCode, 422)
  t.match(fake.body, /stämmer inte med filnamnets ändelse/)
  t.match(fake.body, /value="Fusk"/, 'the title is kept')
  const exe = await upload(karin, '/staff/information/files', { key: 'k-file-exe12', unit: String(world.school), title: 'Program' }, { file: { name: 'setup.pdf', bytes: Buffer.from('MZ\x90\x00 not a pdf') } })
  t.equal(exe.statusCode, 422)
  const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1024 * 1024 + 10, 0x20)])
  const large = await upload(karin, '/staff/information/files', { key: 'k-file-big12', unit: String(world.school), title: 'Stor' }, { file: { name: 'stor.pdf', bytes: big } })
  t.equal(large.statusCode, 422)
  t.match(large.body, /Filen är för stor. Den får vara högst 1 MB./)
  const forged = await upload(karin, '/staff/information/files', { key: 'k-file-csrf1', unit: String(world.school), title: 'Forged' }, { file: { name: 'a.pdf', bytes: DEMO_FILES[1]!.bytes.subarray(0, 200) } }, 'wrong-token')
  t.equal(forged.statusCode, 403)
  const json = await app.inject({ method: 'POST', url: '/staff/information/files', payload: '{"title":"x"}', headers: { 'content-type': 'application/json', cookie: karin.cookie } })
  t.ok(json.statusCode >= 400 && json.statusCode < 500, `json body: ${json.statusCode}`)
  t.equal(await count(), files0, 'no rows')
  t.equal(storedFiles(), stored0, 'no bytes kept')
  t.same(readdirSync(path.join(dataDir, 'files', 'tmp')), [], 'no temporary files left')

  const docx = Buffer.concat([Buffer.from('504b0304140006000800000021000000000000000000000000001300000000', 'hex'), Buffer.from('[Content_Types].xml'), Buffer.alloc(100)])
  const ok = await upload(karin, '/staff/information/files', { key: 'k-file-docx1', unit: String(world.school), title: 'Inbjudan' }, { file: { name: 'inbjudan.docx', bytes: docx } })
  t.equal(ok.statusCode, 303)
  const row = await db.selectFrom('info_files').selectAll().where('title', '=', 'Inbjudan').executeTakeFirstOrThrow()
  t.equal(row.content_type, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  t.equal(storedFiles(), stored0 + 1)
  const remove = await karin.post(`/staff/information/files/${row.id}/remove`)
  t.equal(remove.statusCode, 303)
  t.equal(await count(), files0)
})

t.test('files: staff edit the title (and may replace the content), unpublish and publish again, for their units only', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const anna = await loginAs(app, 'anna.lind')
  const file = await db.selectFrom('info_files').selectAll().where('unit_id', '=', world.school).where('filename', '=', 'ordningsregler.pdf').executeTakeFirstOrThrow()
  const download = `/children/${world.elsa}/information/files/${file.id}`

  const form = await karin.get(`/staff/information/files/${file.id}/edit`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /<h1>Ändra filen<\/h1>/)
  t.match(form.body, /value="Ordningsregler"/)
  t.match(form.body, /Nu: ordningsregler.pdf/)
  const stored0 = storedFiles()
  const empty = await upload(karin, `/staff/information/files/${file.id}`, { unit: String(world.school), title: '' })
  t.equal(empty.statusCode, 422)
  t.match(empty.body, /id="title-error"/)
  const mismatch = await upload(karin, `/staff/information/files/${file.id}`, { unit: String(world.school), title: 'Nya regler' }, { file: { name: 'regler.pdf', bytes: PNG } })
  t.equal(mismatch.statusCode, 422, 'a new content that does not match its name')
  t.match(mismatch.body, /stämmer inte med filnamnets ändelse/)
  t.match(mismatch.body, /value="Nya regler"/)
  t.equal(storedFiles(), stored0, 'nothing stored')
  const otherUnit = await upload(karin, `/staff/information/files/${file.id}`, { unit: String(world.preschool), title: 'Flytt' })
  t.equal(otherUnit.statusCode, 422, 'not to a unit that is not hers')

  const saved = await upload(karin, `/staff/information/files/${file.id}`, { unit: String(world.school), title: 'Ordningsregler 2027' })
  t.equal(saved.statusCode, 303)
  const row = await db.selectFrom('info_files').selectAll().where('id', '=', file.id).executeTakeFirstOrThrow()
  t.equal(row.title, 'Ordningsregler 2027')
  t.equal(row.storage_key, file.storage_key, 'no file chosen: the content is kept')
  t.ok(row.updated_at)
  t.match((await anna.get(`/children/${world.elsa}/information/files`)).body, /Ordningsregler 2027/)

  const replaced = await upload(karin, `/staff/information/files/${file.id}`, { unit: String(world.school), title: 'Ordningsregler 2027' }, { file: { name: 'regler-2027.pdf', bytes: DEMO_FILES[0]!.bytes } })
  t.equal(replaced.statusCode, 303)
  const row2 = await db.selectFrom('info_files').selectAll().where('id', '=', file.id).executeTakeFirstOrThrow()
  t.equal(row2.filename, 'regler-2027.pdf')
  t.equal(row2.storage_key, DEMO_FILES[0]!.key)
  t.match((await anna.get(download)).headers['content-disposition'] as string, /filename="regler-2027.pdf"/)

  t.equal((await karin.post(`/staff/information/files/${file.id}/unpublish`)).statusCode, 303)
  t.match((await karin.get('/staff/information')).body, /Ordningsregler 2027<\/a> <span class="badge">Avpublicerad/)
  t.notMatch((await anna.get(`/children/${world.elsa}/information/files`)).body, /Ordningsregler 2027/, 'hidden from guardians')
  t.equal((await anna.get(download)).statusCode, 404, 'and no download')
  t.equal((await karin.get(`/staff/information/files/${file.id}`)).statusCode, 200, 'staff still reach it')
  t.equal((await karin.post(`/staff/information/files/${file.id}/republish`)).statusCode, 303)
  t.equal((await anna.get(download)).statusCode, 200, 'published again')

  const johan = await loginAs(app, 'johan.ek')
  await johan.get('/staff/information/files/new') // his own valid token
  t.equal((await johan.get(`/staff/information/files/${file.id}/edit`)).statusCode, 404, 'staff of another unit')
  const hijack = await upload(johan, `/staff/information/files/${file.id}`, { unit: String(world.preschool), title: "Kapad" })
  t.equal(hijack.statusCode, 404, hijack.body.replace(/\s+/g, " ").slice(0, 3000))
  t.equal((await johan.post(`/staff/information/files/${file.id}/unpublish`)).statusCode, 404)
  t.equal((await johan.post(`/staff/information/files/${file.id}/republish`)).statusCode, 404)
  t.equal((await db.selectFrom('info_files').select('title').where('id', '=', file.id).executeTakeFirstOrThrow()).title, 'Ordningsregler 2027')
})

t.test('news: unpublished news can be published again, by staff of its unit only', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const news = await db.selectFrom('info_news').select(['id', 'title']).where('group_id', '=', world.class4B).where('unpublished_at', 'is', null).executeTakeFirstOrThrow()
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await karin.post(`/staff/information/news/${news.id}/unpublish`)).statusCode, 303)
  t.equal((await anna.get(`/children/${world.elsa}/information/news/${news.id}`)).statusCode, 404)
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.post(`/staff/information/news/${news.id}/republish`)).statusCode, 404)
  t.match((await karin.get('/staff/information')).body, new RegExp(`/staff/information/news/${news.id}/republish`))
  t.equal((await karin.post(`/staff/information/news/${news.id}/republish`)).statusCode, 303)
  t.equal((await anna.get(`/children/${world.elsa}/information/news/${news.id}`)).statusCode, 200)
})
