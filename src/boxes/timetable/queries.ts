import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { Db } from '../../db/index.js'
import type { Executor } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'
import type { IsoDate } from '../../clock.js'
import { occurrences, type OccurrenceRow } from '../../people/lessons.js'

function classNamesQuery(db: Executor, childId: number) {
  return db.selectFrom('group_memberships as gm')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .select('g.name')
    .where('gm.child_id', '=', childId)
    .where('g.kind', '=', 'class')
    .orderBy('g.name')
}

/** A child's lessons from one date to another and its classes' names: compiled once (the week page). */
const weekStatement = compiledOnce((db: Db, childId: number, from: IsoDate, to: IsoDate) => db.selectNoFrom([
  jsonArrayFrom(occurrences(db, { childId }, from, to)).as('lessons'),
  jsonArrayFrom(classNamesQuery(db, childId)).as('classes'),
]), 3)

/** The tile: how many of the day's lessons take place, and when the first starts (compiled once). */
const dayStatement = compiledOnce((db: Db, childId: number, day: IsoDate) => db
  .selectFrom(occurrences(db, { childId }, day, day).as('o'))
  .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('o.starts_at').as('first')])
  .where('o.cancelled', '=', false), 2)

export async function lessonsOnDay(db: Executor, childId: number, day: IsoDate): Promise<{ count: number; first: string | null }> {
  const row = (await dayStatement(db, childId, day)).rows[0]
  return { count: Number(row?.count ?? 0), first: row?.first ?? null }
}

export function timetableQueries(db: Executor) {
  return Object.freeze({
    occurrencesForChild(childId: number, from: IsoDate, to: IsoDate): Promise<OccurrenceRow[]> {
      return occurrences(db, { childId }, from, to).execute()
    },

    /** The lesson on that date if it belongs to one of the child's groups and takes place that day. */
    occurrenceForChild(childId: number, lessonId: number, date: IsoDate): Promise<OccurrenceRow | undefined> {
      return occurrences(db, { childId }, date, date, lessonId).executeTakeFirst()
    },

    occurrenceForGroup(groupId: number, lessonId: number, date: IsoDate): Promise<OccurrenceRow | undefined> {
      return occurrences(db, { groupId }, date, date, lessonId).executeTakeFirst()
    },

    /** The child's class (or classes), for headings and the printed page. */
    /** The child's lessons from one date to another and the names of its classes, in one statement. */
    async weekForChild(childId: number, from: IsoDate, to: IsoDate): Promise<{ lessons: OccurrenceRow[]; classes: string[] }> {
      const { rows: [row] } = await weekStatement(db, childId, from, to)
      // JSON keeps every column of an occurrence as it is (dates, times, numbers, text).
      return { lessons: row!.lessons as OccurrenceRow[], classes: row!.classes.map((r) => r.name) }
    },

    async feedToken(personId: number): Promise<string | null> {
      const row = await db.selectFrom('calendar_feed_tokens').select('token').where('person_id', '=', personId).executeTakeFirst()
      return row?.token ?? null
    },

    async personByFeedToken(token: string): Promise<number | null> {
      const row = await db.selectFrom('calendar_feed_tokens').select('person_id').where('token', '=', token).executeTakeFirst()
      return row?.person_id ?? null
    },

    async setFeedToken(personId: number, token: string, now: Date): Promise<void> {
      await db.insertInto('calendar_feed_tokens')
        .values({ person_id: personId, token, created_at: now })
        .onConflict((oc) => oc.column('person_id').doUpdateSet({ token, created_at: now }))
        .execute()
    },
  })
}
