import t from 'tap'
import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, loginAs, Client, type TestContext } from '../helpers/app.js'
import { openPostgres } from '../../src/db/index.js'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { mailChannel } from '../../src/notify/outbox.js'
import { AccessCache } from '../../src/web/access-cache.js'

// Sessions, child-access facts and the bar's counts in memory (src/web/access-cache.ts),
// kept exact by NOTIFY: in one instance (PGlite or PostgreSQL) and across two instances on
// one PostgreSQL database (only with DATABASE_URL).

const queries = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-hubben-queries'])
const bell = (html: string) => Number(/href="\/notifications">.*?<span class="bar__count" aria-hidden="true">(\d+)</s.exec(html)?.[1] ?? NaN)
const envelope = (html: string) => Number(/<\/span><\/a><\/li>\s*<li><a class="bar__item" href="[^"]*">.*?<span class="bar__count" aria-hidden="true">(\d+)</s.exec(html)?.[1] ?? NaN)

/** Polls until `ok` (at most `ms`); returns how long it took, or Infinity. */
async function within(ms: number, ok: () => Promise<boolean>): Promise<number> {
  const start = Date.now()
  for (;;) {
    if (await ok()) return Date.now() - start
    if (Date.now() - start > ms) return Infinity
    await new Promise((r) => setTimeout(r, 20))
  }
}

t.test('the cache itself: a read older than a notice is not stored; lost listening trusts nothing', async (t) => {
  const c = new AccessCache()
  const actor = { id: 7, role: 'guardian' as const, givenName: 'A', familyName: 'B', username: 'a', locale: 'sv' as const, email: null, mobile: null }
  c.putSession('s1', { personId: 7, data: '{}', expires: 2000, actor }, c.mark())
  t.equal(c.session('s1', 1000), undefined, 'nothing is kept before listening is active')
  c.ready()
  const before = c.mark()
  c.notice('s:7')
  c.putSession('s1', { personId: 7, data: '{}', expires: 2000, actor }, before)
  t.equal(c.session('s1', 1000), undefined, 'a read that started before the notice is not kept')
  c.putSession('s1', { personId: 7, data: '{}', expires: 2000, actor }, c.mark())
  t.ok(c.session('s1', 1000), 'a read after it is')
  t.equal(c.session('s1', 2000), undefined, 'an expired session is gone (idle expiry from the cached expiry)')
  c.putSession('s1', { personId: 7, data: '{}', expires: 2000, actor }, c.mark())
  c.putChild(7, 9, null, c.mark())
  t.equal(c.child(7, 9), null, 'a refusal is kept too')
  c.notice('p:9')
  t.equal(c.child(7, 9), undefined, 'a notice about the child drops facts about it')
  c.putBarCounts(7, { messages: 1 }, c.mark())
  c.notice('c:7')
  t.equal(c.barCounts(7), undefined)
  t.ok(c.session('s1', 1000), 'a count notice leaves the session')
  c.lost()
  t.equal(c.session('s1', 1000), undefined, 'lost listening: nothing is trusted')
  c.ready()
  t.equal(c.session('s1', 1000), undefined, 'and listening again starts empty')
  c.putSession('s1', { personId: 7, data: '{}', expires: 2000, actor }, c.mark())
  c.notice('garbage')
  t.equal(c.session('s1', 1000), undefined, 'an unreadable notice drops everything')
})

t.test('one instance: a guardian page is one statement, and every change is seen', async (t) => {
  const ctx = await buildTestApp({ accessCache: true })
  t.teardown(() => ctx.close())
  const { world, db } = ctx
  // On PGlite the notice arrives before the writing statement returns: at once. On PostgreSQL
  // a moment after the commit (the rule: within a second).
  const pglite = !process.env.DATABASE_URL
  const seen = async (what: string, get: () => Promise<unknown>, want: unknown) => {
    if (pglite) return t.equal(await get(), want, `${what} (at once)`)
    const ms = await within(1000, async () => (await get()) === want)
    t.ok(ms <= 1000, `${what} (after ${ms} ms)`)
  }
  const anna = await loginAs(ctx.app, 'anna.lind')
  const page = `/children/${world.elsa}/messages`
  // The first visit remembers the child in the session (a save: its notice empties the
  // session's entry), the second reads it again, the third is served from memory.
  // (On PostgreSQL that notice arrives a moment later: a few more visits may read again.)
  t.equal((await anna.get(page)).statusCode, 200)
  let again = await anna.get(page)
  t.ok(await within(1000, async () => queries(again = await anna.get(page)) === 1) <= 1000, 'then only the page\'s own statement')
  t.equal(again.statusCode, 200)
  const n = bell(again.body)
  t.ok(Number.isFinite(n), 'the bell\'s count is on the page')

  // The bell: a new notification is counted at once.
  await db.insertInto('notifications').values({
    recipient_id: world.anna, child_id: world.elsa, area: 'messages', kind: 'messageReceived', params: JSON.stringify({ from: 'Karin Berg' }),
    link: `/children/${world.elsa}/messages`, created_at: ctx.clock.now(),
  } as never).execute()
  await seen('a new notification shows on the bell', async () => bell((await anna.get(page)).body), n + 1)
  await db.updateTable('notifications').set({ read_at: ctx.clock.now() }).where('recipient_id', '=', world.anna).execute()
  await seen('read notifications leave the bell', async () => bell((await anna.get(page)).body), 0)

  // Messages: what the envelope counts changes.
  const before = envelope((await anna.get(page)).body)
  await sql`update conversation_participants set unread_count = unread_count + 2
    where person_id = ${world.anna} and conversation_id = (select min(conversation_id) from conversation_participants where person_id = ${world.anna})`.execute(db)
  await seen('unread messages show on the envelope', async () => envelope((await anna.get(page)).body), before + 2)

  // A removed guardianship: the child is gone.
  await db.deleteFrom('guardianships').where('guardian_id', '=', world.anna).where('child_id', '=', world.elsa).execute()
  await seen('no longer a guardian: 404', async () => (await anna.get(page)).statusCode, 404)
  await db.insertInto('guardianships').values({ guardian_id: world.anna, child_id: world.elsa }).execute()
  await seen('a guardian again: the page', async () => (await anna.get(page)).statusCode, 200)

  // A password changed in another session ends this one.
  const other = await loginAs(ctx.app, 'anna.lind')
  t.equal((await anna.get(page)).statusCode, 200)
  const changed = await other.post('/profile/password', { currentPassword: 'hubbendemo', newPassword: 'ett nytt lösenord 42', newPasswordConfirm: 'ett nytt lösenord 42' })
  t.equal(changed.statusCode, 303)
  const refused = await anna.get(page)
  t.equal(refused.statusCode, 303, 'the other session is refused')
  t.match(refused.headers.location, /^\/login/)
  t.equal((await other.get(page)).statusCode, 200, 'the session it was changed in stays')

  // Idle expiry from the cached expiry.
  t.equal((await other.get(page)).statusCode, 200)
  ctx.clock.set(new Date(ctx.clock.now().getTime() + 24 * 3_600_000))
  t.equal((await other.get(page)).statusCode, 303, 'an idle session ends though it is in memory')
})

async function secondInstance(ctx: TestContext): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const { rows: [row] } = await sql<{ name: string }>`select current_database() as name`.execute(ctx.db)
  const url = new URL(process.env.DATABASE_URL!)
  url.pathname = `/${row!.name}`
  const handle = await openPostgres(url.toString(), 5)
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/hubben-test-unused', BASE_URL: 'http://hubben.test' })
  const app = await buildApp({ config, db: handle.db, clock: ctx.clock, mailer: ctx.mailer, channels: { email: mailChannel(ctx.mailer) }, changes: handle.changes })
  await app.ready()
  return { app, async close() { await app.close(); await handle.close() } }
}

/** The same browser on the other instance: the same cookie. */
function sameBrowser(app: FastifyInstance, c: Client): Client {
  const b = new Client(app)
  b.cookie = c.cookie
  b.csrf = c.csrf
  return b
}

t.test('two instances on one PostgreSQL: a session ended on one is refused on the other within a second', { skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL (PostgreSQL): two instances share one database' }, async (t) => {
  const ctx = await buildTestApp({ accessCache: true })
  const b = await secondInstance(ctx)
  t.teardown(async () => { await b.close(); await ctx.close() })
  const { world, db } = ctx
  const page = `/children/${world.elsa}/messages`
  const refusedOnB = (c: Client) => async () => { const r = await c.get(page); return r.statusCode === 303 || r.statusCode === 404 }
  const warm = async (c: Client) => {
    t.equal((await c.get(page)).statusCode, 200)
    t.ok(await within(1000, async () => queries(await c.get(page)) === 1) <= 1000, 'B serves the page from memory: one statement')
  }

  // Logout on A.
  const a1 = await loginAs(ctx.app, 'anna.lind')
  const b1 = sameBrowser(b.app, a1)
  await warm(b1)
  t.equal((await a1.post('/logout')).statusCode, 303)
  t.ok((await within(1000, refusedOnB(b1))) <= 1000, 'logout on A: refused on B within a second')

  // A password change on A ends the other sessions on B.
  const a2 = await loginAs(ctx.app, 'anna.lind')
  const other = await loginAs(ctx.app, 'anna.lind')
  const b2 = sameBrowser(b.app, other)
  await warm(b2)
  t.equal((await a2.post('/profile/password', { currentPassword: 'hubbendemo', newPassword: 'ett nytt lösenord 42', newPasswordConfirm: 'ett nytt lösenord 42' })).statusCode, 303)
  t.ok((await within(1000, refusedOnB(b2))) <= 1000, 'password changed on A: refused on B within a second')

  // Deactivation (as the import and the staff area do it: the person and their sessions).
  const e1 = await loginAs(ctx.app, 'erik.lind')
  const be = sameBrowser(b.app, e1)
  await warm(be)
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('persons').set({ deactivated_at: ctx.clock.now(), password_hash: null }).where('id', '=', world.erik).execute()
    await trx.deleteFrom('sessions').where(sql<boolean>`(data->>'personId')::int = ${world.erik}`).execute()
  })
  t.ok((await within(1000, refusedOnB(be))) <= 1000, 'deactivated: refused on B within a second')

  // A removed guardianship: the child's pages are 404 on B.
  const a3 = await loginAs(ctx.app, 'anna.lind', 'ett nytt lösenord 42')
  const b3 = sameBrowser(b.app, a3)
  await warm(b3)
  await db.deleteFrom('guardianships').where('guardian_id', '=', world.anna).where('child_id', '=', world.elsa).execute()
  t.ok((await within(1000, async () => (await b3.get(page)).statusCode === 404)) <= 1000, 'guardianship removed: 404 on B within a second')
  await db.insertInto('guardianships').values({ guardian_id: world.anna, child_id: world.elsa }).execute()
  t.ok((await within(1000, async () => (await b3.get(page)).statusCode === 200)) <= 1000, 'and back')

  // The bar's counts on B after a change made elsewhere.
  const n = bell((await b3.get(page)).body)
  await db.insertInto('notifications').values({
    recipient_id: world.anna, child_id: world.elsa, area: 'messages', kind: 'messageReceived', params: JSON.stringify({ from: 'Karin Berg' }),
    link: `/children/${world.elsa}/messages`, created_at: ctx.clock.now(),
  } as never).execute()
  t.ok((await within(1000, async () => bell((await b3.get(page)).body) === n + 1)) <= 1000, 'a new notification on B within a second')

  // The listening connection lost: B trusts nothing until it listens again.
  await warm(b3)
  await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'hubben-listener'`.execute(db)
  t.ok((await within(1000, async () => !b.app.accessCache.trusted)) <= 1000, 'B notices the lost connection')
  const uncached = await b3.get(page)
  t.equal(uncached.statusCode, 200)
  t.ok(queries(uncached) >= 2 || b.app.accessCache.trusted, 'meanwhile the session is read from the database')
  t.ok((await within(5000, async () => b.app.accessCache.trusted)) < Infinity, 'and listens again')
})
