import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp, Client, loginAs } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'
import { smtpMailer } from '../../src/notify/mailer.js'
import { mailChannel } from '../../src/notify/outbox.js'
import { sendActivation } from '../../src/auth/service.js'

const smtp = await startSmtp()
const ctx = await buildTestApp({ channels: { email: mailChannel(smtpMailer(smtp.url, 'Hubben <no-reply@hubben.test>')) } })
t.teardown(async () => { await ctx.close(); await smtp.stop() })
const { app, db, clock, world } = ctx
const linkIn = (text: string) => /http:\/\/hubben\.test(\/\S+)/.exec(text)?.[1]

async function newGuardian(email: string) {
  const p = await db.insertInto('persons').values({
    role: 'guardian', given_name: 'Nora', family_name: 'Berg', email, mobile: null, personal_number: null, street: null,
    postal_code: null, city: null, address_edited_at: null, unit_id: null, username: null, password_hash: null, activated_at: null, external_id: null,
  }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('guardianships').values({ guardian_id: p.id, child_id: world.sam }).execute()
  return p.id
}

t.test('activation: an e-mailed single-use link, valid 14 days, sets username and password', async (t) => {
  await newGuardian('nora.berg@example.com')
  const sent = await sendActivation(db, clock, 'http://hubben.test', 'Nora.Berg@example.com')
  t.ok(sent.ok)
  await ctx.deliver()
  await smtp.waitFor(1)
  const mail = smtp.mails.at(-1)!
  t.same(mail.to, ['nora.berg@example.com'])
  t.equal(mail.subject, 'Aktivera ditt konto i Hubben')
  t.match(mail.text, /14 dagar/)
  const link = linkIn(mail.text)!
  t.match(link, /^\/activate\/[\w-]{30,}$/)

  const c = new Client(app)
  const page = await c.get(link)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Välkommen Nora/)

  const bad = await c.post(link, { username: 'maria.nilsson', password: 'short', passwordConfirm: 'other' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /Användarnamnet är upptaget/)
  t.match(bad.body, /minst 10 tecken/)
  t.match(bad.body, /value="maria.nilsson"/, 'typed username kept')
  t.match(bad.body, /href="#username"/, 'error summary links to the field')

  const ok = await c.post(link, { username: 'nora.berg', password: 'ett långt lösenord', passwordConfirm: 'ett långt lösenord' })
  t.equal(ok.statusCode, 303)
  const start = await c.get('/start')
  t.equal(start.headers.location, `/children/${world.sam}`, 'logged in at once')

  const used = await new Client(app).get(link)
  t.equal(used.statusCode, 410)
  t.match(used.body, /Länken är redan använd/)
  t.match(used.body, /Kontakta skolan/)
  const again = await new Client(app).post(link, { username: 'nora.b', password: 'ett långt lösenord', passwordConfirm: 'ett långt lösenord' })
  t.equal(again.statusCode, 410, 'a used link cannot activate twice')
  await loginAs(app, 'nora.berg', 'ett långt lösenord')
})

t.test('activation links expire after 14 days; a new one can be sent', async (t) => {
  await newGuardian('late@example.com')
  await sendActivation(db, clock, 'http://hubben.test', 'late@example.com')
  await ctx.deliver()
  await smtp.waitFor(2)
  const link = linkIn(smtp.mails.at(-1)!.text)!
  const start = clock.now()
  clock.set(new Date(start.getTime() + 13 * 86_400_000))
  t.equal((await new Client(app).get(link)).statusCode, 200, 'still valid on day 13')
  clock.set(new Date(start.getTime() + 14 * 86_400_000 + 1000))
  const expired = await new Client(app).get(link)
  t.equal(expired.statusCode, 410)
  t.match(expired.body, /Länken har gått ut/)
  const resent = await sendActivation(db, clock, 'http://hubben.test', 'late@example.com')
  t.ok(resent.ok)
  await ctx.deliver()
  await smtp.waitFor(3)
  const fresh = linkIn(smtp.mails.at(-1)!.text)!
  t.not(fresh, link)
  t.equal((await new Client(app).get(fresh)).statusCode, 200)
  clock.set(start)
  t.same(await sendActivation(db, clock, 'http://hubben.test', 'anna.lind@example.com'), { ok: false, reason: 'active' })
  t.same(await sendActivation(db, clock, 'http://hubben.test', 'nobody@example.com'), { ok: false, reason: 'unknown' })
  t.equal((await new Client(app).get('/activate/not-a-token')).statusCode, 404)
})

t.test('password reset: same answer for any address, a one-hour single-use link', async (t) => {
  const before = smtp.mails.length
  const c = new Client(app)
  const unknown = await c.post('/password/forgot', { email: 'nobody@example.com' })
  const known = await c.post('/password/forgot', { email: 'erik.lind@example.com' })
  t.equal(unknown.statusCode, 200)
  t.equal(known.statusCode, 200)
  t.equal(unknown.body.replace(/nobody@example\.com/g, 'X').replace(/value="[^"]*"/g, ''), known.body.replace(/erik\.lind@example\.com/g, 'X').replace(/value="[^"]*"/g, ''), 'the page does not tell whether the address exists')
  const empty = await c.post('/password/forgot', { email: '' })
  t.equal(empty.statusCode, 422)
  await ctx.deliver()
  await smtp.waitFor(before + 1)
  t.equal(smtp.mails.length, before + 1, 'one mail, to the known address')
  const mail = smtp.mails.at(-1)!
  t.same(mail.to, ['erik.lind@example.com'])
  const link = linkIn(mail.text)!
  t.match(link, /^\/password\/reset\//)
  t.equal((await new Client(app).get(link)).statusCode, 200)
  const mismatch = await new Client(app).post(link, { password: 'ett nytt lösenord', passwordConfirm: 'ett annat lösenord' })
  t.equal(mismatch.statusCode, 422)
  t.match(mismatch.body, /Lösenorden är inte likadana/)
  const erik = await loginAs(app, 'erik.lind')
  const done = await new Client(app).post(link, { password: 'ett nytt lösenord', passwordConfirm: 'ett nytt lösenord' })
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, '/login?reset=1')
  t.equal((await erik.get('/profile')).statusCode, 303, 'other sessions end with a new password')
  t.equal((await new Client(app).get(link)).statusCode, 410, 'single use')
  await loginAs(app, 'erik.lind', 'ett nytt lösenord')

  await c.post('/password/forgot', { email: 'erik.lind@example.com' })
  await ctx.deliver()
  await smtp.waitFor(before + 2)
  const late = linkIn(smtp.mails.at(-1)!.text)!
  const start = clock.now()
  clock.set(new Date(start.getTime() + 61 * 60_000))
  t.equal((await new Client(app).get(late)).statusCode, 410, 'expired after an hour')
  clock.set(start)
})

t.test('repeated failures are throttled per account, with the same generic wording', async (t) => {
  const c = new Client(app)
  for (let i = 0; i < 5; i++) {
    t.equal((await c.post('/login', { username: 'per.holm', password: `wrong-${i}` })).statusCode, 422)
  }
  const blocked = await c.post('/login', { username: 'per.holm', password: 'hubbendemo' })
  t.equal(blocked.statusCode, 429, 'even the right password waits')
  t.match(blocked.body, /För många misslyckade försök/)
  const other = await c.post('/login', { username: 'lena.ek', password: 'hubbendemo' })
  t.equal(other.statusCode, 303, 'other accounts are not affected')
  const start = clock.now()
  clock.set(new Date(start.getTime() + 16 * 60_000))
  t.equal((await new Client(app).post('/login', { username: 'per.holm', password: 'hubbendemo' })).statusCode, 303, 'the window passes')
  clock.set(start)
})

t.test('throttled per address across accounts', async (t) => {
  await db.deleteFrom('login_failures').execute()
  const c = new Client(app)
  for (let i = 0; i < 30; i++) await c.post('/login', { username: `probe${i}`, password: 'x' })
  t.equal((await c.post('/login', { username: 'johan.ek', password: 'hubbendemo' })).statusCode, 429)
  await db.deleteFrom('login_failures').execute()
})

t.test('profile: unique username, password needs the current one', async (t) => {
  const erik = await loginAs(app, 'erik.lind', 'ett nytt lösenord')
  const taken = await erik.post('/profile/username', { username: 'ANNA.LIND' })
  t.equal(taken.statusCode, 422)
  t.match(taken.body, /upptaget/)
  t.match(taken.body, /value="ANNA.LIND"/)
  const badFormat = await erik.post('/profile/username', { username: 'a b' })
  t.equal(badFormat.statusCode, 422)
  const ok = await erik.post('/profile/username', { username: 'erik.l' })
  t.equal(ok.statusCode, 303)
  const wrongCurrent = await erik.post('/profile/password', { currentPassword: 'nope', newPassword: 'ett tredje lösenord', newPasswordConfirm: 'ett tredje lösenord' })
  t.equal(wrongCurrent.statusCode, 422)
  t.match(wrongCurrent.body, /Nuvarande lösenord stämmer inte/)
  t.equal((await erik.post('/profile/password', { currentPassword: 'ett nytt lösenord', newPassword: 'ett tredje lösenord', newPasswordConfirm: 'ett tredje lösenord' })).statusCode, 303)
  await loginAs(app, 'erik.l', 'ett tredje lösenord')
  const row = await db.selectFrom('persons').select(sql<string>`left(password_hash, 9)`.as('h')).where('id', '=', world.erik).executeTakeFirstOrThrow()
  t.equal(row.h, '$argon2id', 'argon2id hashes')
})

t.test('settings: language applies at once; contact details validated', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  t.equal((await anna.post('/settings/language', { locale: 'en' })).statusCode, 303)
  const en = await anna.get('/settings')
  t.match(en.body, /<html lang="en">/)
  t.match(en.body, /Account settings/)
  t.equal((await anna.post('/settings/language', { locale: 'de' })).statusCode, 422)
  await anna.post('/settings/language', { locale: 'sv' })
  const bad = await anna.post('/settings/contact', { email: 'not-an-address', mobile: '12' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /value="not-an-address"/)
  t.match(bad.body, /svenskt mobilnummer/)
  // A new e-mail address needs the current password and is confirmed from the new address (test/hardening/account-changes.test.ts).
  t.equal((await anna.post('/settings/contact', { email: 'anna@example.org', mobile: '070-123 45 67' })).statusCode, 422)
  t.equal((await anna.post('/settings/contact', { email: 'anna@example.org', mobile: '070-123 45 67', currentPassword: 'hubbendemo' })).statusCode, 303)
  const row = await db.selectFrom('persons').select(['email', 'mobile']).where('id', '=', world.anna).executeTakeFirstOrThrow()
  t.same(row, { email: 'anna.lind@example.com', mobile: '+46701234567' }, 'the number is saved, the address waits for its confirmation')
  const addr = await anna.post('/settings/address', { street: 'Nygatan 1', postalCode: '12', city: '' })
  t.equal(addr.statusCode, 422)
  t.match(addr.body, /fem siffror/)
  t.match((await anna.get('/settings')).body, /Skatteverket/, 'the page says the nightly transfer overwrites the address')
})

t.test('an admin sends a new activation link from the staff area; others cannot', async (t) => {
  await newGuardian('invited@example.com')
  const admin = await loginAs(app, 'admin')
  t.match((await admin.get('/staff')).body, /href="\/staff\/admin\/invite"/)
  const bad = await admin.post('/staff/admin/invite', { email: 'erik.lind@example.com' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /redan aktiverat/)
  const before = smtp.mails.length
  const ok = await admin.post('/staff/admin/invite', { email: 'invited@example.com' })
  t.equal(ok.statusCode, 303)
  await ctx.deliver()
  await smtp.waitFor(before + 1)
  t.match(smtp.mails.at(-1)!.text, /\/activate\//)
  const karin = await loginAs(app, 'karin.berg')
  t.notMatch((await karin.get('/staff')).body, /\/staff\/admin\/invite|\/staff\/outbox/, 'admin links only for admins')
  t.equal((await karin.get('/staff/admin/invite')).statusCode, 404)
  t.equal((await karin.post('/staff/admin/invite', { email: 'invited@example.com' })).statusCode, 404)
})

t.test('two pages opened together right after login both give forms that work (the CSRF secret is made at login)', async (t) => {
  const c = new Client(app)
  await c.get('/login')
  t.equal((await c.post('/login', { username: 'maria.nilsson', password: 'hubbendemo' })).statusCode, 303)
  // Two tabs, opened at the same moment, before any page of the new session was seen.
  const a = new Client(app)
  const b = new Client(app)
  a.cookie = b.cookie = c.cookie
  await Promise.all([a.get('/profile'), b.get('/profile')])
  t.ok(a.csrf && b.csrf)
  t.equal(a.cookie, b.cookie, 'the session cookie did not change')
  t.equal((await a.post('/logout')).statusCode, 303, 'the first tab\'s form is accepted')
})
