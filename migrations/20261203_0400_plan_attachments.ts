import { sql, type Kysely } from 'kysely'

// Plan attachments: files on a plan (their bytes in the file store by SHA-256, like the
// information box's files), removed with the plan. An upload key (unique) makes a double
// submit attach once.
// Also, for the information box's staff side: a file can be unpublished and published again
// (unpublished_at) and its title edited (updated_at), instead of only removed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table plan_attachments (
    id integer generated always as identity primary key,
    plan_id integer not null references plans (id) on delete cascade,
    filename text not null,
    content_type text not null,
    size_bytes bigint not null,
    storage_key text not null,
    uploaded_by integer references persons (id) on delete set null,
    created_at timestamptz not null,
    upload_key text unique
  )`.execute(db)
  await sql`create index plan_attachments_plan_idx on plan_attachments (plan_id, id)`.execute(db)

  await sql`alter table info_files add column unpublished_at timestamptz, add column updated_at timestamptz`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table info_files drop column if exists unpublished_at, drop column if exists updated_at`.execute(db)
  await sql`drop table if exists plan_attachments`.execute(db)
}
