import { sql, type Kysely } from 'kysely'

// Plans (planeringar): a teacher's plan for a subject in a group over a span of ISO weeks
// (from the Monday of the first week to the Sunday of the last), with its content, goals
// and how the work is assessed. Attachments wait for the information box's file storage.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table plans (
    id integer generated always as identity primary key,
    group_id integer not null references groups (id) on delete cascade,
    subject text not null,
    title text not null,
    starts_on date not null,
    ends_on date not null,
    content text not null default '',
    goals text not null default '',
    assessment text not null default '',
    published boolean not null default true,
    created_by integer references persons (id) on delete set null,
    publish_key text unique,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint plans_span check (ends_on >= starts_on)
  )`.execute(db)
  await sql`create index plans_group_idx on plans (group_id, starts_on)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists plans`.execute(db)
}
