import t from 'tap'
import { sql } from 'kysely'
import { fixedClock } from '../../src/clock.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { dispatchDue, enqueue, type Channel } from '../../src/notify/outbox.js'
import { freshDatabase } from '../helpers/app.js'

// Finding 9: a claimed batch must not outlive its lease. Two dispatchers share one outbox
// and a slow SMS gateway: every send takes 9 s (of the shared clock; below the SMS lane's
// timeout). Before the fix one dispatcher claimed 20 items under a 2-minute lease, the lease
// ran out after about 13 sends, and the other dispatcher sent the rest a second time.
const handle = await freshDatabase()
t.teardown(() => handle.close())
await migrateToLatest(handle.db)
const db = handle.db
const clock = fixedClock('2026-12-01T07:10:00+01:00')

const sent: string[] = []
const slowGateway: Channel = async (payload) => {
  await new Promise((r) => setTimeout(r, 5))
  clock.set(new Date(clock.now().getTime() + 9_000))
  sent.push(String(payload.to))
}

t.test('two dispatchers and a slow gateway: each SMS is sent once', async (t) => {
  const n = 30
  for (let i = 0; i < n; i++) {
    await enqueue(db, { channel: 'sms', payload: { to: `+4670${String(1000000 + i)}`, message: `Frånvaro ${i}` }, now: clock.now() })
  }
  const loop = async () => {
    for (let round = 0; round < 200; round++) {
      await dispatchDue(db, clock, { email: async () => {}, sms: slowGateway })
      const left = await db.selectFrom('outbox').select(sql<number>`count(*)`.as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()
      if (Number(left.n) === 0) return
      await new Promise((r) => setTimeout(r, 2))
    }
  }
  await Promise.all([loop(), loop()])
  const counts = new Map<string, number>()
  for (const to of sent) counts.set(to, (counts.get(to) ?? 0) + 1)
  const twice = [...counts].filter(([, c]) => c > 1)
  t.comment(`${sent.length} sends for ${n} SMS; the shared clock moved ${(clock.now().getTime() - Date.parse('2026-12-01T07:10:00+01:00')) / 1000} s`)
  t.equal(counts.size, n, 'every SMS was sent')
  t.same(twice, [], 'none was sent twice')
  const rows = await db.selectFrom('outbox').select(['status']).execute()
  t.ok(rows.every((r) => r.status === 'sent'), 'all rows are sent')
})
