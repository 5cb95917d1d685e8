import { sql, type Kysely } from 'kysely'

// The calendar: events and surveys that staff publish for a group (or, with no group, for
// the whole unit), the guardians' answers to surveys, and each person's secret for the
// subscribable calendar feed. Dates are Stockholm calendar dates and times wall-clock
// times, like the timetable's, so an event stays at 18:00 across daylight-saving changes.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table calendar_events (
    id integer generated always as identity primary key,
    unit_id integer not null references units (id) on delete cascade,
    group_id integer references groups (id) on delete cascade,
    kind text not null check (kind in ('activity', 'assignment', 'homework', 'test', 'information')),
    title text not null,
    body text not null default '',
    date date not null,
    starts_at time,
    ends_at time,
    published boolean not null default true,
    created_by integer references persons (id) on delete set null,
    publish_key text unique,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint calendar_events_times check (ends_at is null or (starts_at is not null and ends_at > starts_at))
  )`.execute(db)
  await sql`create index calendar_events_group_idx on calendar_events (group_id, date)`.execute(db)
  await sql`create index calendar_events_unit_idx on calendar_events (unit_id, date)`.execute(db)

  // A survey shows on its date and takes answers through closes_on (inclusive, Stockholm).
  await sql`create table surveys (
    id integer generated always as identity primary key,
    unit_id integer not null references units (id) on delete cascade,
    group_id integer references groups (id) on delete cascade,
    title text not null,
    body text not null default '',
    date date not null,
    closes_on date not null,
    published boolean not null default true,
    created_by integer references persons (id) on delete set null,
    publish_key text unique,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint surveys_closes check (closes_on >= date)
  )`.execute(db)
  await sql`create index surveys_group_idx on surveys (group_id, date)`.execute(db)
  await sql`create index surveys_unit_idx on surveys (unit_id, date)`.execute(db)

  await sql`create table survey_questions (
    id integer generated always as identity primary key,
    survey_id integer not null references surveys (id) on delete cascade,
    position smallint not null,
    kind text not null check (kind in ('single', 'multiple', 'text')),
    prompt text not null,
    unique (survey_id, position)
  )`.execute(db)

  await sql`create table survey_options (
    id integer generated always as identity primary key,
    question_id integer not null references survey_questions (id) on delete cascade,
    position smallint not null,
    label text not null,
    unique (question_id, position)
  )`.execute(db)

  // One answer per child and survey (the key): a second guardian, or a double submit,
  // changes that answer instead of adding another.
  await sql`create table survey_responses (
    survey_id integer not null references surveys (id) on delete cascade,
    child_id integer not null references persons (id) on delete cascade,
    answered_by integer references persons (id) on delete set null,
    answered_at timestamptz not null,
    primary key (survey_id, child_id)
  )`.execute(db)

  // A chosen option (option_id) or a free text (text) of one question in a response.
  await sql`create table survey_answers (
    survey_id integer not null,
    child_id integer not null,
    question_id integer not null references survey_questions (id) on delete cascade,
    option_id integer references survey_options (id) on delete cascade,
    text text,
    foreign key (survey_id, child_id) references survey_responses (survey_id, child_id) on delete cascade,
    constraint survey_answers_one check ((option_id is null) <> (text is null))
  )`.execute(db)
  await sql`create index survey_answers_response_idx on survey_answers (survey_id, child_id)`.execute(db)
  await sql`create index survey_answers_question_idx on survey_answers (question_id)`.execute(db)

  // One secret per person for the calendar's feed (kept readable: settings shows the address again).
  await sql`create table calendar_feed_secrets (
    person_id integer primary key references persons (id) on delete cascade,
    token text not null unique,
    created_at timestamptz not null
  )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['calendar_feed_secrets', 'survey_answers', 'survey_responses', 'survey_options', 'survey_questions', 'surveys', 'calendar_events']) {
    await sql`drop table if exists ${sql.table(t)}`.execute(db)
  }
}
