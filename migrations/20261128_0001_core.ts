import { sql, type Kysely } from 'kysely'

// The ground every box stands on: places, people, who belongs where, sessions,
// account tokens, login throttling, notifications and the delivery outbox.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('units')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('school', 'preschool')`))
    .addColumn('has_fritids', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('opens_at', 'time', (c) => c.notNull().defaultTo('06:30'))
    .addColumn('closes_at', 'time', (c) => c.notNull().defaultTo('18:30'))
    .addColumn('external_id', 'text', (c) => c.unique())
    .execute()

  await db.schema
    .createTable('groups')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('class', 'teaching', 'department', 'fritids')`))
    .addColumn('external_id', 'text', (c) => c.unique())
    .execute()
  await db.schema.createIndex('groups_unit_idx').on('groups').column('unit_id').execute()

  await db.schema
    .createTable('persons')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('guardian', 'child', 'staff', 'admin')`))
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('family_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('mobile', 'text')
    .addColumn('personal_number', 'text')
    .addColumn('street', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('city', 'text')
    .addColumn('address_edited_at', 'timestamptz')
    // Children: their unit, and whether a school child is enrolled in fritids.
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('in_fritids', 'boolean', (c) => c.notNull().defaultTo(false))
    // Login: pupils, guardians, staff and admins have accounts; preschool children do not.
    .addColumn('username', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('sv').check(sql`locale in ('sv', 'en')`))
    .addColumn('privacy', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('activated_at', 'timestamptz')
    .addColumn('external_id', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create unique index persons_username_idx on persons (lower(username))`.execute(db)
  await db.schema.createIndex('persons_unit_idx').on('persons').column('unit_id').execute()

  await db.schema
    .createTable('guardianships')
    .addColumn('guardian_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('guardianships_pk', ['guardian_id', 'child_id'])
    .execute()
  await db.schema.createIndex('guardianships_child_idx').on('guardianships').column('child_id').execute()

  await db.schema
    .createTable('group_memberships')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_memberships_pk', ['group_id', 'child_id'])
    .execute()
  await db.schema.createIndex('group_memberships_child_idx').on('group_memberships').column('child_id').execute()

  await db.schema
    .createTable('staff_units')
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('staff_units_pk', ['staff_id', 'unit_id'])
    .execute()
  await db.schema.createIndex('staff_units_unit_idx').on('staff_units').column('unit_id').execute()

  await db.schema
    .createTable('staff_groups')
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('duty', 'text', (c) => c.notNull().check(sql`duty in ('mentor', 'teacher', 'fritids', 'preschool')`))
    .addPrimaryKeyConstraint('staff_groups_pk', ['staff_id', 'group_id'])
    .execute()
  await db.schema.createIndex('staff_groups_group_idx').on('staff_groups').column('group_id').execute()

  await db.schema
    .createTable('sessions')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute()

  await db.schema
    .createTable('account_tokens')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('activation', 'reset')`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('account_tokens_person_idx').on('account_tokens').column('person_id').execute()

  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('login_failures_key_at_idx').on('login_failures').columns(['key', 'at']).execute()

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('child_id', 'integer', (c) => c.references('persons.id').onDelete('cascade'))
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('notifications_recipient_idx').on('notifications').columns(['recipient_id', 'created_at']).execute()
  await sql`create index notifications_unread_idx on notifications (recipient_id) where read_at is null`.execute(db)

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'sms', 'push')`))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    // Makes "at most one of these" rules (one SMS per child per day) hold under races.
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .execute()
  await sql`create index outbox_due_idx on outbox (next_attempt_at) where status = 'pending'`.execute(db)

  // Development talks: enough for the start page's rule "shown only while bookable
  // times or a booking exist"; the talks box builds on these tables.
  await db.schema
    .createTable('talk_slots')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.createIndex('talk_slots_group_idx').on('talk_slots').columns(['group_id', 'starts_at']).execute()
  await db.schema
    .createTable('talk_bookings')
    .addColumn('slot_id', 'integer', (c) => c.primaryKey().references('talk_slots.id').onDelete('cascade'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('booked_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('talk_bookings_child_idx').on('talk_bookings').column('child_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['talk_bookings', 'talk_slots', 'outbox', 'notifications', 'login_failures', 'account_tokens', 'sessions',
    'staff_groups', 'staff_units', 'group_memberships', 'guardianships', 'persons', 'groups', 'units']) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
