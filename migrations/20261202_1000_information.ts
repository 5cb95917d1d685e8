import { sql, type Kysely } from 'kysely'

// Information: news (for a group, or the whole unit when group_id is null), files for a unit
// (their bytes in the file store, by SHA-256), and links for a unit. Each publish form carries
// an idempotency key (unique), so a double submit publishes once. Unpublished news is kept
// (unpublished_at) so the notifications pointing at it lead to an honest "removed" page.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('info_news')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('image_key', 'text')
    .addColumn('image_type', 'text')
    .addColumn('image_alt', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('author_id', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz')
    .addColumn('unpublished_at', 'timestamptz')
    .addColumn('publish_key', 'text', (c) => c.unique())
    .execute()
  await sql`create index info_news_unit_idx on info_news (unit_id, published_at desc, id desc) where unpublished_at is null`.execute(db)
  await sql`create index info_news_group_idx on info_news (group_id, published_at desc, id desc) where unpublished_at is null`.execute(db)

  await db.schema.createTable('info_files')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('publish_key', 'text', (c) => c.unique())
    .execute()
  await db.schema.createIndex('info_files_unit_idx').on('info_files').columns(['unit_id', 'created_at']).execute()

  await db.schema.createTable('info_links')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('publish_key', 'text', (c) => c.unique())
    .execute()
  await db.schema.createIndex('info_links_unit_idx').on('info_links').columns(['unit_id', 'title']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('info_links').execute()
  await db.schema.dropTable('info_files').execute()
  await db.schema.dropTable('info_news').execute()
}
