import { sql, type Kysely } from 'kysely'

// Messages: conversations about one child between a family side (guardians or the
// pupil) and staff. Each participant has an exact unread counter of their own.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_message_at', 'timestamptz', (c) => c.notNull())
    // From the form's hidden field: a double submit finds the first conversation instead of making a second.
    .addColumn('idempotency_key', 'text')
    .addUniqueConstraint('conversations_idempotency_uq', ['created_by', 'idempotency_key'])
    .execute()
  await db.schema.createIndex('conversations_child_idx').on('conversations').columns(['child_id', 'last_message_at']).execute()

  await db.schema
    .createTable('conversation_participants')
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('side', 'text', (c) => c.notNull().check(sql`side in ('family', 'staff')`))
    .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`unread_count >= 0`))
    .addColumn('last_read_at', 'timestamptz')
    .addPrimaryKeyConstraint('conversation_participants_pk', ['conversation_id', 'person_id'])
    .execute()
  await db.schema.createIndex('conversation_participants_person_idx').on('conversation_participants').columns(['person_id', 'conversation_id']).execute()
  await sql`create index conversation_participants_unread_idx on conversation_participants (person_id) where unread_count > 0`.execute(db)

  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addUniqueConstraint('messages_idempotency_uq', ['author_id', 'idempotency_key'])
    .execute()
  await db.schema.createIndex('messages_conversation_idx').on('messages').columns(['conversation_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['messages', 'conversation_participants', 'conversations']) await db.schema.dropTable(t).ifExists().execute()
}
