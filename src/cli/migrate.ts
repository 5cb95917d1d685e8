import { loadConfig } from '../config.js'
import { openDatabase } from '../db/index.js'
import { migrateToLatest } from '../db/migrate.js'

const config = loadConfig()
const handle = await openDatabase(config)
try {
  const applied = await migrateToLatest(handle.db)
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
} finally {
  await handle.close()
}
