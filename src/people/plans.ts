import { sql } from 'kysely'
import type { Executor } from '../db/index.js'
import type { IsoDate } from '../clock.js'

/**
 * A read model of the plans box's table for the timetable: the published plan in progress
 * on a date for a subject in a group (the lesson's), so a lesson can link to it.
 */
export function planInProgress(db: Executor, groupId: number, subject: string, date: IsoDate) {
  return db.selectFrom('plans').select(['id', 'title'])
    .where('group_id', '=', groupId).where(sql<boolean>`lower(subject) = lower(${subject})`)
    .where('published', '=', true).where('starts_on', '<=', date).where('ends_on', '>=', date)
    .orderBy('starts_on', 'desc').orderBy('id', 'desc').limit(1)
}
