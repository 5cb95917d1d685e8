import type { Kysely } from 'kysely'

// Web Push: one row per browser/device that turned push on, and per-area opt-outs.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('push_subscriptions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('push_subscriptions_person_idx').on('push_subscriptions').column('person_id').execute()

  await db.schema
    .createTable('notification_optouts')
    .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('area', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_optouts_pk', ['person_id', 'area'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['notification_optouts', 'push_subscriptions']) await db.schema.dropTable(t).ifExists().execute()
}
