import t from 'tap'
import { buildTestApp, loginAs, TEST_NOW } from '../helpers/app.js'

// Finding 6: account changes with a stolen session. A new password ends the person's other
// sessions; a new e-mail address needs the current password, is confirmed from the new
// address (single use, expiring) and announced to the old one; a login lasts at most
// SESSION_MAX_HOURS (12) however active it is.
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const start = Date.parse(TEST_NOW)
const at = (ms: number) => ctx.clock.set(new Date(start + ms))
const HOUR = 3_600_000

t.test('changing the password ends the other sessions, not this one', async (t) => {
  at(0)
  const mine = await loginAs(ctx.app, 'anna.lind')
  const stolen = await loginAs(ctx.app, 'anna.lind')
  const other = await loginAs(ctx.app, 'karin.berg')
  t.equal((await stolen.get('/profile')).statusCode, 200, 'the other session works before')
  const res = await mine.post('/profile/password', { currentPassword: 'hubbendemo', newPassword: 'ett nytt långt lösen', newPasswordConfirm: 'ett nytt långt lösen' })
  t.equal(res.statusCode, 303)
  t.equal((await mine.get('/profile')).statusCode, 200, 'the session that changed it goes on')
  const after = await stolen.get('/profile')
  t.equal(after.statusCode, 303, 'the other session is over')
  t.match(after.headers.location, /^\/login/)
  t.equal((await other.get('/staff')).statusCode, 200, 'another person is not touched')
  // A wrong current password changes nothing and ends nothing.
  const third = await loginAs(ctx.app, 'anna.lind', 'ett nytt långt lösen')
  const bad = await mine.post('/profile/password', { currentPassword: 'fel', newPassword: 'x'.repeat(12), newPasswordConfirm: 'x'.repeat(12) })
  t.equal(bad.statusCode, 422)
  t.equal((await third.get('/profile')).statusCode, 200)
})

t.test('a session ends 12 hours after login however active it is; the idle limit still holds', async (t) => {
  at(0)
  const anna = await loginAs(ctx.app, 'karin.berg')
  for (let h = 1; h <= 11; h++) {
    at(h * HOUR)
    t.equal((await anna.get('/staff')).statusCode, 200, `still in after ${h} h of use`)
  }
  at(11 * HOUR + 50 * 60_000)
  t.equal((await anna.get('/staff')).statusCode, 200, 'in after 11 h 50 min')
  at(12 * HOUR + 60_000)
  const res = await anna.get('/staff')
  t.equal(res.statusCode, 303, 'out after 12 h')
  t.match(res.headers.location, /^\/login/)
  // Idle: two hours without a request.
  at(20 * HOUR)
  const idle = await loginAs(ctx.app, 'karin.berg')
  at(22 * HOUR + 60_000)
  t.equal((await idle.get('/staff')).statusCode, 303, 'out after two idle hours')
})

t.test('changing the e-mail address: current password, link to the new address, notice to the old', async (t) => {
  at(30 * HOUR)
  const karin = await loginAs(ctx.app, 'karin.berg')
  const old = 'karin.berg@solbacka.example'
  const email = () => ctx.db.selectFrom('persons').select('email').where('username', '=', 'karin.berg').executeTakeFirstOrThrow().then((r) => r.email)

  const missing = await karin.post('/settings/contact', { email: 'karin@evil.example', mobile: '070-111 22 33' })
  t.equal(missing.statusCode, 422, 'no password: refused')
  t.match(missing.body, /id="currentPassword-error"|currentPassword/)
  t.match(missing.body, /Skriv ditt nuvarande lösenord för att byta e-postadress/)
  t.match(missing.body, /value="karin@evil\.example"/, 'the typed address is kept')
  t.match(missing.body, /value="070-111 22 33"/, 'the typed number is kept')
  const wrong = await karin.post('/settings/contact', { email: 'karin@evil.example', mobile: '', currentPassword: 'gissning123' })
  t.equal(wrong.statusCode, 422, 'wrong password: refused')
  t.match(wrong.body, /Nuvarande lösenord stämmer inte/)
  t.equal(await email(), old)

  // The mobile number alone needs no password.
  t.equal((await karin.post('/settings/contact', { email: old, mobile: '070-111 22 33' })).statusCode, 303)

  const before = ctx.mailer.sent.length
  const ok = await karin.post('/settings/contact', { email: 'karin.ny@example.com', mobile: '070-111 22 33', currentPassword: 'hubbendemo' })
  t.equal(ok.statusCode, 303)
  t.match((await karin.get('/settings')).body, /Vi har skickat en länk till karin\.ny@example\.com/)
  t.equal(await email(), old, 'the address does not change before it is confirmed')
  await ctx.deliver()
  const mails = ctx.mailer.sent.slice(before)
  const toNew = mails.find((m) => m.to === 'karin.ny@example.com')
  const toOld = mails.find((m) => m.to === old)
  t.ok(toNew, 'a link goes to the new address')
  t.ok(toOld, 'a notice goes to the old address')
  t.match(toOld!.text, /karin\.ny@example\.com/)
  t.notMatch(toOld!.text, /\/settings\/email\/confirm\//, 'the old address never gets the link')
  const link = /\/settings\/email\/confirm\/[A-Za-z0-9_-]+/.exec(toNew!.text)![0]

  // A mail scanner opening the link changes nothing.
  const page = await karin.get(link)
  t.equal(page.statusCode, 200)
  t.equal(await email(), old, 'GET changes nothing')
  const confirm = await karin.post(link)
  t.equal(confirm.statusCode, 303)
  t.equal(await email(), 'karin.ny@example.com', 'confirmed: the address changed')
  t.equal((await karin.post(link)).statusCode, 410, 'the link works once')

  // Expiry: a link older than 24 hours changes nothing.
  const again = await karin.post('/settings/contact', { email: 'karin.tredje@example.com', mobile: '070-111 22 33', currentPassword: 'hubbendemo' })
  t.equal(again.statusCode, 303)
  await ctx.deliver()
  const link2 = /\/settings\/email\/confirm\/[A-Za-z0-9_-]+/.exec(ctx.mailer.sent.find((m) => m.to === 'karin.tredje@example.com')!.text)![0]
  at(30 * HOUR + 25 * HOUR)
  const late = await loginAs(ctx.app, 'karin.berg')
  t.equal((await late.post(link2)).statusCode, 410, 'expired')
  t.equal(await email(), 'karin.ny@example.com')
  t.equal((await late.post('/settings/email/confirm/not-a-real-token')).statusCode, 404)
})
