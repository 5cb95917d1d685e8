import t from 'tap'
import { buildTestApp, loginAs, type Client } from '../../../test/helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx

/** The envelope's count as the bar says it to screen readers. */
function envelope(body: string): number {
  const m = /Meddelanden, (\d+) olästa?/.exec(body)
  if (!m) throw new Error('no envelope in the bar')
  return Number(m[1])
}
function bell(body: string): number {
  const m = /(\d+) nya? notis(?:er)?/.exec(body)
  if (!m) throw new Error('no bell in the bar')
  return Number(m[1])
}
async function counts(c: Client, url = '/settings') {
  const res = await c.get(url)
  return { envelope: envelope(res.body), bell: bell(res.body) }
}
const demoConversation = async () =>
  (await db.selectFrom('conversations').select('id').where('title', '=', 'Utflykten på torsdag').executeTakeFirstOrThrow()).id
const conversationCount = async () => Number((await db.selectFrom('conversations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
const messageCount = async () => Number((await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
const keyOf = (body: string) => /name="key" value="([^"]+)"/.exec(body)![1]!
const emails = () => db.selectFrom('outbox').select(['payload', 'dedupe_key']).where('channel', '=', 'email').orderBy('id').execute()

t.test('demo: anna.lind has an unread reply from karin.berg about Elsa', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const start = await anna.get(`/children/${world.elsa}`)
  t.match(start.body, /1 oläst meddelande/, 'the tile says one unread')
  t.equal(envelope(start.body), 1, 'the envelope counts one')
  t.equal(bell(start.body), 1, 'the bell has the notification')
  const inbox = await anna.get(`/children/${world.elsa}/messages`)
  t.equal(inbox.statusCode, 200)
  t.match(inbox.body, /Utflykten på torsdag/)
  t.match(inbox.body, /Med Karin Berg/)
  t.match(inbox.body, /Senast från Karin Berg/)
  t.match(inbox.body, /class="badge">1 oläst</)
  t.notMatch(inbox.body, /Du har också olästa/, 'no unread about Olle')
  const olle = await anna.get(`/children/${world.olle}/messages`)
  t.match(olle.body, /Du har också olästa meddelanden om/, 'Olle\'s inbox points to the unread message about Elsa')
  t.match(olle.body, new RegExp(`href="/children/${world.elsa}/messages"`))
})

t.test('reading marks read: envelope and bell drop, exactly', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const id = await demoConversation()
  const page = await anna.get(`/children/${world.elsa}/messages/${id}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /ta gärna med en frukt/)
  t.match(page.body, /Elsa undrar om/)
  t.match(page.body, /<h2[^>]*>Svara</)
  t.equal(envelope(page.body), 0, 'the envelope is 0 on the page that read it')
  t.equal(bell(page.body), 0, 'the notification pointing here is read too')
  t.same(await counts(anna), { envelope: 0, bell: 0 })
  const karin = await loginAs(app, 'karin.berg')
  t.equal((await counts(karin, '/staff')).envelope, 0, 'karin has read her own reply')
})

t.test('another family and other staff cannot read the conversation', async (t) => {
  const id = await demoConversation()
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(`/children/${world.elsa}/messages`)).statusCode, 404, 'not her child')
  t.equal((await maria.get(`/children/${world.elsa}/messages/${id}`)).statusCode, 404)
  t.equal((await maria.get(`/children/${world.sam}/messages/${id}`)).statusCode, 404, 'her own child in the URL does not help')
  t.equal((await maria.post(`/children/${world.sam}/messages/${id}/replies`, { body: 'Hej' })).statusCode, 404, 'nor does replying')
  const erik = await loginAs(app, 'erik.lind')
  t.equal((await erik.get(`/children/${world.elsa}/messages/${id}`)).statusCode, 404, 'the other guardian is not a participant')
  t.notMatch((await erik.get(`/children/${world.elsa}/messages`)).body, /Utflykten/)
  t.equal((await erik.get(`/children/${world.olle}/messages/${id}`)).statusCode, 404, 'the right family, the wrong child')
  const johan = await loginAs(app, 'johan.ek')
  t.equal((await johan.get(`/staff/messages/${id}`)).statusCode, 404, 'staff of the other unit')
  t.equal((await johan.post(`/staff/messages/${id}/replies`, { body: 'Hej' })).statusCode, 404)
  const per = await loginAs(app, 'per.holm')
  t.equal((await per.get(`/staff/messages/${id}`)).statusCode, 404, 'staff of the unit who are not in the conversation')
  t.equal((await per.get('/staff/messages/abc')).statusCode, 404)
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get(`/children/${world.elsa}/messages/${id}`)).statusCode, 404, 'the pupil does not read her guardian\'s conversation')
  t.notMatch((await elsa.get(`/children/${world.elsa}/messages`)).body, /Utflykten/, 'nor sees it in her inbox')
  t.equal((await elsa.get(`/staff/messages`)).statusCode, 404, 'pupils have no staff area')
})

t.test('new message: Till lists only staff connected to the child, with a reminder', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const form = await anna.get(`/children/${world.elsa}/messages/new`)
  t.equal(form.statusCode, 200)
  for (const id of [world.karin, world.per, world.lena]) t.match(form.body, new RegExp(`name="to" value="${id}"`))
  t.notMatch(form.body, new RegExp(`name="to" value="${world.johan}"`), 'not the preschool\'s staff')
  t.match(form.body, /Karin Berg <span class="muted">– mentor, 4B/)
  t.match(form.body, /Lena Ek <span class="muted">– fritids, Fritids Solbacka/)
  t.match(form.body, /Tänk på att välja all personal som berörs/)
  t.match(form.body, /<legend>Till<\/legend>/)
  t.match(form.body, /Titel/)
  t.match(form.body, />Skicka</)
  const olle = await anna.get(`/children/${world.olle}/messages/new`)
  t.match(olle.body, new RegExp(`name="to" value="${world.johan}"`), 'Olle\'s preschool staff')
  t.notMatch(olle.body, new RegExp(`name="to" value="${world.karin}"`))
  const pre = await anna.get(`/children/${world.elsa}/messages/new?to=${world.per}`)
  t.match(pre.body, new RegExp(`value="${world.per}" checked`), 'a link can preselect a recipient')
})

t.test('a recipient outside the child\'s staff is refused (422), never dropped', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const before = await conversationCount()
  const form = await anna.get(`/children/${world.elsa}/messages/new`)
  for (const to of [[String(world.karin), String(world.johan)], [String(world.johan)], [String(world.maria)], [String(world.elsa)], ['999999'], ['abc']]) {
    const res = await anna.post(`/children/${world.elsa}/messages`, { to, title: 'Hej', body: 'Text som ska finnas kvar', key: keyOf(form.body) })
    t.equal(res.statusCode, 422, `to=${to.join(',')}`)
    t.match(res.body, /Du kan bara skriva till personal som arbetar med barnet/)
    t.match(res.body, /href="#to"/, 'the error summary links to the field')
    t.match(res.body, /value="Hej"/, 'the title is kept')
    t.match(res.body, />Text som ska finnas kvar</, 'the text is kept')
  }
  t.equal(await conversationCount(), before, 'nothing was created')
})

t.test('bad input: 422 with the message at each field and what was typed kept', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.post(`/children/${world.elsa}/messages`, { to: [String(world.karin)], title: '', body: '' })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Något behöver rättas/)
  t.match(res.body, /id="title-error"/)
  t.match(res.body, /id="body-error"/)
  t.match(res.body, /Fyll i fältet/)
  t.match(res.body, new RegExp(`value="${world.karin}" checked`), 'the chosen recipient stays chosen')
  const none = await anna.post(`/children/${world.elsa}/messages`, { title: 'Titel kvar', body: 'Text' })
  t.equal(none.statusCode, 422)
  t.match(none.body, /Välj minst en mottagare/)
  t.match(none.body, /value="Titel kvar"/)
  const long = await anna.post(`/children/${world.elsa}/messages`, { to: [String(world.karin)], title: 'x'.repeat(201), body: 'Text' })
  t.equal(long.statusCode, 422)
  t.match(long.body, /Skriv högst 200 tecken/)
  const reply = await anna.post(`/children/${world.elsa}/messages/${await demoConversation()}/replies`, { body: '   ' })
  t.equal(reply.statusCode, 422)
  t.match(reply.body, /id="body-error"/)
})

let newConversation = 0
t.test('anna writes to two staff: both get it unread and an e-mail notice without the content', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const mailsBefore = (await emails()).length
  const form = await anna.get(`/children/${world.elsa}/messages/new`)
  const key = keyOf(form.body)
  const fields = { to: [String(world.karin), String(world.per)], title: 'Tandläkartid fredag', body: 'Elsa går hem kl 13 på fredag för tandläkarbesök.', key }
  const res = await anna.post(`/children/${world.elsa}/messages`, fields)
  t.equal(res.statusCode, 303)
  const m = new RegExp(`^/children/${world.elsa}/messages/(\\d+)$`).exec(res.headers.location as string)
  t.ok(m, 'redirects to the conversation')
  newConversation = Number(m![1])

  const before = await conversationCount()
  const again = await anna.post(`/children/${world.elsa}/messages`, fields)
  t.equal(again.statusCode, 303, 'a double submit lands on the same conversation')
  t.equal(again.headers.location, res.headers.location)
  t.equal(await conversationCount(), before, 'and creates nothing twice')

  const mails = (await emails()).slice(mailsBefore)
  t.equal(mails.length, 2, 'one notice per staff recipient, none twice')
  const to = mails.map((r) => (r.payload as { to: string }).to).sort()
  t.same(to, ['karin.berg@solbacka.example', 'per.holm@solbacka.example'])
  for (const r of mails) {
    const p = r.payload as { subject: string; text: string }
    t.match(p.text, new RegExp(`http://hubben.test/staff/messages/${newConversation}`), 'the notice links to the conversation')
    t.notMatch(p.text, /tandläkar/i, 'no content in the notice')
    t.notMatch(p.subject, /tandläkar/i, 'not even the title')
  }
  await ctx.deliver()
  t.equal(ctx.mailer.sent.filter((s) => /staff\/messages\/\d+/.test(s.text)).length, 2, 'delivered')

  const karin = await loginAs(app, 'karin.berg')
  const staffInbox = await karin.get('/staff/messages')
  t.match(staffInbox.body, /Tandläkartid fredag/)
  t.match(staffInbox.body, /Om Elsa Lind/)
  t.equal(envelope(staffInbox.body), 1)
  const per = await loginAs(app, 'per.holm')
  t.equal((await counts(per, '/staff')).envelope, 1)
  t.equal(envelope((await anna.get('/settings')).body), 0, 'the writer has nothing unread')
})

t.test('staff reply: the guardian gets a bell notification, the other staff an e-mail, unread counts exact', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const page = await karin.get(`/staff/messages/${newConversation}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Elsa går hem kl 13/)
  t.equal(envelope(page.body), 0, 'reading marks read for karin')
  const mailsBefore = (await emails()).length
  const key = keyOf(page.body)
  const res = await karin.post(`/staff/messages/${newConversation}/replies`, { body: 'Tack, det noterar jag.', key })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/staff/messages/${newConversation}#latest`)
  const n = await messageCount()
  const twice = await karin.post(`/staff/messages/${newConversation}/replies`, { body: 'Tack, det noterar jag.', key })
  t.equal(twice.statusCode, 303)
  t.equal(await messageCount(), n, 'a double submitted reply is stored once')

  const mails = (await emails()).slice(mailsBefore)
  t.same(mails.map((r) => (r.payload as { to: string }).to), ['per.holm@solbacka.example'], 'per (staff) gets a notice; anna does not get e-mail')

  const anna = await loginAs(app, 'anna.lind')
  t.same(await counts(anna), { envelope: 1, bell: 1 })
  const bellPage = await anna.get('/notifications')
  t.match(bellPage.body, /Nytt meddelande från Karin Berg/)
  t.match(bellPage.body, /<h2[^>]*>Elsa Lind</)
  const per = await loginAs(app, 'per.holm')
  t.equal((await counts(per, '/staff')).envelope, 2, 'per: the first message and the reply')

  const read = await anna.get(`/children/${world.elsa}/messages/${newConversation}`)
  t.match(read.body, /Tack, det noterar jag/)
  t.same(await counts(anna), { envelope: 0, bell: 0 }, 'reading the conversation reads its notification too')
  const reply = await anna.post(`/children/${world.elsa}/messages/${newConversation}/replies`, { body: 'Bra, tack!', key: keyOf(read.body) })
  t.equal(reply.statusCode, 303)
  t.equal((await counts(karin, '/staff')).envelope, 1, 'karin: one unread answer')
  t.equal((await counts(per, '/staff')).envelope, 3, 'per: three unread')
})

t.test('the pupil sees only her own conversations', async (t) => {
  const elsa = await loginAs(app, 'elsa.lind')
  const form = await elsa.get(`/children/${world.elsa}/messages/new`)
  t.equal(form.statusCode, 200)
  const res = await elsa.post(`/children/${world.elsa}/messages`, { to: [String(world.lena)], title: 'Fritids i morgon', body: 'Jag går hem själv i morgon.', key: keyOf(form.body) })
  t.equal(res.statusCode, 303)
  const inbox = await elsa.get(`/children/${world.elsa}/messages`)
  t.match(inbox.body, /Fritids i morgon/)
  t.notMatch(inbox.body, /Tandläkartid|Utflykten/, 'not her guardian\'s conversations')
  t.equal((await elsa.get(`/children/${world.elsa}/messages/${newConversation}`)).statusCode, 404)
  t.equal((await elsa.get(`/children/${world.sam}/messages`)).statusCode, 404, 'not another pupil')
  const anna = await loginAs(app, 'anna.lind')
  t.notMatch((await anna.get(`/children/${world.elsa}/messages`)).body, /Fritids i morgon/, 'nor does her guardian see the pupil\'s')
  const lena = await loginAs(app, 'lena.ek')
  const lenaInbox = await lena.get('/staff/messages')
  t.match(lenaInbox.body, /Fritids i morgon/)
  t.match(lenaInbox.body, /Med Elsa Lind/)
})

t.test('staff write to a whole group: one conversation per family', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const form = await karin.get('/staff/messages/new')
  t.equal(form.statusCode, 200)
  t.match(form.body, new RegExp(`value="group:${world.class4B}"`))
  t.match(form.body, new RegExp(`value="child:${world.elsa}"`))
  t.notMatch(form.body, new RegExp(`value="group:${world.blaklockan}"`), 'not the preschool\'s groups')
  const before = await conversationCount()
  const fields = { to: `group:${world.class4B}`, title: 'Föräldramöte', body: 'Välkomna på föräldramöte tisdag kl 18.', key: keyOf(form.body) }
  const res = await karin.post('/staff/messages', fields)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/staff/messages')
  t.equal(await conversationCount(), before + 2, 'Elsa\'s family and Sam\'s family')
  await karin.post('/staff/messages', fields)
  t.equal(await conversationCount(), before + 2, 'a double submit creates nothing twice')
  const flash = await karin.get('/staff/messages')
  t.match(flash.body, /skickat till 2 familjer/)

  const anna = await loginAs(app, 'anna.lind')
  const erik = await loginAs(app, 'erik.lind')
  const maria = await loginAs(app, 'maria.nilsson')
  for (const [who, c, child] of [['anna', anna, world.elsa], ['erik', erik, world.elsa], ['maria', maria, world.sam]] as const) {
    const inbox = await c.get(`/children/${child}/messages`)
    t.match(inbox.body, /Föräldramöte/, `${who} has it`)
    t.equal(bell(inbox.body), 1, `${who} got a notification`)
  }
  const mariaInbox = await maria.get(`/children/${world.sam}/messages`)
  t.notMatch(mariaInbox.body, /Anna Lind|Erik Lind/, 'families do not see each other')
  const mariaConv = /href="(\/children\/\d+\/messages\/\d+)"/.exec(mariaInbox.body)![1]!
  t.equal((await anna.get(mariaConv.replace(String(world.sam), String(world.elsa)))).statusCode, 404, 'anna cannot open Sam\'s family conversation')

  const one = await karin.post('/staff/messages', { to: `child:${world.sam}`, title: 'Om Sam', body: 'Hej Maria!', key: 'key-for-sam-only' })
  t.equal(one.statusCode, 303)
  t.match(one.headers.location as string, /^\/staff\/messages\/\d+$/)
})

t.test('staff cannot write outside their units; bad staff input is 422 with values kept', async (t) => {
  const johan = await loginAs(app, 'johan.ek')
  const before = await conversationCount()
  for (const to of [`group:${world.class4B}`, `child:${world.elsa}`, 'child:999999', 'person:1']) {
    const res = await johan.post('/staff/messages', { to, title: 'Hej', body: 'Text kvar' })
    t.equal(res.statusCode, 422, to)
    t.match(res.body, /Text kvar/)
  }
  const empty = await johan.post('/staff/messages', { to: '', title: 'Titel kvar', body: '' })
  t.equal(empty.statusCode, 422)
  t.match(empty.body, /Välj vilka vårdnadshavare/)
  t.match(empty.body, /value="Titel kvar"/)
  t.equal(await conversationCount(), before)
  const ok = await johan.post('/staff/messages', { to: `child:${world.olle}`, title: 'Olles mössa', body: 'Olle har glömt sin mössa.' })
  t.equal(ok.statusCode, 303, 'his own unit\'s child is fine')
  const anna = await loginAs(app, 'anna.lind')
  t.match((await anna.get(`/children/${world.olle}/messages`)).body, /Olles mössa/)
  const guardian = await anna.get('/staff/messages/new')
  t.equal(guardian.statusCode, 404, 'guardians have no staff area')
})

t.test('staff following a child link are sent to their own area', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const res = await karin.get(`/children/${world.elsa}/messages/new`)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/staff/messages/new?child=${world.elsa}`)
  const form = await karin.get(res.headers.location as string)
  t.match(form.body, new RegExp(`value="child:${world.elsa}" selected`))
  const inbox = await karin.get(`/children/${world.elsa}/messages`)
  t.equal(inbox.statusCode, 200)
  t.match(inbox.body, /href="\/staff\/messages\/\d+"/, 'links go to the staff pages')
})

t.test('two identical submits racing each other create one conversation and one reply', async (t) => {
  const maria = await loginAs(app, 'maria.nilsson')
  const form = await maria.get(`/children/${world.sam}/messages/new`)
  const fields = { to: [String(world.karin)], title: 'Samtidigt', body: 'Dubbelklick', key: keyOf(form.body) }
  const before = await conversationCount()
  const [a, b] = await Promise.all([maria.post(`/children/${world.sam}/messages`, fields), maria.post(`/children/${world.sam}/messages`, fields)])
  t.same([a.statusCode, b.statusCode], [303, 303])
  t.equal(a.headers.location, b.headers.location, 'both land on the same conversation')
  t.equal(await conversationCount(), before + 1)
  const page = await maria.get(a.headers.location as string)
  const reply = { body: 'Ett svar', key: keyOf(page.body) }
  const messagesBefore = await messageCount()
  await Promise.all([maria.post(`${a.headers.location}/replies`, reply), maria.post(`${a.headers.location}/replies`, reply)])
  t.equal(await messageCount(), messagesBefore + 1)
  const karinUnread = await db.selectFrom('conversation_participants').select('unread_count')
    .where('person_id', '=', world.karin).where('conversation_id', '=', Number(/(\d+)$/.exec(a.headers.location as string)![1])).executeTakeFirstOrThrow()
  t.equal(karinUnread.unread_count, 2, 'karin: the first message and one reply, counted once each')
})
