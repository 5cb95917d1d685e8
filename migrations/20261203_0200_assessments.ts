import { sql, type Kysely } from 'kysely'

// Assessments (bedömningar): a teacher's assessment of a pupil in a subject for a term
// ('HT2026', 'VT2027'), on the school's scale (a grade A–F, or a short text such as
// "Når målen"), with a comment. Guardians and the pupil read only published ones
// (published_at set), after the BankID step-up. Unpublishing clears published_at.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table assessments (
    id integer generated always as identity primary key,
    child_id integer not null references persons (id) on delete cascade,
    subject text not null,
    term text not null,
    grade text not null,
    comment text not null default '',
    assessed_on date not null,
    teacher_id integer references persons (id) on delete set null,
    published_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    publish_key text unique,
    constraint assessments_term check (term ~ '^(HT|VT)[0-9]{4}$')
  )`.execute(db)
  await sql`create index assessments_child_idx on assessments (child_id, term, subject)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists assessments`.execute(db)
}
