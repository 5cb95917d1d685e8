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
  t.same(nz(first.created), { units: 2, groups: 3, staff: 4, guardians: 3, pupils: 3, guardianships: 5, memberships: 4, staffUnits: 4, staffGroups: 4, lessons: 28 })
  t.same(nz(first.updated), {})
  t.equal(first.activations, 3, 'Anna, Erik and Maria; Elsa, Olle and Sam have no e-mail address')
  await ctx.deliver()
  t.equal(ctx.mailer.sent.length, 3)
  t.match(ctx.mailer.sent[0]!.text, /http:\/\/hubben\.test\/activate\//)

  const second = ok(t, await run(ctx, EXAMPLE))!
  t.same(nz(second.created), {})
  t.same(nz(second.updated), {})
  t.same(nz(second.ended), {})
  t.equal(second.activations, 0)
  await ctx.deliver()
  t.equal(ctx.mailer.sent.length, 3, 'no second e-mail')
})

t.test('the example file on the demo world adopts what is there and creates nothing twice', async (t) => {
  const ctx = await buildTestApp()
  t.teardown(() => ctx.close())
  const persons = await ctx.db.selectFrom('persons').select(ctx.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const first = ok(t, await run(ctx, EXAMPLE))!
  t.same(nz(first.created), { units: 0, groups: 0, guardianships: 0, memberships: 0, staffUnits: 0, staffGroups: 0, lessons: 0 })
  t.equal(first.activations, 0, 'everyone in the demo has an account already')
  const after = await ctx.db.selectFrom('persons').select(ctx.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(after.n), Number(persons.n))
  const second = ok(t, await run(ctx, EXAMPLE))!
  t.same(nz(second.updated), {})
  // Anna still logs in and sees Elsa.
  const anna = await loginAs(ctx.app, 'anna.lind')
  t.equal((await anna.get(`/children/${ctx.world.elsa}/timetable`)).statusCode, 200)
})
