import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'
import { importAddresses, parseAddressFile } from './addresses.js'
import { claimSlot, nightlySlot, startAddressSchedule } from './scheduler.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { db, clock, world } = ctx
const person = (id: number) => db.selectFrom('persons').select(['street', 'postal_code', 'city', 'protected_identity', 'privacy', 'address_edited_at'])
  .where('id', '=', id).executeTakeFirstOrThrow()

const FILE = [
  '# Hubben address transfer',
  '201603152388;;;Björkvägen 14;12345;Solbacka', // Elsa moves next door
  '198503142385;;;Björkvägen 14;123 45;Solbacka', // Anna too
  '198811092389;F;;;;', // Maria: protected identity
  '197001011234;;;Okänd väg 1;11111;Ingenstans', // not in Hubben
  '2016031523;;;Kort nummer 1;12345;Solbacka', // bad civic number
  '198307212392;;Lind;Björkvägen 14;1234;Solbacka', // bad postal code
  'not a line',
  '',
].join('\n')

t.test('the file format: bad lines by number, never by content', async (t) => {
  const p = parseAddressFile(FILE)
  t.equal(p.lines, 7)
  t.equal(p.records.length, 4)
  t.same(p.errors, [{ line: 6, key: 'civicNo' }, { line: 7, key: 'postalCode' }, { line: 8, key: 'fieldCount' }])
  t.same(parseAddressFile('201603152388;;Farmor;Storgatan 1;11122;Stad').records[0], {
    line: 1, civicNo: '201603152388', protected: false, street: 'c/o Farmor, Storgatan 1', postalCode: '111 22', city: 'Stad',
  })
  t.equal(parseAddressFile('201603152388;X;;a;11122;b').errors[0]!.key, 'marking')
})

t.test('overwrites addresses (also one the person typed), hides protected people, reports bad lines; a second run changes nothing', async (t) => {
  const anna = await loginAs(ctx.app, 'anna.lind')
  t.equal((await anna.post('/settings/address', { street: 'Egen väg 1', postalCode: '11111', city: 'Egenstad' })).statusCode, 303)
  t.ok((await person(world.anna)).address_edited_at)

  const first = await importAddresses(db, clock, { text: FILE, source: 'navet-20261201.txt' })
  t.same(first.counts, { lines: 7, updated: 3, unchanged: 0, protected: 1, unknown: 1, bad: 3 })
  t.equal(first.errorCount, 3)
  t.match(await person(world.elsa), { street: 'Björkvägen 14', postal_code: '123 45', city: 'Solbacka', protected_identity: false })
  t.match(await person(world.anna), { street: 'Björkvägen 14', address_edited_at: null })
  const maria = await person(world.maria)
  t.match(maria, { street: null, postal_code: null, city: null, protected_identity: true })
  t.same(maria.privacy, { showEmail: false, showMobile: false, showAddress: false, showChildPhoto: false })

  const run = await db.selectFrom('import_runs').selectAll().where('id', '=', first.runId).executeTakeFirstOrThrow()
  t.match(run, { kind: 'addresses', source: 'navet-20261201.txt', status: 'ok', error_count: 3 })
  t.notMatch(JSON.stringify(run), /1985031423|2016031523|Björkvägen/, 'the log holds no civic number or address')

  const second = await importAddresses(db, clock, { text: FILE, source: 'navet-20261201.txt' })
  t.same(second.counts, { lines: 7, updated: 0, unchanged: 3, protected: 1, unknown: 1, bad: 3 })

  // The marking is lifted: the address comes back.
  const lifted = await importAddresses(db, clock, { text: '198811092389;;;Ekgatan 5;12346;Solbacka', source: 'navet-20261202.txt' })
  t.same(lifted.counts, { lines: 1, updated: 1, unchanged: 0, protected: 0, unknown: 0, bad: 0 })
  t.match(await person(world.maria), { street: 'Ekgatan 5', protected_identity: false })
})

t.test('02:00 in Stockholm, across daylight saving', async (t) => {
  t.equal(nightlySlot(new Date('2026-12-01T00:59:00Z')).due, false, '01:59 in winter')
  t.same(nightlySlot(new Date('2026-12-01T01:00:00Z')), { slot: '2026-12-01', dueAt: new Date('2026-12-01T01:00:00Z'), due: true })
  t.same(nightlySlot(new Date('2026-06-15T00:30:00Z')).dueAt, new Date('2026-06-15T00:00:00Z'), 'summer: 02:00 CEST is 00:00 UTC')
  // Spring forward (28 March 2027): 02:00 does not exist; due when the clock jumps to 03:00.
  t.same(nightlySlot(new Date('2027-03-28T01:00:00Z')).dueAt, new Date('2027-03-28T01:00:00Z'))
  t.equal(nightlySlot(new Date('2027-03-28T00:59:00Z')).due, false)
  // Fall back (25 October 2026): 02:00 comes twice; one slot for the date.
  const autumn = nightlySlot(new Date('2026-10-25T00:30:00Z'))
  t.equal(autumn.slot, '2026-10-25')
  t.equal(nightlySlot(new Date('2026-10-25T01:30:00Z')).slot, '2026-10-25')
})

t.test('the schedule with two instances runs once a night; a dead holder is taken over after its lease', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hubben-addresses-'))
  writeFileSync(path.join(dir, 'navet-a.txt'), '201609282395;;;Ekgatan 9;12346;Solbacka\n')
  const quiet = { info() {}, error() {} }
  clock.set('2026-12-02T01:30:00+01:00')
  const one = startAddressSchedule({ db, clock, dir, log: quiet, holder: 'instance-1' })
  const two = startAddressSchedule({ db, clock, dir, log: quiet, holder: 'instance-2' })
  t.teardown(async () => { await one.stop(); await two.stop() })
  t.same(await Promise.all([one.tick(), two.tick()]), [false, false], 'not due before 02:00')
  clock.set('2026-12-02T02:00:30+01:00')
  const ran = await Promise.all([one.tick(), two.tick()])
  t.equal(ran.filter(Boolean).length, 1, 'exactly one instance ran it')
  t.same(await Promise.all([one.tick(), two.tick()]), [false, false], 'and nobody again that night')
  const runs = await db.selectFrom('import_runs').select(['source']).where('source', '=', 'navet-a.txt').execute()
  t.equal(runs.length, 1)
  t.match(await person(world.sam), { street: 'Ekgatan 9' })

  // The next night the same file is not applied again.
  clock.set('2026-12-03T02:05:00+01:00')
  t.same((await Promise.all([one.tick(), two.tick()])).filter(Boolean).length, 1)
  t.equal((await db.selectFrom('import_runs').select('id').where('source', '=', 'navet-a.txt').execute()).length, 1)

  const now = new Date('2026-12-04T02:00:00+01:00')
  t.ok(await claimSlot(db, 'test-job', '2026-12-04', 'dead', now, 60_000))
  t.notOk(await claimSlot(db, 'test-job', '2026-12-04', 'alive', new Date(now.getTime() + 30_000)))
  t.ok(await claimSlot(db, 'test-job', '2026-12-04', 'alive', new Date(now.getTime() + 61_000)), 'lease ran out')
})

t.test('a person with a protected identity cannot type an address either', async (t) => {
  await importAddresses(db, clock, { text: '198811092389;S;;;;', source: 'navet-protect.txt' })
  const maria = await loginAs(ctx.app, 'maria.nilsson')
  const res = await maria.post('/settings/address', { street: 'Hemlig väg 1', postalCode: '12345', city: 'Solbacka' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /skyddad identitet/)
  t.match(await person(world.maria), { street: null, protected_identity: true })
})
