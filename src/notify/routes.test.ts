import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp, Client, loginAs } from '../../test/helpers/app.js'
import { createNotifications } from './notifications.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, clock, world } = ctx

t.test('the bell page lists notifications per child, newest first; opening one marks it read and follows it', async (t) => {
  const at = (min: number) => new Date(clock.now().getTime() + min * 60_000)
  await createNotifications(db, { recipientIds: [world.anna], childId: world.olle, area: 'messages', kind: 'messageReceived', params: { from: 'Johan Ek' }, link: `/children/${world.olle}/messages`, now: at(1) })
  await createNotifications(db, { recipientIds: [world.anna], childId: world.elsa, area: 'messages', kind: 'messageReceived', params: { from: 'Per Holm' }, link: `/children/${world.elsa}/messages`, now: at(2) })
  await createNotifications(db, { recipientIds: [world.anna], childId: null, area: 'information', kind: 'messageReceived', params: { from: 'Skolan' }, link: '/start', now: at(0) })
  await createNotifications(db, { recipientIds: [world.maria], childId: world.sam, area: 'messages', kind: 'messageReceived', params: { from: 'Karin Berg' }, link: `/children/${world.sam}/messages`, now: at(3) })

  const anna = await loginAs(app, 'anna.lind')
  const page = await anna.get('/notifications')
  t.equal(page.statusCode, 200)
  t.match(page.body, /4 nya notiser/, 'the demo reply plus three new')
  const headings = [...page.body.matchAll(/<h2 id="bell-group-\d+">([^<]+)</g)].map((m) => m[1])
  t.same(headings, ['Elsa Lind', 'Olle Lind', 'Allmänt'], 'per child, the newest first')
  const elsaItems = [...page.body.split('Olle Lind</h2>')[0]!.matchAll(/Nytt meddelande från ([\w ]+)</g)].map((m) => m[1])
  t.same(elsaItems, ['Per Holm', 'Karin Berg'], 'newest first within the child')
  t.notMatch(page.body, /Sam Nilsson/, 'only one\'s own')

  const perId = (await db.selectFrom('notifications').select('id').where('recipient_id', '=', world.anna).where(sql<string>`params->>'from'`, '=', 'Per Holm').executeTakeFirstOrThrow()).id
  const open = await anna.get(`/notifications/${perId}`)
  t.equal(open.statusCode, 303)
  t.equal(open.headers.location, `/children/${world.elsa}/messages`)
  t.match((await anna.get('/notifications')).body, /3 nya notiser/)
  const again = await anna.get(`/notifications/${perId}`)
  t.equal(again.statusCode, 303, 'opening it again still follows it')

  const mariaId = (await db.selectFrom('notifications').select('id').where('recipient_id', '=', world.maria).executeTakeFirstOrThrow()).id
  t.equal((await anna.get(`/notifications/${mariaId}`)).statusCode, 404, 'another person\'s notification')
  t.equal((await anna.get('/notifications/abc')).statusCode, 404)

  const all = await anna.post('/notifications/read')
  t.equal(all.statusCode, 303)
  const after = await anna.get('/notifications')
  t.match(after.body, /Alla notiser är markerade som lästa/)
  t.match(after.body, /0 nya notiser/)
  t.notMatch(after.body, /class="badge">Ny</)
  const maria = await loginAs(app, 'maria.nilsson')
  t.match((await maria.get('/notifications')).body, /1 ny notis/, 'marking all read touched only anna\'s')
})

t.test('empty state, and the page needs a login', async (t) => {
  const per = await loginAs(app, 'per.holm')
  const page = await per.get('/notifications')
  t.match(page.body, /Du har inga notiser/)
  const visitor = new Client(app)
  const res = await visitor.get('/notifications')
  t.equal(res.statusCode, 303)
  t.match(res.headers.location as string, /^\/login\?next=/)
})
