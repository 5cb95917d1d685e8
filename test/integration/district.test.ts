import t from 'tap'
import { sql } from 'kysely'
import { migrateToLatest } from '../../src/db/migrate.js'
import { DISTRICT_NOW, seedDistrict } from '../../src/demo/district.js'
import { BOXES } from '../../src/boxes/index.js'
import { freshDatabase } from '../helpers/app.js'

// The benchmark's district (npm run seed:district), small: every box gets content, and what
// the seeder sets by hand where triggers would be slow at a city's size agrees with the triggers.
t.test('a small district: every box filled and consistent', async (t) => {
  const handle = await freshDatabase()
  t.teardown(() => handle.close())
  const { db } = handle
  await migrateToLatest(db)
  // Two lanes on PostgreSQL, as the command runs it; one on PGlite.
  const summary = await seedDistrict(db, { pupils: 300, seed: 7, now: new Date(DISTRICT_NOW), passwordHash: 'x', lanes: process.env.DATABASE_URL ? 2 : 1 })
  t.equal(summary.pupils, 300)
  t.ok(summary.families > 150 && summary.families <= 300, `families: ${summary.families}`)
  for (const box of BOXES) {
    for (const table of box.district?.tables ?? []) {
      // Files and links are the demo world's (the district has news only).
      if (table === 'info_files' || table === 'info_links') continue
      t.ok(summary.rows[table]! > 0, `${box.key}: ${table} has rows (${summary.rows[table]})`)
    }
  }
  const stale = await sql<{ n: number }>`
    select count(*)::int as n from conversation_participants cp join conversations c on c.id = cp.conversation_id
    where cp.last_message_at is distinct from c.last_message_at`.execute(db)
  t.equal(stale.rows[0]!.n, 0, 'every participant\'s copy of last_message_at is the conversation\'s')
  const last = await sql<{ n: number }>`
    select count(*)::int as n from conversations c
    where c.last_message_at is distinct from (select max(created_at) from messages m where m.conversation_id = c.id)`.execute(db)
  t.equal(last.rows[0]!.n, 0, 'a conversation\'s last_message_at is its last message\'s')
  const orphans = await sql<{ n: number }>`
    select count(*)::int as n from persons c where c.role = 'child' and not exists (select 1 from guardianships g where g.child_id = c.id)`.execute(db)
  t.equal(orphans.rows[0]!.n, 0, 'every child has guardians')
  // The trigger is on again after the seeder: a new message's time reaches the participants.
  const conv = (await db.selectFrom('conversations').select('id').orderBy('id').executeTakeFirstOrThrow()).id
  await db.updateTable('conversations').set({ last_message_at: new Date('2026-12-01T09:00:00Z') }).where('id', '=', conv).execute()
  const copies = await db.selectFrom('conversation_participants').select('last_message_at').where('conversation_id', '=', conv).execute()
  t.ok(copies.length > 0 && copies.every((c) => new Date(c.last_message_at as unknown as string).toISOString() === '2026-12-01T09:00:00.000Z'), 'the trigger works again')
})
