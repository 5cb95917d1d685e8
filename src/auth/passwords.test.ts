import t from 'tap'
import { hashPassword, hashing, verifyPassword } from './passwords.js'

t.test('at most the limit of hashes run at once; the rest wait their turn and all finish', async (t) => {
  const { limit } = hashing()
  t.ok(limit >= 1)
  const all = Array.from({ length: limit + 3 }, (_, i) => hashPassword(`lösenord nummer ${i}`))
  t.equal(hashing().running, limit, 'the limit runs')
  t.equal(hashing().waiting, 3, 'the rest wait')
  const hashes = await Promise.all(all)
  t.same(hashing(), { limit, running: 0, waiting: 0 }, 'nothing left running or waiting')
  t.equal(await verifyPassword(hashes[2]!, 'lösenord nummer 2'), true)
  t.equal(await verifyPassword(hashes[2]!, 'lösenord nummer 3'), false)
  t.equal(await verifyPassword(null, 'whatever'), false, 'an unknown account costs the same and fails')
  t.same(hashing(), { limit, running: 0, waiting: 0 })
})
