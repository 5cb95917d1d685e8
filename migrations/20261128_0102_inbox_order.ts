import { sql, type Kysely } from 'kysely'

// The inbox lists a person's conversations by their last message. Ordered through
// conversations, every one of the person's conversations was joined and sorted before the
// newest page was taken (a mentor has about a hundred a year: 1.9 ms, growing every year).
// A copy of last_message_at on each participant, with an index per person in that order,
// makes the page a short index scan. Triggers keep the copy: a participant added takes the
// conversation's time, a new message's time reaches every participant; no code path can
// forget it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table conversation_participants add column last_message_at timestamptz`.execute(db)
  await sql`update conversation_participants cp set last_message_at = c.last_message_at from conversations c where c.id = cp.conversation_id`.execute(db)
  await sql`alter table conversation_participants alter column last_message_at set not null`.execute(db)
  await sql`create index conversation_participants_recent_idx on conversation_participants (person_id, last_message_at desc, conversation_id desc)`.execute(db)

  await sql`
    create function conversation_participant_last_message() returns trigger language plpgsql as $$
    begin
      select c.last_message_at into new.last_message_at from conversations c where c.id = new.conversation_id;
      return new;
    end $$`.execute(db)
  await sql`
    create trigger conversation_participants_last_message before insert on conversation_participants
    for each row execute function conversation_participant_last_message()`.execute(db)

  await sql`
    create function conversation_last_message_to_participants() returns trigger language plpgsql as $$
    begin
      update conversation_participants set last_message_at = new.last_message_at
      where conversation_id = new.id and last_message_at is distinct from new.last_message_at;
      return null;
    end $$`.execute(db)
  await sql`
    create trigger conversations_last_message after update of last_message_at on conversations
    for each row when (old.last_message_at is distinct from new.last_message_at)
    execute function conversation_last_message_to_participants()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists conversations_last_message on conversations`.execute(db)
  await sql`drop function if exists conversation_last_message_to_participants()`.execute(db)
  await sql`drop trigger if exists conversation_participants_last_message on conversation_participants`.execute(db)
  await sql`drop function if exists conversation_participant_last_message()`.execute(db)
  await sql`alter table conversation_participants drop column if exists last_message_at`.execute(db)
}
