import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { compiledOnce } from '../db/compiled.js'
import type { Locale } from '../web/i18n.js'

/** The logged-in person, as every box sees them. */
export interface Actor {
  id: number
  /** 'pupil' is a child with an account. */
  role: 'guardian' | 'pupil' | 'staff' | 'admin'
  givenName: string
  familyName: string
  username: string
  locale: Locale
  email: string | null
  mobile: string | null
}

/** A child the actor may see, with what the boxes need to decide what applies. */
export interface Child {
  id: number
  givenName: string
  familyName: string
  unitId: number
  unitName: string
  unitKind: 'school' | 'preschool'
  inFritids: boolean
  hasLogin: boolean
}

export function isStaff(actor: Actor): boolean {
  return actor.role === 'staff' || actor.role === 'admin'
}

/** The columns of persons an Actor is made of (the session store loads them with the session). */
export const ACTOR_COLUMNS = ['id', 'role', 'given_name', 'family_name', 'username', 'locale', 'email', 'mobile'] as const

export interface ActorRow {
  id: number
  role: 'guardian' | 'child' | 'staff' | 'admin'
  given_name: string
  family_name: string
  username: string | null
  locale: Locale
  email: string | null
  mobile: string | null
}

export async function loadActor(db: Db, personId: number): Promise<Actor | null> {
  const row = await db
    .selectFrom('persons')
    .select(ACTOR_COLUMNS)
    .where('id', '=', personId)
    .where('username', 'is not', null)
    .executeTakeFirst()
  return row ? toActor(row) : null
}

export function toActor(row: ActorRow): Actor {
  return {
    id: row.id,
    role: row.role === 'child' ? 'pupil' : row.role,
    givenName: row.given_name,
    familyName: row.family_name,
    username: row.username!,
    locale: row.locale,
    email: row.email,
    mobile: row.mobile,
  }
}

function childQuery(db: Db) {
  return db
    .selectFrom('persons as c')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select([
      'c.id', 'c.given_name', 'c.family_name', 'c.unit_id', 'c.in_fritids', 'u.name as unit_name', 'u.kind as unit_kind',
      'u.has_fritids', sql<boolean>`c.username is not null`.as('has_login'),
    ])
    .where('c.role', '=', 'child')
}

type ChildRow = Awaited<ReturnType<ReturnType<typeof childQuery>['executeTakeFirstOrThrow']>>

function toChild(r: ChildRow): Child {
  return {
    id: r.id,
    givenName: r.given_name,
    familyName: r.family_name,
    unitId: r.unit_id!,
    unitName: r.unit_name,
    unitKind: r.unit_kind,
    inFritids: r.unit_kind === 'school' && r.has_fritids && r.in_fritids,
    hasLogin: r.has_login,
  }
}

/**
 * The one access rule for a child's pages: the actor is a guardian of the child,
 * the child themself, or staff of the child's unit. Anything else is null (404).
 */
export async function childForActor(db: Db, actor: Actor, childId: number, cache?: ChildFacts): Promise<Child | null> {
  if (!Number.isSafeInteger(childId) || childId <= 0) return null
  const known = cache?.child(actor.id, childId)
  if (known !== undefined) return known
  const mark = cache?.mark() ?? 0
  const { rows: [row] } = await childReaders[actor.role](db, childId, actor.id)
  const child = row ? toChild(row) : null
  cache?.putChild(actor.id, childId, child, mark)
  return child
}

/** Where childForActor keeps what it learnt (src/web/access-cache.ts: exact by NOTIFY). */
export interface ChildFacts {
  child(actorId: number, childId: number): Child | null | undefined
  mark(): number
  putChild(actorId: number, childId: number, child: Child | null, mark: number): void
}

/** The access rule per role, compiled once (it runs on every child page). */
const childReaders = {
  guardian: compiledOnce((db: Db, childId: number, actorId: number) => childQuery(db).where('c.id', '=', childId).where((eb) =>
    eb.exists(eb.selectFrom('guardianships as g').select('g.child_id').whereRef('g.child_id', '=', 'c.id').where('g.guardian_id', '=', actorId))), 2),
  pupil: compiledOnce((db: Db, childId: number, actorId: number) => childQuery(db).where('c.id', '=', childId).where('c.id', '=', actorId), 2),
  staff: compiledOnce((db: Db, childId: number, actorId: number) => childQuery(db).where('c.id', '=', childId).where((eb) =>
    eb.exists(eb.selectFrom('staff_units as su').select('su.unit_id').whereRef('su.unit_id', '=', 'c.unit_id').where('su.staff_id', '=', actorId))), 2),
  // Admins: every child.
  admin: compiledOnce((db: Db, childId: number, _actorId: number) => childQuery(db).where('c.id', '=', childId), 2),
} satisfies Record<Actor['role'], unknown>

/** The children whose Hub the actor sees (guardians: theirs; pupils: themself). */
export async function childrenOfActor(db: Db, actor: Actor): Promise<Child[]> {
  if (actor.role === 'pupil') {
    const me = await childForActor(db, actor, actor.id)
    return me ? [me] : []
  }
  if (actor.role !== 'guardian') return []
  const rows = await childQuery(db)
    .innerJoin('guardianships as g', 'g.child_id', 'c.id')
    .where('g.guardian_id', '=', actor.id)
    .orderBy('c.given_name')
    .orderBy('c.id')
    .execute()
  return rows.map(toChild)
}

/** A person's name as every page shows it, from a view model or a row of `persons`. */
export function fullName(p: { givenName: string; familyName: string } | { given_name: string; family_name: string }): string {
  return 'givenName' in p ? `${p.givenName} ${p.familyName}` : `${p.given_name} ${p.family_name}`
}

export interface StaffPlace {
  unitId: number
  unitName: string
  unitKind: 'school' | 'preschool'
  groups: { id: number; name: string; duty: string }[]
}

/** Units and groups a staff member works in (admins: every unit). */
export async function staffPlaces(db: Db, actor: Actor): Promise<StaffPlace[]> {
  let units = db.selectFrom('units as u').select(['u.id', 'u.name', 'u.kind']).orderBy('u.name')
  if (actor.role !== 'admin') {
    units = units.innerJoin('staff_units as su', 'su.unit_id', 'u.id').where('su.staff_id', '=', actor.id)
  }
  const [unitRows, groupRows] = await Promise.all([
    units.execute(),
    db.selectFrom('staff_groups as sg')
      .innerJoin('groups as g', 'g.id', 'sg.group_id')
      .select(['g.id', 'g.name', 'g.unit_id', 'sg.duty'])
      .where('sg.staff_id', '=', actor.id)
      .orderBy('g.name')
      .execute(),
  ])
  return unitRows.map((u) => ({
    unitId: u.id,
    unitName: u.name,
    unitKind: u.kind,
    groups: groupRows.filter((g) => g.unit_id === u.id).map((g) => ({ id: g.id, name: g.name, duty: g.duty })),
  }))
}
