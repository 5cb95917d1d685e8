import { sql, type Kysely } from 'kysely'

// Care schedules (fritidsschema, tidsregistrering): the times a child will be at
// fritids or preschool, one row per child and day; staff comments on a day; and a
// log of every guardian change (who and when), kept also for days that were removed.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('care_days')
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('starts_at', 'time', (c) => c.notNull())
    .addColumn('ends_at', 'time', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.check(sql`char_length(comment) between 1 and 500`))
    // The staff marker: a comment is new until a staff member opens the day.
    .addColumn('comment_changed_at', 'timestamptz')
    .addColumn('comment_seen_at', 'timestamptz')
    .addColumn('updated_by', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('care_days_pk', ['child_id', 'day'])
    .addCheckConstraint('care_days_order', sql`ends_at > starts_at`)
    .execute()
  // Staff views read one day (or week) for a whole group.
  await db.schema.createIndex('care_days_day_idx').on('care_days').columns(['day', 'child_id']).execute()
  await sql`create index care_days_unseen_idx on care_days (child_id, day) where comment is not null and comment_seen_at is null`.execute(db)

  await db.schema
    .createTable('care_staff_comments')
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 500`))
    .addColumn('author_id', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('care_staff_comments_pk', ['child_id', 'day'])
    .execute()

  await db.schema
    .createTable('care_day_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('set', 'removed')`))
    .addColumn('starts_at', 'time')
    .addColumn('ends_at', 'time')
    .addColumn('comment', 'text')
    .addColumn('changed_by', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('care_day_log_child_day_idx').on('care_day_log').columns(['child_id', 'day', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['care_day_log', 'care_staff_comments', 'care_days']) await db.schema.dropTable(t).ifExists().execute()
}
