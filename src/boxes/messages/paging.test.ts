import t from 'tap'
import { buildTestApp, loginAs } from '../../../test/helpers/app.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx

t.test('a long conversation shows its newest messages and links to older ones', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const inbox = await anna.get(`/children/${world.elsa}/messages`)
  const href = new RegExp(`href="(/children/${world.elsa}/messages/(\\d+))"`).exec(inbox.body)
  t.ok(href, 'the demo conversation is listed')
  const conversationId = Number(href![2])
  const start = ctx.clock.now().getTime()
  await db.insertInto('messages').values(Array.from({ length: 100 }, (_, i) => ({
    conversation_id: conversationId, author_id: i % 2 ? world.anna : world.karin, body: `Meddelande nummer ${i + 1}.`, created_at: new Date(start + i * 60_000),
  }))).execute()

  const newest = await anna.get(href![1])
  t.equal(newest.statusCode, 200)
  t.equal((newest.body.match(/<article class="card"/g) ?? []).length, 30, 'one page of messages')
  t.match(newest.body, /Meddelande nummer 100\./)
  t.notMatch(newest.body, /Meddelande nummer 70\./)
  const older = /href="([^"]+\?before=\d+)">Visa äldre meddelanden/.exec(newest.body)
  t.ok(older, 'a link to older messages')
  const page2 = await anna.get(older![1].replace(/&amp;/g, '&'))
  t.equal(page2.statusCode, 200)
  t.match(page2.body, /Meddelande nummer 70\./)
  t.notMatch(page2.body, /Meddelande nummer 71\./)

  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(`/children/${world.sam}/messages/${conversationId}?before=999999`)).statusCode, 404, 'another family still gets 404')
  t.equal((await anna.get(`${href![1]}?before=abc`)).statusCode, 200, 'a malformed cursor shows the newest page')
})
