import { sql, type Kysely } from 'kysely'

// The blog: posts per group, comments on posts. Idempotency keys (unique) make a double
// submit publish or comment once.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('blog_posts')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
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
  await sql`create index blog_posts_group_idx on blog_posts (group_id, published_at desc, id desc) where unpublished_at is null`.execute(db)

  await db.schema.createTable('blog_comments')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('post_id', 'integer', (c) => c.notNull().references('blog_posts.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('comment_key', 'text', (c) => c.unique())
    .execute()
  await db.schema.createIndex('blog_comments_post_idx').on('blog_comments').columns(['post_id', 'created_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('blog_comments').execute()
  await db.schema.dropTable('blog_posts').execute()
}
