import { sql, type Kysely } from 'kysely'

// The audit log: reads of what needs strong authentication (assessments, documentation)
// and refused BankID identifications. Rows are never updated; personal identity numbers
// are never written here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('child_id', 'integer', (c) => c.references('persons.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('order_ref', 'text')
    .execute()
  await sql`create index audit_log_child_idx on audit_log (child_id, at desc)`.execute(db)
  await sql`create index audit_log_actor_idx on audit_log (actor_id, at desc)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute()
}
