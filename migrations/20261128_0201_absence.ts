import { sql, type Kysely } from 'kysely'

// Absence: what guardians report (a whole day or some lessons) and what the school
// registers per lesson (present, absent with or without a valid reason).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('absence_reports')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('whole_day', 'boolean', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('illness', 'other', 'leave')`))
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reported_by', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('absence_reports_child_idx').on('absence_reports').columns(['child_id', 'date']).execute()
  // A day is reported whole at most once, whoever clicks first (double submit, both guardians).
  await sql`create unique index absence_reports_whole_day_idx on absence_reports (child_id, date) where whole_day`.execute(db)

  await db.schema
    .createTable('absence_report_lessons')
    .addColumn('report_id', 'integer', (c) => c.notNull().references('absence_reports.id').onDelete('cascade'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('timetable_lessons.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('absence_report_lessons_pk', ['report_id', 'lesson_id'])
    // A lesson of a day is reported at most once.
    .addUniqueConstraint('absence_report_lessons_once', ['child_id', 'date', 'lesson_id'])
    .execute()

  await db.schema
    .createTable('lesson_attendance')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('timetable_lessons.id').onDelete('cascade'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('present', 'absent_valid', 'absent_invalid')`))
    .addColumn('registered_by', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('lesson_attendance_once', ['child_id', 'lesson_id', 'date'])
    .execute()
  await db.schema.createIndex('lesson_attendance_lesson_idx').on('lesson_attendance').columns(['lesson_id', 'date']).execute()
  await sql`create index lesson_attendance_absent_idx on lesson_attendance (child_id, date) where status <> 'present'`.execute(db)

  // The notices of the invalid-absence rule already given for a child's day:
  // stage 1 at the first invalid lesson, stage 2 when more than one lesson is invalid.
  await db.schema
    .createTable('absence_alerts')
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('stage', 'smallint', (c) => c.notNull().check(sql`stage in (1, 2)`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('absence_alerts_pk', ['child_id', 'date', 'stage'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['absence_alerts', 'lesson_attendance', 'absence_report_lessons', 'absence_reports']) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
