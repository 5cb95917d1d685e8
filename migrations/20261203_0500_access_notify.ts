import { sql, type Kysely } from 'kysely'

// Every change that ends or narrows what a person may see, or changes the purple bar's
// counts, tells every Hubben process (NOTIFY hubben_access), whoever made it: the app, an
// import, a maintenance job or psql. The processes keep sessions, the child-access facts and
// the bar's counts in memory (src/web/access-cache.ts) and drop what a notice names.
// Statement-level triggers: one notice per statement, '<kind>:<id>,<id>,...', or '*' (drop
// everything) when a statement touches more than 400 people or a unit changes.
//   s: the persons' sessions   p: everything about the persons   c: the persons' bar counts
const TRIGGERS: [table: string, kind: 's' | 'p' | 'c' | '*', column: string, events: ('insert' | 'update' | 'delete')[]][] = [
  ['sessions', 's', `data->>'personId'`, ['update', 'delete']],
  // Insert too: a refusal for an id that did not exist yet is remembered like any other.
  ['persons', 'p', 'id', ['insert', 'update', 'delete']],
  ['guardianships', 'p', 'guardian_id', ['insert', 'update', 'delete']],
  ['group_memberships', 'p', 'child_id', ['insert', 'update', 'delete']],
  ['staff_units', 'p', 'staff_id', ['insert', 'update', 'delete']],
  ['staff_groups', 'p', 'staff_id', ['insert', 'update', 'delete']],
  ['units', '*', 'id', ['update', 'delete']],
  // The bar's counts (the messages box's unread count, the bell): a box that adds a
  // barCounter adds a trigger on the table it counts from in its own migration.
  ['conversation_participants', 'c', 'person_id', ['insert', 'update', 'delete']],
  ['notifications', 'c', 'recipient_id', ['insert', 'update', 'delete']],
]

export async function up(db: Kysely<any>): Promise<void> {
  // hubben_access_notify(kind, column expression): the ids of the statement's rows, old and new.
  await sql`
    create function hubben_access_notify() returns trigger language plpgsql as $$
    declare
      kind text := tg_argv[0];
      ids text[];
      src text;
    begin
      if kind = '*' then
        perform pg_notify('hubben_access', '*');
        return null;
      end if;
      src := case tg_op when 'INSERT' then 'select %s as x from changed_new'
                        when 'DELETE' then 'select %s as x from changed_old'
                        else 'select %s as x from changed_old union select %s from changed_new' end;
      execute format('select array_agg(x) from (select distinct (x)::text as x from (' || src || ') r where x is not null limit 401) d',
                     tg_argv[1], tg_argv[1]) into ids;
      if ids is null then return null; end if;
      perform pg_notify('hubben_access', case when array_length(ids, 1) > 400 then '*' else kind || ':' || array_to_string(ids, ',') end);
      return null;
    end
    $$`.execute(db)
  for (const [table, kind, column, events] of TRIGGERS) {
    for (const event of events) {
      const refs = event === 'insert' ? 'new table as changed_new' : event === 'delete' ? 'old table as changed_old' : 'old table as changed_old new table as changed_new'
      await sql.raw(`create trigger ${table}_access_${event} after ${event} on ${table}
        referencing ${refs} for each statement
        execute function hubben_access_notify('${kind}', '${column.replace(/'/g, "''")}')`).execute(db)
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, , , events] of TRIGGERS) {
    for (const event of events) await sql.raw(`drop trigger if exists ${table}_access_${event} on ${table}`).execute(db)
  }
  await sql`drop function if exists hubben_access_notify()`.execute(db)
}
