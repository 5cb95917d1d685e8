import { sql, type Kysely } from 'kysely'

// Changing one's e-mail address: a single-use, expiring link to the new address (an
// account token with purpose 'email' carrying the new address); the address changes only
// when the link is opened.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table account_tokens add column new_email text`.execute(db)
  await sql`alter table account_tokens drop constraint account_tokens_purpose_check`.execute(db)
  await sql`alter table account_tokens add constraint account_tokens_purpose_check
    check (purpose in ('activation', 'reset', 'email') and (purpose = 'email') = (new_email is not null))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from account_tokens where purpose = 'email'`.execute(db)
  await sql`alter table account_tokens drop constraint account_tokens_purpose_check`.execute(db)
  await sql`alter table account_tokens add constraint account_tokens_purpose_check check (purpose in ('activation', 'reset'))`.execute(db)
  await sql`alter table account_tokens drop column new_email`.execute(db)
}
