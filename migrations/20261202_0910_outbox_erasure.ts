import { sql, type Kysely } from 'kysely'

// An outbox row keeps its content (the e-mail's text with its links, the SMS with its phone
// number) only while it may still be sent: delivered rows are erased at once, failed ones
// after 30 days. What stays: who it was for (recipient_id, a person), what it was (kind),
// the times and the status.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox
    add column kind text,
    add column recipient_id integer references persons (id) on delete set null,
    add column failed_at timestamptz,
    add column erased_at timestamptz`.execute(db)
  // Failed before this migration: counted from the last attempt's scheduled retry time.
  await sql`update outbox set failed_at = next_attempt_at where status = 'failed'`.execute(db)
  await sql`update outbox set payload = '{}'::jsonb, erased_at = coalesce(sent_at, now()) where status = 'sent'`.execute(db)
  await sql`create index outbox_failed_unerased_idx on outbox (failed_at) where status = 'failed' and erased_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_failed_unerased_idx`.execute(db)
  await sql`alter table outbox drop column kind, drop column recipient_id, drop column failed_at, drop column erased_at`.execute(db)
}
