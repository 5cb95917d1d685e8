import { sql, type Kysely } from 'kysely'

// Quiet hours and the evening digest (issue 18): one row per person who changed a default.
// No row means the defaults: quiet hours on, 21:00-07:00 Stockholm time; no digest.
// digest_last_date is the Stockholm date whose digest was decided (sent, or nothing new);
// digest_since the instant that digest covered up to (the next one starts there).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notify_preferences')
    .addColumn('person_id', 'integer', (c) => c.primaryKey().references('persons.id').onDelete('cascade'))
    .addColumn('quiet_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('quiet_start', 'text', (c) => c.notNull().defaultTo('21:00'))
    .addColumn('quiet_end', 'text', (c) => c.notNull().defaultTo('07:00'))
    .addColumn('digest_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('digest_time', 'text', (c) => c.notNull().defaultTo('18:00'))
    .addColumn('digest_last_date', 'date')
    .addColumn('digest_since', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('notify_preferences_times', sql`quiet_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and quiet_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and digest_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`)
    .execute()
  // The digest's housekeeping looks only at the people who want one.
  await sql`create index notify_preferences_digest_idx on notify_preferences (digest_time) where digest_enabled`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notify_preferences').ifExists().execute()
}
