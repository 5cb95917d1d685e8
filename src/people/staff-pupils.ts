import { sql } from 'kysely'
import type { Executor } from '../db/index.js'
import type { Actor } from './service.js'

/**
 * Pupils a staff member teaches: children in the classes and teaching groups the person
 * works in, at school units (not fritids). The staff sides of assessments and documentation act on these pupils only;
 * anyone else (another group, another unit) is not there for them (404).
 */
export interface StaffPupil { id: number; givenName: string; familyName: string; groups: string }

function pupilsQuery(db: Executor, actor: Pick<Actor, 'id'>) {
  return db.selectFrom('persons as c')
    .innerJoin('group_memberships as gm', 'gm.child_id', 'c.id')
    .innerJoin('staff_groups as sg', 'sg.group_id', 'gm.group_id')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select(['c.id', 'c.given_name', 'c.family_name', sql<string>`string_agg(distinct g.name, ', ')`.as('groups')])
    .where('sg.staff_id', '=', actor.id)
    .where('c.role', '=', 'child')
    .where('u.kind', '=', 'school')
    // Teaching groups, not fritids: the teachers who assess and document the pupil's learning.
    .where('g.kind', 'in', ['class', 'teaching'])
    .where('c.ended_at', 'is', null)
    .groupBy(['c.id', 'c.given_name', 'c.family_name'])
}

const toPupil = (r: { id: number; given_name: string; family_name: string; groups: string }): StaffPupil =>
  ({ id: r.id, givenName: r.given_name, familyName: r.family_name, groups: r.groups })

/** Every pupil of the person's groups, by name. */
export async function staffPupils(db: Executor, actor: Pick<Actor, 'id'>): Promise<StaffPupil[]> {
  const rows = await pupilsQuery(db, actor).orderBy('c.given_name').orderBy('c.family_name').orderBy('c.id').execute()
  return rows.map(toPupil)
}

/** One pupil of the person's groups, or null (404). */
export async function staffPupil(db: Executor, actor: Pick<Actor, 'id'>, childId: number): Promise<StaffPupil | null> {
  if (!Number.isSafeInteger(childId) || childId <= 0) return null
  const row = await pupilsQuery(db, actor).where('c.id', '=', childId).executeTakeFirst()
  return row ? toPupil(row) : null
}
