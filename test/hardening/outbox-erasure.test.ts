import t from 'tap'
import { enqueue, eraseOldFailedPayloads, FAILED_KEEP_DAYS } from '../../src/notify/outbox.js'
import { PermanentDeliveryError } from '../../src/notify/mailer.js'
import { buildTestApp, loginAs, TEST_NOW } from '../helpers/app.js'

// Finding 7: an outbox row keeps its content (an e-mail's text with its reset link, an
// SMS's phone number) only while it may still be sent. Delivered: erased at once; failed:
// after 30 days. Recipient (the person), kind, times and status stay.
let smsFails = false
const sms: string[] = []
const ctx = await buildTestApp({
  channels: {
    sms: async (p) => {
      if (smsFails) throw new PermanentDeliveryError('number unknown')
      sms.push(String(p.to))
    },
  },
})
t.teardown(() => ctx.close())
const row = (id: number) => ctx.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const lastId = async () => (await ctx.db.selectFrom('outbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id

t.test('a delivered reset e-mail keeps no link and no address', async (t) => {
  const anon = await ctx.app.inject({ method: 'GET', url: '/password/forgot' })
  t.equal(anon.statusCode, 200)
  const person = await ctx.db.selectFrom('persons').select(['id', 'email']).where('username', '=', 'anna.lind').executeTakeFirstOrThrow()
  const { requestPasswordReset } = await import('../../src/auth/service.js')
  await requestPasswordReset(ctx.db, ctx.clock, 'http://hubben.test', person.email!)
  const id = await lastId()
  t.match(JSON.stringify((await row(id)).payload), /password\/reset\//, 'pending: the link is there to be sent')
  await ctx.deliver()
  t.match(ctx.mailer.sent.at(-1)!.text, /password\/reset\//, 'the mail went out with its link')
  const r = await row(id)
  t.equal(r.status, 'sent')
  t.same(r.payload, {}, 'the payload is empty')
  t.notMatch(JSON.stringify(r), /password\/reset|@/, 'no link and no address anywhere in the row')
  t.equal(r.kind, 'reset')
  t.equal(r.recipient_id, person.id, 'the recipient (the person) stays')
  t.ok(r.sent_at && r.created_at && r.erased_at, 'the times stay')
})

t.test('a delivered SMS keeps no phone number', async (t) => {
  await enqueue(ctx.db, { channel: 'sms', payload: { to: '+46701112233', message: 'Elsa var frånvarande' }, kind: 'absence-sms', recipientId: ctx.world.anna, now: ctx.clock.now() })
  const id = await lastId()
  await ctx.deliver()
  t.same(sms, ['+46701112233'])
  const r = await row(id)
  t.equal(r.status, 'sent')
  t.same(r.payload, {})
  t.notMatch(JSON.stringify(r), /4670111|Elsa/)
  t.equal(r.recipient_id, ctx.world.anna)
})

t.test('a failed delivery keeps what the admin page needs for 30 days, then its content goes', async (t) => {
  smsFails = true
  await enqueue(ctx.db, { channel: 'sms', payload: { to: '+46709998877', message: 'Olle var frånvarande' }, kind: 'absence-sms', recipientId: ctx.world.anna, now: ctx.clock.now() })
  const id = await lastId()
  await ctx.deliver()
  t.equal((await row(id)).status, 'failed')
  const admin = await loginAs(ctx.app, 'admin')
  const page = await admin.get('/staff/outbox')
  t.match(page.body, /\+46709998877/, 'the admin sees the number to follow it up')
  t.match(page.body, new RegExp(`/staff/outbox/${id}/retry`), 'and can try again')

  t.equal(await eraseOldFailedPayloads(ctx.db, new Date(Date.parse(TEST_NOW) + (FAILED_KEEP_DAYS - 1) * 86_400_000)), 0, 'kept for 29 days')
  t.equal((await row(id)).payload.to, '+46709998877')
  const later = new Date(Date.parse(TEST_NOW) + (FAILED_KEEP_DAYS + 1) * 86_400_000)
  t.equal(await eraseOldFailedPayloads(ctx.db, later), 1, 'erased after 30 days')
  const r = await row(id)
  t.same(r.payload, {})
  t.equal(r.status, 'failed')
  t.equal(r.recipient_id, ctx.world.anna)
  const after = await admin.get('/staff/outbox')
  t.equal(after.statusCode, 200)
  t.notMatch(after.body, /\+46709998877/, 'the number is gone from the page')
  t.match(after.body, new RegExp(`#${ctx.world.anna}`), 'the recipient is shown as the person')
  t.notMatch(after.body, new RegExp(`/staff/outbox/${id}/retry`), 'nothing left to try again')
  t.equal((await admin.post(`/staff/outbox/${id}/retry`)).statusCode, 404)
})
