import { sql, type Kysely } from 'kysely'

// The timetable: recurring weekly lessons per group, with dated exceptions.
// Shaped after SS 12000: a lesson row is an "activity" taught to a group on a weekday
// (external_id holds the activity's id), an exception is a "calendar event" that
// differs from the pattern (external_id holds the event's id). Times are Stockholm
// wall-clock times, so a lesson stays at 08:10 across daylight-saving changes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('timetable_lessons')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('weekday', 'smallint', (c) => c.notNull().check(sql`weekday between 1 and 7`))
    .addColumn('starts_at', 'time', (c) => c.notNull())
    .addColumn('ends_at', 'time', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    // Skolverket's subject code (SVE, MA, EN, ...) when the import knows it.
    .addColumn('subject_code', 'text')
    .addColumn('teacher_id', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('room', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_to', 'date')
    .addColumn('external_id', 'text', (c) => c.unique())
    .addCheckConstraint('timetable_lessons_times', sql`ends_at > starts_at`)
    .addCheckConstraint('timetable_lessons_validity', sql`valid_to is null or valid_to >= valid_from`)
    .execute()
  await db.schema.createIndex('timetable_lessons_group_idx').on('timetable_lessons').columns(['group_id', 'weekday']).execute()

  await db.schema
    .createTable('timetable_exceptions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('timetable_lessons.id').onDelete('cascade'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('cancelled', 'boolean', (c) => c.notNull().defaultTo(false))
    // Null means "as planned"; a value replaces the lesson's own for that date.
    .addColumn('teacher_id', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('room', 'text')
    .addColumn('starts_at', 'time')
    .addColumn('ends_at', 'time')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('external_id', 'text', (c) => c.unique())
    .addUniqueConstraint('timetable_exceptions_lesson_date', ['lesson_id', 'date'])
    .execute()

  // One secret per person for subscribable calendar feeds. Kept readable (not hashed)
  // because the settings page shows the address again; renewing replaces it.
  await db.schema
    .createTable('calendar_feed_tokens')
    .addColumn('person_id', 'integer', (c) => c.primaryKey().references('persons.id').onDelete('cascade'))
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['calendar_feed_tokens', 'timetable_exceptions', 'timetable_lessons']) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
