import t from 'tap'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'
import { createNotifications } from './notifications.js'
import { sendEveningDigests } from './digest.js'
import { notify } from './index.js'

// The evening digest: chosen time in Stockholm, once a day with several instances, titles and
// counts but never a message's text, nothing when nothing is new.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, clock, world } = ctx
const opts = { baseUrl: 'https://hubben.example' }
const run = () => sendEveningDigests(db, clock, opts)
const digests = () => db.selectFrom('outbox').select(['id', 'payload', 'dedupe_key', 'recipient_id', 'status']).where('kind', '=', 'digest').orderBy('id').execute()
const news = (title: string, childId: number, recipients = [world.anna]) => createNotifications(db, {
  recipientIds: recipients, childId, area: 'information', kind: 'newsPublished', params: { title }, link: `/children/${childId}/information/1`, now: clock.now(),
})

t.test('turned on in settings: sent at the chosen Stockholm time, once with two instances, with titles, counts and links', async (t) => {
  t.equal(notify.housekeeping, sendEveningDigests, 'run by the housekeeping on every instance')
  const anna = await loginAs(app, 'anna.lind')
  await anna.get('/settings')
  t.equal((await anna.post('/settings/digest', { digestOn: 'on', digestTime: '18:00' })).statusCode, 303)
  t.equal(await run(), 0, '07:10: not yet')

  // The demo's answer from Karin (a real message, with its text) is already in Anna's bell.
  const message = await db.selectFrom('messages').select('body').where('body', 'like', 'Hej Anna!%').executeTakeFirstOrThrow()
  t.match(message.body, /Skolan ordnar lunch/)
  clock.set('2026-12-01T12:00:00+01:00')
  await news('Luciafirande i aulan', world.elsa)
  await news('Skogsdag på fredag', world.olle)
  await news('Föräldramöte', world.olle)

  clock.set('2026-12-01T16:59:00Z') // 17:59 in Stockholm
  t.equal(await run(), 0, '17:59 in Stockholm: not yet')
  clock.set('2026-12-01T17:00:00Z') // 18:00 in Stockholm
  const [a, b] = await Promise.all([run(), run()])
  t.equal(a + b, 1, 'two instances at once: one digest')
  t.equal(await run(), 0, 'and not again')
  clock.set('2026-12-01T21:50:00+01:00')
  await news('Sent i kväll', world.elsa)
  t.equal(await run(), 0, 'later the same evening: not again (it waits for tomorrow\'s)')

  const rows = await digests()
  t.equal(rows.length, 1)
  t.equal(rows[0]!.dedupe_key, `digest:${world.anna}:2026-12-01`)
  t.equal(rows[0]!.recipient_id, world.anna)
  const mail = rows[0]!.payload as { to: string; subject: string; text: string }
  t.equal(mail.to, 'anna.lind@example.com')
  t.equal(mail.subject, 'Kvällsbrev från Hubben: 4 nya händelser')
  t.match(mail.text, /^Hej Anna!/)
  t.match(mail.text, /Elsa Lind: 2 nya, 2 olästa\n  Meddelanden 1 · Information 1\n/, 'per child: counts per area')
  t.match(mail.text, /Olle Lind: 2 nya, 2 olästa\n  Information 2\n/)
  t.match(mail.text, `  - Nytt meddelande från Karin Berg\n    https://hubben.example/children/${world.elsa}/messages/`, 'titles with links')
  t.match(mail.text, `  - Ny nyhet: Luciafirande i aulan\n    https://hubben.example/children/${world.elsa}/information/1`)
  t.match(mail.text, /Ny nyhet: Skogsdag på fredag/)
  t.ok(mail.text.indexOf('Elsa Lind') < mail.text.indexOf('Olle Lind'), 'children by name')
  t.notMatch(mail.text, /Skolan ordnar lunch|frukt|vattenflaska/, 'never a message\'s text')
  t.notMatch(mail.text, /Sent i kväll/, 'only what came before the digest')
  t.match(mail.text, 'https://hubben.example/settings#quiet', 'where to change or turn it off')
  t.notMatch(mail.text, /<[a-z]/, 'plain text')

  await ctx.deliver()
  t.equal(ctx.mailer.sent.filter((m) => m.subject.startsWith('Kvällsbrev')).length, 1, 'delivered once')
  t.equal((await digests())[0]!.status, 'sent')
})

t.test('the next day: only what is new since the last digest; nothing new, nothing sent', async (t) => {
  clock.set('2026-12-02T18:05:00+01:00')
  t.equal(await run(), 1, 'yesterday evening\'s notice')
  const mail = (await digests()).at(-1)!.payload as { subject: string; text: string }
  t.equal(mail.subject, 'Kvällsbrev från Hubben: 1 ny händelse')
  t.match(mail.text, /Elsa Lind: 1 ny, 1 oläst/)
  t.match(mail.text, /Sent i kväll/)
  t.notMatch(mail.text, /Luciafirande/, 'not again')

  clock.set('2026-12-03T18:00:00+01:00')
  const before = (await digests()).length
  t.equal(await run(), 0, 'nothing new: no e-mail')
  t.equal((await digests()).length, before)
  clock.set('2026-12-03T19:00:00+01:00')
  await news('Efter kvällsbrevet', world.elsa)
  t.equal(await run(), 0, 'today is decided even when nothing was sent')
  clock.set('2026-12-04T18:00:00+01:00')
  t.equal(await run(), 1)
  t.match(((await digests()).at(-1)!.payload as { text: string }).text, /Efter kvällsbrevet/, 'nothing is lost: it comes the next day')
})

t.test('other people: off by default, no e-mail address, English, another time; never another family\'s notices', async (t) => {
  clock.set('2026-12-05T12:00:00+01:00')
  await news('Bara för Maria', world.sam, [world.maria])
  await news('För familjen Lind', world.elsa, [world.anna, world.erik])
  clock.set('2026-12-05T22:00:00+01:00')
  const before = (await digests()).length
  await run()
  const fresh = (await digests()).slice(before)
  t.same(fresh.map((d) => d.recipient_id), [world.anna], 'erik and maria have not asked for it')
  t.notMatch((fresh[0]!.payload as { text: string }).text, /Bara för Maria/)

  await db.insertInto('notify_preferences').values([
    { person_id: world.erik, digest_enabled: true, digest_time: '19:00', updated_at: clock.now() },
    { person_id: world.maria, digest_enabled: true, digest_time: '20:00', updated_at: clock.now() },
  ]).execute()
  await db.updateTable('persons').set({ email: null }).where('id', '=', world.erik).execute()
  await db.updateTable('persons').set({ locale: 'en' }).where('id', '=', world.maria).execute()
  clock.set('2026-12-06T19:30:00+01:00')
  await news('Söndag', world.elsa, [world.erik])
  await news('Sunday news', world.sam, [world.maria])
  t.equal(await run(), 0, 'erik has no e-mail address; maria\'s time (20:00) has not come')
  clock.set('2026-12-06T20:00:00+01:00')
  t.equal(await run(), 1)
  const mail = (await digests()).at(-1)!.payload as { to: string; subject: string; text: string }
  t.equal(mail.to, 'maria.nilsson@example.com')
  t.equal(mail.subject, 'Evening digest from Hubben: 1 new notification')
  t.match(mail.text, /^Hello Maria,/)
  t.match(mail.text, `Sam Nilsson: 1 new, 1 unread\n  Information 1\n  - News: Sunday news\n    https://hubben.example/children/${world.sam}/information/1`)
  t.match(mail.text, /turn it off here: https:\/\/hubben\.example\/settings#quiet/)
  t.notMatch(mail.text, /Söndag/, 'only her own notices')
  await db.updateTable('persons').set({ email: 'erik.lind@example.com', locale: 'sv' }).where('id', '=', world.erik).execute()
})
