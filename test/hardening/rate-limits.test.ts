import t from 'tap'
import { randomBytes } from 'node:crypto'
import { buildTestApp, Client, loginAs } from '../helpers/app.js'
import { buildApp } from '../../src/app.js'
import { hashCount } from '../../src/auth/passwords.js'

const ctx = await buildTestApp({ env: { MESSAGES_PER_HOUR: '3' } })
t.teardown(() => ctx.close())
const { app, db, world } = ctx

t.test('activation checks the token before hashing the password', async (t) => {
  const before = hashCount.n
  const c = new Client(app)
  for (let i = 0; i < 5; i++) {
    const res = await c.post(`/activate/${randomBytes(32).toString('base64url')}`, { username: 'nobody.here', password: 'ett långt lösenord', passwordConfirm: 'ett långt lösenord' })
    t.equal(res.statusCode, 404)
  }
  t.equal(hashCount.n, before, 'no password was hashed for unknown links')
})

t.test('"Glömt lösenord?": at most 3 links per e-mail address an hour, counted in the database across instances', async (t) => {
  // A second instance on the same database: the count is shared.
  const other = await buildApp({ config: app.deps.config, db, clock: ctx.clock, mailer: ctx.mailer, channels: ctx.channels })
  t.teardown(() => other.close())
  const statuses: number[] = []
  for (const a of [app, other, app, other]) {
    const c = new Client(a)
    statuses.push((await c.post('/password/forgot', { email: 'anna.lind@example.com' })).statusCode)
  }
  t.same(statuses, [200, 200, 200, 429], JSON.stringify(await db.selectFrom('rate_limits').selectAll().execute()))
  const rows = await db.selectFrom('rate_limits').selectAll().where('key', 'like', 'forgot-email:%').execute()
  t.equal(rows.length, 1)
  t.equal(rows[0]!.count, 4)
  // Another address is not affected.
  t.equal((await new Client(app).post('/password/forgot', { email: 'erik.lind@example.com' })).statusCode, 200)
  // The window passes.
  ctx.clock.set(new Date(ctx.clock.now().getTime() + 61 * 60_000))
  t.equal((await new Client(app).post('/password/forgot', { email: 'anna.lind@example.com' })).statusCode, 200)
})

t.test('sending messages: per person per hour', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const conversation = await db.selectFrom('conversation_participants').select('conversation_id').where('person_id', '=', world.anna).executeTakeFirstOrThrow()
  const url = `/children/${world.elsa}/messages/${conversation.conversation_id}/replies`
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) {
    await anna.get(`/children/${world.elsa}/messages/${conversation.conversation_id}`)
    statuses.push((await anna.post(url, { body: `Svar ${i}`, key: randomBytes(8).toString('hex') })).statusCode)
  }
  t.same(statuses, [303, 303, 303, 429])
  const erik = await loginAs(app, 'erik.lind')
  const ec = await db.selectFrom('conversation_participants').select('conversation_id').where('person_id', '=', world.erik).executeTakeFirst()
  if (ec) {
    await erik.get(`/children/${world.elsa}/messages/${ec.conversation_id}`)
    t.equal((await erik.post(`/children/${world.elsa}/messages/${ec.conversation_id}/replies`, { body: 'Hej', key: randomBytes(8).toString('hex') })).statusCode, 303, 'another person is not affected')
  }
})
