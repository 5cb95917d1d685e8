import t from 'tap'
import { gzipSync } from 'node:zlib'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'
import { createNotifications } from './notifications.js'
import { dispatchDue } from './outbox.js'
import { pushChannel, type PushSend } from './push.js'
import { HELD_KIND } from './quiet.js'

// Quiet hours: the settings form, and push notices held in the night and sent as one.
const sent: { endpoint: string; body: { title: string; body: string; url: string } }[] = []
const fakeSend: PushSend = async (target, body) => { sent.push({ endpoint: target.endpoint, body: JSON.parse(body) }) }

const ctx = await buildTestApp({ channels: { push: pushChannel(fakeSend) } })
t.teardown(() => ctx.close())
const { app, db, clock, world } = ctx

const notice = (recipients: number[], kind = 'messageReceived', params: Record<string, string> = { from: 'Karin Berg' }) => createNotifications(db, {
  recipientIds: recipients, childId: world.elsa, area: kind === 'messageReceived' ? 'messages' : 'information', kind, params,
  link: `/children/${world.elsa}/messages`, now: clock.now(),
})
const held = () => db.selectFrom('outbox').select(['id', 'payload', 'status', 'next_attempt_at', 'dedupe_key', 'recipient_id'])
  .where('kind', '=', HELD_KIND).orderBy('id').execute()
const bellCount = async (person: number) => Number((await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('recipient_id', '=', person).executeTakeFirstOrThrow()).n)
const prefs = (person: number) => db.selectFrom('notify_preferences').selectAll().where('person_id', '=', person).executeTakeFirst()

await db.insertInto('push_subscriptions').values({ person_id: world.anna, endpoint: 'https://push.example/anna', p256dh: 'p', auth: 'a', created_at: clock.now() }).execute()

t.test('the settings section: defaults, and works without JavaScript (plain forms)', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const page = await anna.get('/settings')
  t.equal(page.statusCode, 200)
  t.match(page.body, /href="#quiet">Tysta timmar och kvällsbrev</, 'in the section menu')
  t.match(page.body, /<form method="post" action="\/settings\/quiet-hours" novalidate class="form">\s*<input type="hidden" name="_csrf"/)
  t.match(page.body, /id="quietOn" name="quietOn" value="on" checked/, 'on by default')
  t.match(page.body, /id="quietStart" name="quietStart" type="text" value="21:00"/)
  t.match(page.body, /id="quietEnd" name="quietEnd" type="text" value="07:00"/)
  t.match(page.body, /id="digestOn" name="digestOn" value="on">/, 'the digest is off by default')
  t.match(page.body, /<option value="18:00" selected>18:00<\/option>/)
  t.notMatch(page.body, /ingen e-postadress i Hubben/, 'anna has an e-mail address')
  t.equal(await prefs(world.anna), undefined, 'no row until something is changed')
  const again = await anna.get('/settings')
  t.ok(Number(again.headers['x-hubben-queries']) <= 10, `the settings page within its budget (${again.headers['x-hubben-queries']} statements)`)
  t.ok(gzipSync(again.body).length < 10 * 1024, `under 10 KB gzipped (${gzipSync(again.body).length} bytes)`)
})

t.test('saving quiet hours; 422 with the message beside the field and the values kept (sv and en)', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.get('/settings')
  const ok = await anna.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '22:15', quietEnd: '6.30' })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/settings#quiet')
  t.match((await anna.get('/settings')).body, /De tysta timmarna är sparade/)
  t.match(await prefs(world.anna), { quiet_enabled: true, quiet_start: '22:15', quiet_end: '06:30' }, 'stored as HH:MM')

  const bad = await anna.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '25:00', quietEnd: '07:00' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /<p class="field__error" id="quietStart-error"><span class="visually-hidden">[^<]+<\/span> Skriv ett klockslag som 21:00<\/p>/)
  t.match(bad.body, /id="quietStart" name="quietStart" type="text" value="25:00" autocomplete="off" aria-describedby="quietStart-hint quietStart-error" aria-invalid="true"/, 'what was typed is kept')
  t.match(bad.body, /id="quietEnd" name="quietEnd" type="text" value="07:00"/)
  t.match(bad.body, /<a href="#quietStart">Skriv ett klockslag som 21:00<\/a>/, 'in the error summary')
  t.match(await prefs(world.anna), { quiet_start: '22:15' }, 'nothing stored')

  const empty = await anna.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '', quietEnd: '07:00' })
  t.equal(empty.statusCode, 422)
  const same = await anna.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '07:00', quietEnd: '7:00' })
  t.equal(same.statusCode, 422, 'start == end while on')
  t.match(same.body, /Tysta till måste vara en annan tid än tysta från/)
  t.match(same.body, /id="quietOn" name="quietOn" value="on" checked/)
  const tampered = await anna.post('/settings/quiet-hours', { quietOn: 'yes please', quietStart: '21:00', quietEnd: '07:00' })
  t.equal(tampered.statusCode, 422, 'a checkbox value the form never sends')

  const off = await anna.post('/settings/quiet-hours', { quietStart: '21:00', quietEnd: '21:00' })
  t.equal(off.statusCode, 303, 'off: the times are kept, equal or not')
  t.match(await prefs(world.anna), { quiet_enabled: false })
  t.match((await anna.get('/settings')).body, /id="quietOn" name="quietOn" value="on">/, 'shown unticked')
  t.equal((await anna.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '21:00', quietEnd: '07:00' })).statusCode, 303, 'back to the defaults')

  const noCsrf = await anna.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '20:00', quietEnd: '07:00' }, { csrf: false })
  t.equal(noCsrf.statusCode, 403, 'CSRF protected')
  const anonymous = await app.inject({ method: 'POST', url: '/settings/quiet-hours', payload: 'quietStart=20:00&quietEnd=07:00', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.not(anonymous.statusCode, 303)
  t.match(await prefs(world.anna), { quiet_start: '21:00' })

  await db.updateTable('persons').set({ locale: 'en' }).where('id', '=', world.erik).execute()
  const erik = await loginAs(app, 'erik.lind')
  t.match((await erik.get('/settings')).body, /href="#quiet">Quiet hours and evening digest</)
  const en = await erik.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '21:00', quietEnd: 'seven' })
  t.equal(en.statusCode, 422)
  t.match(en.body, /<p class="field__error" id="quietEnd-error"><span class="visually-hidden">[^<]+<\/span> Enter a time of day like 21:00<\/p>/)
  t.match(en.body, /value="seven"/)
  t.match(en.body, /id="quietStart" name="quietStart" type="text" value="21:00"/)
  t.equal((await erik.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '21:00', quietEnd: '21:00' })).body.includes('Quiet until must be another time than quiet from'), true)
  await db.updateTable('persons').set({ locale: 'sv' }).where('id', '=', world.erik).execute()
})

t.test('the digest form: a time from the list, and an e-mail address to send it to', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  await anna.get('/settings')
  const bad = await anna.post('/settings/digest', { digestOn: 'on', digestTime: '18:15' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /id="digestTime-error"><span class="visually-hidden">[^<]+<\/span> Välj en tid i listan/)
  t.match(bad.body, /id="digestOn" name="digestOn" value="on" checked/, 'the tick is kept')
  const ok = await anna.post('/settings/digest', { digestOn: 'on', digestTime: '19:30' })
  t.equal(ok.statusCode, 303)
  const page = (await anna.get('/settings')).body
  t.match(page, /Kvällsbrevet är påslaget/)
  t.match(page, /<option value="19:30" selected>19:30<\/option>/)
  t.match(page, /id="digestOn" name="digestOn" value="on" checked/)
  t.equal((await anna.post('/settings/digest', { digestTime: '19:30' })).statusCode, 303, 'off again')
  t.match(await prefs(world.anna), { digest_enabled: false, digest_time: '19:30' })

  await db.updateTable('persons').set({ email: null }).where('id', '=', world.erik).execute()
  const erik = await loginAs(app, 'erik.lind')
  t.match((await erik.get('/settings')).body, /Kvällsbrevet skickas till din e-postadress, och du har ingen e-postadress i Hubben/, 'the setting says so')
  const none = await erik.post('/settings/digest', { digestOn: 'on', digestTime: '18:00' })
  t.equal(none.statusCode, 422)
  t.match(none.body, /id="digestOn-error"><span class="visually-hidden">[^<]+<\/span> Lägg till en e-postadress under Personlig information först/)
  t.equal(await prefs(world.erik), undefined, 'nothing stored')
  await db.updateTable('persons').set({ email: 'erik.lind@example.com' }).where('id', '=', world.erik).execute()
})

t.test('a push at 22:30 is held; the bell entry is not; at 07:00 one push for all, once, with two dispatchers', async (t) => {
  sent.length = 0
  clock.set('2026-12-01T22:30:00+01:00')
  const bellBefore = await bellCount(world.anna)
  await notice([world.anna, world.erik])
  // Two writers at once: the held row's lock orders them, the count is right.
  await Promise.all([
    db.transaction().execute((trx) => createNotifications(trx, { recipientIds: [world.anna], childId: world.elsa, area: 'information', kind: 'newsPublished', params: { title: 'Luciafirande' }, link: '/x', now: clock.now() })),
    db.transaction().execute((trx) => createNotifications(trx, { recipientIds: [world.anna], childId: world.olle, area: 'blog', kind: 'blogPosted', params: { title: 'Skogsdag' }, link: '/y', now: clock.now() })),
  ])
  t.equal(await bellCount(world.anna), bellBefore + 3, 'the bell has all three at once')
  await ctx.deliver()
  t.equal(sent.length, 0, 'nothing pushed in the night')
  const rows = await held()
  t.equal(rows.length, 1, 'one held push for anna\'s one device')
  t.match(rows[0]!.payload, { held: 3, body: '3 nya händelser i Hubben', title: 'Hubben', url: '/notifications', endpoint: 'https://push.example/anna' })
  t.equal(rows[0]!.next_attempt_at.toISOString(), '2026-12-02T06:00:00.000Z', 'due at 07:00 Stockholm')
  t.equal(rows[0]!.recipient_id, world.anna)

  clock.set('2026-12-02T06:59:00+01:00')
  await ctx.deliver()
  t.equal(sent.length, 0, 'not before the quiet hours end')
  clock.set('2026-12-02T07:00:00+01:00')
  const results = await Promise.all([dispatchDue(db, clock, ctx.channels, { channel: 'push' }), dispatchDue(db, clock, ctx.channels, { channel: 'push' })])
  t.equal(results[0].sent + results[1].sent, 1, 'one of the two dispatchers sent it')
  await Promise.all([ctx.deliver(), ctx.deliver()])
  t.equal(sent.length, 1, 'exactly one push')
  t.same(sent[0]!.body, { title: 'Hubben', body: '3 nya händelser i Hubben', url: '/notifications', tag: 'hubben-quiet', lang: 'sv' })
  t.equal((await held())[0]!.status, 'sent')

  await notice([world.anna])
  await ctx.deliver()
  t.equal(sent.length, 2, 'after the quiet hours a notice is pushed at once')
  t.equal(sent[1]!.body.body, 'Nytt meddelande från Karin Berg')
})

t.test('one notice in the night: singular, in the person\'s language; the next night is its own push', async (t) => {
  sent.length = 0
  await db.updateTable('persons').set({ locale: 'en' }).where('id', '=', world.anna).execute()
  clock.set('2026-12-02T23:10:00+01:00')
  await notice([world.anna])
  const row = (await held()).at(-1)!
  t.match(row.payload, { held: 1, body: '1 new notification in Hubben' })
  t.equal(row.next_attempt_at.toISOString(), '2026-12-03T06:00:00.000Z')
  clock.set('2026-12-03T01:00:00+01:00')
  await notice([world.anna])
  t.match((await held()).at(-1)!.payload, { held: 2, body: '2 new notifications in Hubben' }, 'after midnight: the same window')
  t.equal((await held()).length, 2, 'one row per night')
  clock.set('2026-12-03T07:00:00+01:00')
  await ctx.deliver()
  t.equal(sent.length, 1)
  t.equal(sent[0]!.body.body, '2 new notifications in Hubben')
  await db.updateTable('persons').set({ locale: 'sv' }).where('id', '=', world.anna).execute()
})

t.test('changing the quiet hours moves what is held; off means pushed at once', async (t) => {
  sent.length = 0
  clock.set('2026-12-03T22:00:00+01:00')
  const anna = await loginAs(app, 'anna.lind')
  await anna.get('/settings')
  await notice([world.anna])
  await ctx.deliver()
  t.equal(sent.length, 0)
  t.equal((await anna.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '21:00', quietEnd: '06:00' })).statusCode, 303)
  const moved = (await held()).at(-1)!
  t.equal(moved.next_attempt_at.toISOString(), '2026-12-04T05:00:00.000Z', 'now due at the new end, 06:00')
  await notice([world.anna])
  t.match((await held()).at(-1)!.payload, { held: 2 }, 'a later notice joins the moved push')
  t.equal((await held()).filter((r) => r.status === 'pending').length, 1)

  t.equal((await anna.post('/settings/quiet-hours', { quietStart: '21:00', quietEnd: '06:00' })).statusCode, 303, 'quiet hours off')
  await ctx.deliver()
  t.equal(sent.length, 1, 'what was held goes at once')
  t.equal(sent[0]!.body.body, '2 nya händelser i Hubben')
  await notice([world.anna])
  await ctx.deliver()
  t.equal(sent.length, 2, 'and new notices are pushed in the night')
  t.equal(sent[1]!.body.body, 'Nytt meddelande från Karin Berg')
  t.equal((await held()).filter((r) => r.status === 'pending').length, 0)
  await anna.post('/settings/quiet-hours', { quietOn: 'on', quietStart: '21:00', quietEnd: '07:00' })
})

t.test('e-mail and SMS are not held (quiet hours are for push only)', async (t) => {
  clock.set('2026-12-04T23:00:00+01:00')
  const before = ctx.mailer.sent.length
  const { enqueue } = await import('./outbox.js')
  await enqueue(db, { channel: 'email', payload: { to: 'anna.lind@example.com', subject: 'S', text: 'T' }, kind: 'test', recipientId: world.anna, now: clock.now() })
  await ctx.deliver()
  t.equal(ctx.mailer.sent.length, before + 1)
})
