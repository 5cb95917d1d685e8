import { sql, type Kysely } from 'kysely'

// Development talks: a round of talks (a pedagogue's times for a group, a place or a
// meeting link, the last day to book), its times, and the bookings. The core migration
// made talk_slots and talk_bookings for the start page's rule; here they get their round.
// The database holds the booking rules itself, so races and double submits cannot break
// them: a time holds one child (talk_bookings' primary key is the slot) and a child has
// one booking per round (unique round_id, child_id).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('talk_rounds')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('created_by', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('place', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('digital', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('meeting_link', 'text')
    .addColumn('last_booking_day', 'date', (c) => c.notNull())
    // The publish form's idempotency key: a double submit publishes one round.
    .addColumn('publish_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('talk_rounds_group_idx').on('talk_rounds').column('group_id').execute()
  await db.schema.createIndex('talk_rounds_staff_idx').on('talk_rounds').column('staff_id').execute()

  await db.schema.alterTable('talk_slots').addColumn('round_id', 'integer', (c) => c.references('talk_rounds.id').onDelete('cascade')).execute()
  await db.schema.alterTable('talk_bookings').addColumn('round_id', 'integer').execute()
  await db.schema.alterTable('talk_bookings').addColumn('reminded_at', 'timestamptz').execute()

  // Times made before rounds existed become one round per group, pedagogue and place,
  // bookable until the day before their first time.
  await sql`
    insert into talk_rounds (group_id, staff_id, place, last_booking_day, created_at)
    select group_id, staff_id, place, (min(starts_at) at time zone 'Europe/Stockholm')::date - 1, now()
    from talk_slots group by group_id, staff_id, place`.execute(db)
  await sql`
    update talk_slots s set round_id = r.id from talk_rounds r
    where r.group_id = s.group_id and r.staff_id = s.staff_id and r.place = s.place and s.round_id is null`.execute(db)
  await sql`update talk_bookings b set round_id = s.round_id from talk_slots s where s.id = b.slot_id`.execute(db)
  // Should old data hold two bookings of one child in a round, the later ones go.
  await sql`
    delete from talk_bookings b using talk_bookings o
    where o.round_id = b.round_id and o.child_id = b.child_id and o.slot_id < b.slot_id`.execute(db)

  await db.schema.alterTable('talk_slots').alterColumn('round_id', (c) => c.setNotNull()).execute()
  await db.schema.alterTable('talk_bookings').alterColumn('round_id', (c) => c.setNotNull()).execute()
  await db.schema.createIndex('talk_slots_round_idx').on('talk_slots').columns(['round_id', 'starts_at']).execute()
  await db.schema.createIndex('talk_slots_staff_idx').on('talk_slots').columns(['staff_id', 'starts_at']).execute()
  await db.schema.alterTable('talk_slots').addUniqueConstraint('talk_slots_id_round', ['id', 'round_id']).execute()
  // A booking's round is its slot's round (a composite key, so it cannot drift).
  await db.schema.alterTable('talk_bookings').dropConstraint('talk_bookings_slot_id_fkey').ifExists().execute()
  await sql`alter table talk_bookings add constraint talk_bookings_slot_round_fkey
    foreign key (slot_id, round_id) references talk_slots (id, round_id) on delete cascade on update cascade`.execute(db)
  await db.schema.alterTable('talk_bookings').addUniqueConstraint('talk_bookings_one_per_round', ['round_id', 'child_id']).execute()
  // The day-before reminder looks for bookings not yet reminded.
  await sql`create index talk_bookings_unreminded_idx on talk_bookings (slot_id) where reminded_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('talk_bookings_unreminded_idx').ifExists().execute()
  await db.schema.alterTable('talk_bookings').dropConstraint('talk_bookings_one_per_round').execute()
  await db.schema.alterTable('talk_bookings').dropConstraint('talk_bookings_slot_round_fkey').execute()
  await sql`alter table talk_bookings add constraint talk_bookings_slot_id_fkey foreign key (slot_id) references talk_slots (id) on delete cascade`.execute(db)
  await db.schema.alterTable('talk_slots').dropConstraint('talk_slots_id_round').execute()
  await db.schema.dropIndex('talk_slots_staff_idx').ifExists().execute()
  await db.schema.dropIndex('talk_slots_round_idx').ifExists().execute()
  await db.schema.alterTable('talk_bookings').dropColumn('reminded_at').execute()
  await db.schema.alterTable('talk_bookings').dropColumn('round_id').execute()
  await db.schema.alterTable('talk_slots').dropColumn('round_id').execute()
  await db.schema.dropTable('talk_rounds').execute()
}
