import t from 'tap'
import { sql } from 'kysely'
import { freshDatabase } from '../../test/helpers/app.js'
import { compiledOnce } from './compiled.js'

t.test('a query compiled once runs with each call\'s values, constants kept', async (t) => {
  const handle = await freshDatabase()
  t.teardown(() => handle.close())
  const { db } = handle
  let builds = 0
  const read = compiledOnce((db, a: number, b: string) => {
    builds++
    return db.selectNoFrom([sql<number>`${a}::integer + 1`.as('n'), sql<string>`${b}::text || ${'!'}::text`.as('s')])
  }, 2)
  t.same((await read(db, 1, 'hej')).rows, [{ n: 2, s: 'hej!' }])
  t.same((await read(db, 41, 'då')).rows, [{ n: 42, s: 'då!' }])
  t.equal(builds, 1, 'built and compiled once')
})
