import t from 'tap'
import { sql } from 'kysely'
import { gzipSync } from 'node:zlib'
import { buildTestApp, loginAs } from '../../../test/helpers/app.js'

/**
 * Query budget: an inbox page costs the same number of SQL statements with 10 and with
 * 1,000 conversations (counted by queryCounter, reported in x-hubben-queries).
 */
const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world, clock } = ctx
const queries = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-hubben-queries'])

/** Adds conversations between anna and karin about Elsa (two messages each, every other one unread), in bulk. */
async function addConversations(n: number) {
  const now = clock.now()
  await sql`
    with c as (
      insert into conversations (child_id, title, created_by, created_at, last_message_at)
      select ${world.elsa}::int, 'Samtal ' || g, ${world.anna}::int, ${now}::timestamptz - (g || ' minutes')::interval, ${now}::timestamptz - (g || ' minutes')::interval
      from generate_series(1, ${n}::int) g
      returning id
    ), p as (
      insert into conversation_participants (conversation_id, person_id, side, unread_count)
      select id, ${world.anna}::int, 'family', case when id % 2 = 0 then 1 else 0 end from c
      union all select id, ${world.karin}::int, 'staff', 0 from c
    )
    insert into messages (conversation_id, author_id, body, created_at)
    select id, ${world.anna}::int, 'Fråga', ${now}::timestamptz from c
    union all select id, ${world.karin}::int, 'Svar', ${now}::timestamptz from c`.execute(db)
}
const total = async () => Number((await db.selectFrom('conversations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

t.test('inbox pages: the same number of queries with 10 and with 1,000 conversations', async (t) => {
  await addConversations(10 - (await total()))
  t.equal(await total(), 10)
  const anna = await loginAs(app, 'anna.lind')
  const karin = await loginAs(app, 'karin.berg')
  const measure = async () => {
    // Writing conversations tells the access cache to read these people again once: count a second visit.
    for (const url of [`/children/${world.elsa}/messages`, `/children/${world.elsa}/messages?page=2`]) await anna.get(url)
    await karin.get('/staff/messages')
    const g = await anna.get(`/children/${world.elsa}/messages`)
    const s = await karin.get('/staff/messages')
    const g2 = await anna.get(`/children/${world.elsa}/messages?page=2`)
    t.equal(g.statusCode, 200)
    t.equal(s.statusCode, 200)
    return { guardian: queries(g), staff: queries(s), guardianPage2: queries(g2), html: gzipSync(g.body).length, rows: (g.body.match(/class="choice"/g) ?? []).length }
  }
  const small = await measure()
  await addConversations(990)
  t.equal(await total(), 1000)
  const big = await measure()
  t.comment(`guardian inbox: ${small.guardian} queries at 10 conversations, ${big.guardian} at 1,000 (${big.rows} shown per page, ${big.html} B gzipped)`)
  t.comment(`staff inbox: ${small.staff} queries at 10 conversations, ${big.staff} at 1,000`)
  t.equal(big.guardian, small.guardian, 'guardian inbox: flat')
  t.equal(big.staff, small.staff, 'staff inbox: flat')
  t.equal(big.guardianPage2, small.guardianPage2, 'a later page: flat')
  t.ok(big.guardian <= 12, `a small budget (${big.guardian})`)
  t.equal(big.rows, 25, 'one page of 25')
  const res = await anna.get(`/children/${world.elsa}/messages`)
  t.match(res.body, /Äldre samtal/, 'a link to older conversations')
  t.match((await anna.get('/settings')).body, /Meddelanden, 501 olästa/, 'the envelope is exact: 500 unread plus the demo reply')
})
