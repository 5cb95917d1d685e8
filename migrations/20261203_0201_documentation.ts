import { sql, type Kysely } from 'kysely'

// Documentation (dokumentation), school only: portfolio entries a teacher writes about a
// pupil's development and learning (plain text, an optional image or file in the file
// store, by its SHA-256 key), and the IUP, the forward-looking individual development
// plan, one per pupil and term. Guardians and the pupil read them after the BankID step-up.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table portfolio_entries (
    id integer generated always as identity primary key,
    child_id integer not null references persons (id) on delete cascade,
    title text not null,
    body text not null default '',
    entry_date date not null,
    file_key text,
    file_name text,
    file_type text,
    file_size integer,
    file_is_image boolean not null default false,
    author_id integer references persons (id) on delete set null,
    created_at timestamptz not null,
    removed_at timestamptz,
    publish_key text unique
  )`.execute(db)
  await sql`create index portfolio_entries_child_idx on portfolio_entries (child_id, entry_date desc, id desc)`.execute(db)
  await sql`create table iup_plans (
    id integer generated always as identity primary key,
    child_id integer not null references persons (id) on delete cascade,
    term text not null,
    goals text not null,
    school_support text not null default '',
    home_support text not null default '',
    author_id integer references persons (id) on delete set null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint iup_plans_term check (term ~ '^(HT|VT)[0-9]{4}$'),
    constraint iup_plans_one_per_term unique (child_id, term)
  )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists iup_plans`.execute(db)
  await sql`drop table if exists portfolio_entries`.execute(db)
}
