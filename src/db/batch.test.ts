import t from 'tap'
import { sql } from 'kysely'
import { freshDatabase } from '../../test/helpers/app.js'
import { queryCounter } from './index.js'
import { together } from './batch.js'

t.test('reads that run side by side go to the database as one statement, with their own rows', async (t) => {
  const handle = await freshDatabase()
  t.teardown(() => handle.close())
  const { db } = handle
  const store = { count: 0 }
  const [a, b, c] = await queryCounter.run(store, () => together<unknown>(db, [
    async (d) => (await d.selectNoFrom([sql<number>`${2}::integer * 21`.as('n')]).executeTakeFirstOrThrow()).n,
    async (d) => (await d.selectNoFrom([sql<Date>`${'2026-12-01T06:10:00Z'}::timestamptz`.as('at'), sql<string>`${'2026-12-01'}::date`.as('day')]).executeTakeFirstOrThrow()),
    async (d) => (await sql<{ x: string }>`select x from (values ('b'), ('a'), ('c')) v(x) order by x`.execute(d)).rows.map((r) => r.x),
  ]))
  t.equal(store.count, 1, 'three reads, one statement')
  t.same(a, { status: 'fulfilled', value: 42 })
  const second = (b as PromiseFulfilledResult<{ at: Date; day: string }>).value
  t.ok(second.at instanceof Date, 'a timestamp arrives as a Date, as in a plain read')
  t.equal(second.at.toISOString(), '2026-12-01T06:10:00.000Z')
  t.equal(second.day, '2026-12-01', 'a date stays a calendar date')
  t.same(c, { status: 'fulfilled', value: ['a', 'b', 'c'] }, 'rows keep their order')
})

t.test('a broken read fails alone; a read after another waits for the next round; writes are not batched', async (t) => {
  const handle = await freshDatabase()
  t.teardown(() => handle.close())
  const { db } = handle
  const store = { count: 0 }
  const results = await queryCounter.run(store, () => together<unknown>(db, [
    async (d) => (await sql<{ n: number }>`select 1 as n`.execute(d)).rows[0]!.n,
    async (d) => (await sql`select * from no_such_table`.execute(d)).rows,
    async (d) => {
      const first = (await sql<{ n: number }>`select 2 as n`.execute(d)).rows[0]!.n
      return first + (await sql<{ n: number }>`select 3 as n`.execute(d)).rows[0]!.n
    },
  ]))
  t.same(results[0], { status: 'fulfilled', value: 1 })
  t.equal(results[1]!.status, 'rejected', 'the broken read is rejected')
  t.same(results[2], { status: 'fulfilled', value: 5 }, 'the second read of a function runs in the next round')
  t.ok(store.count <= 5, `${store.count} statements: the failed round read again one by one, then the next round`)
  await t.rejects(together(db, [(d) => d.transaction().execute(async () => 1)]).then((r) => {
    if (r[0]!.status === 'rejected') throw r[0]!.reason
  }), /cannot open a transaction/)
})
