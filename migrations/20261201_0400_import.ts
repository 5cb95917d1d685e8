import { sql, type Kysely } from 'kysely'

// What comes from outside: the SS 12000 import and the nightly address transfer.
// People who leave the import file keep their row (their messages and absences stay
// history) but lose access: `ended_at`. An administrator's deactivation is
// `deactivated_at`. A protected identity (skyddad folkbokföring, sekretessmarkering)
// keeps no address in Hubben.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('persons')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('deactivated_at', 'timestamptz')
    .addColumn('protected_identity', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  // The address transfer finds people by civic number.
  await db.schema.createIndex('persons_personal_number_idx').on('persons').column('personal_number').execute()

  await db.schema.alterTable('groups').addColumn('ended_at', 'timestamptz').execute()

  // One row per import or address-transfer run, with its report; never personal numbers.
  await db.schema
    .createTable('import_runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('ss12000', 'addresses')`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ok', 'rejected', 'failed')`))
    .addColumn('started_by', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .addColumn('counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('errors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.createIndex('import_runs_kind_idx').on('import_runs').columns(['kind', 'started_at']).execute()

  // A scheduled job's run for one slot (a night) is claimed here, so that of several
  // instances exactly one runs it; a lease lets another take over if the holder dies.
  await db.schema
    .createTable('job_claims')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('job_claims_pk', ['job', 'slot'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_claims').ifExists().execute()
  await db.schema.dropTable('import_runs').ifExists().execute()
  await db.schema.alterTable('groups').dropColumn('ended_at').execute()
  await db.schema.dropIndex('persons_personal_number_idx').ifExists().execute()
  await db.schema.alterTable('persons').dropColumn('ended_at').dropColumn('deactivated_at').dropColumn('protected_identity').execute()
}
