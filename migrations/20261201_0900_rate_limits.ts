import { sql, type Kysely } from 'kysely'

// Request rate limits (@fastify/rate-limit with a database store, src/web/rate-limits.ts):
// one row per limit and key (address, e-mail address or person) with its count in the
// current window, so the limits hold across instances.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table rate_limits (
    key text primary key,
    count integer not null,
    reset_at timestamptz not null
  )`.execute(db)
  await sql`create index rate_limits_reset_at_idx on rate_limits (reset_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table rate_limits`.execute(db)
}
