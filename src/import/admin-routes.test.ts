import t from 'tap'
import { readFileSync } from 'node:fs'
import { buildTestApp, loginAs, type Client } from '../../test/helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, world, db } = ctx
const EXAMPLE = readFileSync(new URL('../../docs/ss12000-example.json', import.meta.url), 'utf8')

async function upload(client: Client, filename: string, content: string) {
  if (!client.csrf) await client.get('/staff/admin/import')
  const boundary = '----hubbentest'
  const body = [`--${boundary}`, 'Content-Disposition: form-data; name="_csrf"', '', client.csrf,
    `--${boundary}`, `Content-Disposition: form-data; name="file"; filename="${filename}"`, 'Content-Type: application/json', '', content,
    `--${boundary}--`, ''].join('\r\n')
  return app.inject({ method: 'POST', url: '/staff/admin/import', payload: body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: client.cookie } })
}

t.test('only administrators: everyone else gets 404', async (t) => {
  for (const who of ['anna.lind', 'elsa.lind', 'karin.berg']) {
    const c = await loginAs(app, who)
    t.equal((await c.get('/staff/admin/import')).statusCode, 404, who)
    t.equal((await c.get(`/staff/admin/units/${world.school}`)).statusCode, 404, who)
    t.equal((await c.post(`/staff/admin/units/${world.school}/people/${world.maria}/deactivate`)).statusCode, 404, who)
  }
  // The upload's body is never read for anyone but an administrator: refused before parsing
  // (onRequest), so the answer is the bare 404, not the page rendered after the body.
  const karin = await loginAs(app, 'karin.berg')
  const big = await upload(karin, 'big.json', 'x'.repeat(2_000_000))
  t.equal(big.statusCode, 404, 'staff: 404 for an upload')
  t.equal(big.body, 'Not found', 'refused before the body was read')
  const anon = await app.inject({ method: 'POST', url: '/staff/admin/import', payload: 'x'.repeat(1000),
    headers: { 'content-type': 'multipart/form-data; boundary=x' } })
  t.equal(anon.statusCode, 404, 'logged out: 404 for an upload')
  t.equal(anon.body, 'Not found')
  const admin = await loginAs(app, 'admin')
  t.equal((await admin.get('/staff/admin/units/999999')).statusCode, 404)
  t.equal((await admin.get('/staff/admin/units/abc')).statusCode, 404)
  t.equal((await admin.get('/staff/admin/import/runs/999999')).statusCode, 404)
  t.match((await admin.get('/staff')).body, /href="\/staff\/admin\/import"/)
})

t.test('a bad file: 422, every error with its path, nothing changed', async (t) => {
  const admin = await loginAs(app, 'admin')
  const doc = JSON.parse(EXAMPLE)
  doc.persons[7].civicNo.value = '2016-03-15'
  doc.persons[8].responsibles[0].person.id = 'nobody'
  delete doc.groups[0].displayName
  const before = await db.selectFrom('persons').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const res = await upload(admin, 'trasig.json', JSON.stringify(doc))
  t.equal(res.statusCode, 422)
  t.match(res.body, /Filen lästes inte in/)
  t.match(res.body, /<code>\/persons\/7\/civicNo\/value<\/code>/)
  t.match(res.body, /<code>\/groups\/0\/displayName<\/code>/)
  t.notMatch(res.body, /2016-03-15/, 'no value from the file on the page')
  const after = await db.selectFrom('persons').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(after.n), Number(before.n))
  // A reference error is reported once the schema holds.
  doc.persons[7].civicNo.value = '201603152388'
  doc.groups[0].displayName = '4B'
  const second = await upload(admin, 'trasig.json', JSON.stringify(doc))
  t.equal(second.statusCode, 422)
  t.match(second.body, /<code>\/persons\/8\/responsibles\/0\/person\/id<\/code>/)
  t.equal((await upload(admin, 'tom.json', '')).statusCode, 422)
  const notJson = await upload(admin, 'x.json', '{"organisations": [')
  t.equal(notJson.statusCode, 422)
  t.match(notJson.body, /inte giltig JSON/)
})

t.test('upload the example, read the report, resend and deactivate', async (t) => {
  const admin = await loginAs(app, 'admin')
  const res = await upload(admin, 'skola.json', EXAMPLE)
  t.equal(res.statusCode, 303)
  const report = await admin.get(res.headers.location as string)
  t.equal(report.statusCode, 200)
  t.match(report.body, /Filen är inläst/)
  t.match(report.body, /skola\.json/)
  t.match(report.body, /Aktiveringsmejl skickade: 1/, 'Jonas, new in the file')
  t.match(report.body, /<th scope="row">Vårdnadshavare<\/th><td>1<\/td><td>0<\/td><td>0<\/td>/)
  const index = await admin.get('/staff/admin/import')
  t.match(index.body, /skola\.json/)
  t.match(index.body, /trasig\.json/)

  // Make Maria a new guardian without an account, then send her a link.
  await db.updateTable('persons').set({ password_hash: null, activated_at: null }).where('id', '=', world.maria).execute()
  const unit = await admin.get(`/staff/admin/units/${world.school}`)
  t.equal(unit.statusCode, 200)
  t.match(unit.body, /Maria Nilsson<\/th>\s*<td>Vårdnadshavare<\/td>\s*<td>Inget konto<\/td>/)
  t.notMatch(unit.body, /198811092389/, 'no civic numbers on the page')
  const sent = await admin.post(`/staff/admin/units/${world.school}/people/${world.maria}/activation`)
  t.equal(sent.statusCode, 303)
  await ctx.deliver()
  t.match(ctx.mailer.sent.at(-1), { to: 'maria.nilsson@example.com' })
  const after = await admin.get(`/staff/admin/units/${world.school}`)
  t.match(after.body, /Maria Nilsson<\/th>\s*<td>Vårdnadshavare<\/td>\s*<td>Länk skickad, giltig till 15 december 2026<\/td>/)
  t.equal((await admin.post(`/staff/admin/units/${world.preschool}/people/${world.maria}/activation`)).statusCode, 404, 'not at that unit')

  // Deactivate Erik: his session ends at once and he cannot log in; his history stays.
  const erik = await loginAs(app, 'erik.lind')
  t.equal((await erik.get(`/children/${world.elsa}/timetable`)).statusCode, 200)
  t.equal((await admin.post(`/staff/admin/units/${world.school}/people/${world.erik}/deactivate`)).statusCode, 303)
  t.not((await erik.get(`/children/${world.elsa}/timetable`)).statusCode, 200)
  await t.rejects(loginAs(app, 'erik.lind'))
  t.match((await admin.get(`/staff/admin/units/${world.school}`)).body, /Erik Lind<\/th>\s*<td>Vårdnadshavare<\/td>\s*<td>Avstängt<\/td>/)
})
