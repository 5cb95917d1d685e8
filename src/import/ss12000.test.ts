import t from 'tap'
import { readFileSync } from 'node:fs'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'
import { importDocument, type ImportOutcome } from './ss12000.js'

const EXAMPLE = readFileSync(new URL('../../docs/ss12000-example.json', import.meta.url), 'utf8')
const run = (ctx: Awaited<ReturnType<typeof buildTestApp>>, text: string, source = 'example.json') =>
  importDocument(ctx.db, ctx.clock, { text, source, baseUrl: 'http://hubben.test' })
/** The counts that are not zero. */
const nz = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).filter(([, n]) => n))
const ok = (_t: unknown, o: ImportOutcome) => {
  if (!o.ok) throw new Error(`rejected: ${JSON.stringify(o.errors.slice(0, 5))}`)
  return o.report
}

t.test('the example file on an empty database: everything created, guardians invited once; the second run changes nothing', async (t) => {
  const ctx = await buildTestApp({ seed: false })
  t.teardown(() => ctx.close())
  const first = ok(t, await run(ctx, EXAMPLE))!
  t.same(nz(first.created), { units: 2, groups: 3, staff: 4, guardians: 4, pupils: 3, guardianships: 6, memberships: 4, staffUnits: 4, staffGroups: 4, lessons: 28 })
  t.same(nz(first.updated), {})
  t.equal(first.activations, 4, 'Anna, Erik, Maria and Jonas; Elsa, Olle and Sam have no e-mail address')
  await ctx.deliver()
  t.equal(ctx.mailer.sent.length, 4)
  t.match(ctx.mailer.sent[0]!.text, /http:\/\/hubben\.test\/activate\//)

  const second = ok(t, await run(ctx, EXAMPLE))!
  t.same(nz(second.created), {})
  t.same(nz(second.updated), {})
  t.same(nz(second.ended), {})
  t.equal(second.activations, 0)
  await ctx.deliver()
  t.equal(ctx.mailer.sent.length, 4, 'no second e-mail')
})

t.test('the example file on the demo world adopts what is there and creates nothing twice', async (t) => {
  const ctx = await buildTestApp()
  t.teardown(() => ctx.close())
  const persons = await ctx.db.selectFrom('persons').select(ctx.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const first = ok(t, await run(ctx, EXAMPLE))!
  t.same(nz(first.created), { guardians: 1, guardianships: 1 }, 'Jonas, Sam\'s other guardian, is new')
  t.same(nz(first.updated), { staff: 4 }, 'the staff get their civic numbers')
  t.equal(first.activations, 1, 'Jonas is invited; everyone else in the demo has an account')
  const after = await ctx.db.selectFrom('persons').select(ctx.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(after.n), Number(persons.n) + 1)
  const second = ok(t, await run(ctx, EXAMPLE))!
  t.same(nz(second.updated), {})
  // Anna still logs in and sees Elsa.
  const anna = await loginAs(ctx.app, 'anna.lind')
  t.equal((await anna.get(`/children/${ctx.world.elsa}/timetable`)).statusCode, 200)
})

t.test('a person removed from the file loses access at once; their history stays; back in the file, they get a new link', async (t) => {
  const ctx = await buildTestApp()
  t.teardown(() => ctx.close())
  const { db, world, app } = ctx
  ok(t, await run(ctx, EXAMPLE))
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(`/children/${world.sam}/timetable`)).statusCode, 200)
  // History: an absence and a message thread about Sam exist.
  await db.insertInto('notifications').values({ recipient_id: world.maria, child_id: world.sam, area: 'messages', kind: 'x', link: '/', created_at: ctx.clock.now() }).execute()

  const doc = JSON.parse(EXAMPLE)
  const samId = doc.persons.find((p: { givenName: string }) => p.givenName === 'Sam').id
  // Sam leaves, and his guardians Maria and Jonas with him.
  doc.persons = doc.persons.filter((p: { familyName: string }) => p.familyName !== 'Nilsson')
  doc.groups[0].groupMemberships = doc.groups[0].groupMemberships.filter((m: { person: { id: string } }) => m.person.id !== samId)
  const report = ok(t, await run(ctx, JSON.stringify(doc), 'without-sam.json'))
  t.same(nz(report.ended), { pupils: 1, guardians: 2, guardianships: 2, memberships: 1 })

  t.not((await maria.get(`/children/${world.sam}/timetable`)).statusCode, 200, 'her session is gone')
  await t.rejects(loginAs(app, 'maria.nilsson'), 'and she cannot log in')
  const karin = await loginAs(app, 'karin.berg')
  t.equal((await karin.get(`/children/${world.sam}/timetable`)).statusCode, 404, 'staff no longer reach Sam')
  const row = await db.selectFrom('persons').select(['ended_at', 'given_name']).where('id', '=', world.sam).executeTakeFirstOrThrow()
  t.ok(row.ended_at, 'the row stays, marked as ended')
  t.equal((await db.selectFrom('notifications').select('id').where('child_id', '=', world.sam).execute()).length, 1, 'history kept')

  // Running the shorter file again ends nothing more.
  t.same(nz(ok(t, await run(ctx, JSON.stringify(doc), 'without-sam.json')).ended), {})

  // Back in the file: access returns through a new activation link.
  const back = ok(t, await run(ctx, EXAMPLE))
  t.same(nz(back.updated), { pupils: 1, guardians: 2 })
  t.same(nz(back.created), { guardianships: 2, memberships: 1 })
  t.equal(back.activations, 2, 'Maria and Jonas get new links (Sam has no e-mail address)')
})

t.test('a generated district: imported in one go, a second run changes nothing, leavers end', async (t) => {
  const { districtDocument } = await import('./generate.js')
  const ctx = await buildTestApp({ seed: false })
  t.teardown(() => ctx.close())
  const pupils = 600
  const first = ok(t, await run(ctx, districtDocument({ pupils }), 'district.json'))
  t.match(first.created, { pupils, guardians: 1050, guardianships: 1050, memberships: pupils, groups: 24, units: 2 })
  t.same(nz(ok(t, await run(ctx, districtDocument({ pupils }), 'district.json')).created), {})
  const leave = ok(t, await run(ctx, districtDocument({ pupils, leaveEvery: 100 }), 'district.json'))
  t.match(leave.ended, { memberships: 6, guardianships: 12 })
})
