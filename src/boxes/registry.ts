import type { SelectQueryBuilder } from 'kysely'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import type { Actor, Child } from '../people/service.js'

/** What a box needs to decide whether it applies, computed once per start page. */
export interface BoxFacts {
  /** Bookable talk times published for the child's groups, or a booking for the child. */
  talksAvailable: boolean
}

export interface BoxContext {
  db: Db
  clock: Clock
  actor: Actor
  child: Child
}

/** A tile's live summary: a translation key with its values. */
export interface BoxSummary {
  key: string
  params?: Record<string, string | number | undefined>
}

export interface BoxDef {
  key: BoxKey
  /** Translation key of the box's title (may depend on the child, e.g. fritids vs preschool). */
  title(child: Child): string
  /** Path below /children/:childId/ */
  path: string
  /** SPEC.md section 1: does this box apply to this person and child? */
  visible(actor: Actor, child: Child, facts: BoxFacts): boolean
  /** True when the box's guardian/pupil pages are built; otherwise a page says it is not yet available. */
  built: boolean
  /** Guardian-only boxes answer 403 to pupils (SPEC.md section 1). */
  guardianOnly?: boolean
  /** The tile's live summary: one query, read with the other tiles' in a single statement. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  summary?: TileSummary<any>
  /** A main action shown on the tile itself (e.g. the green "Anmäl frånvaro"), when it applies. */
  action?(actor: Actor, child: Child): BoxAction | null
}

/**
 * A row as it arrives through json_agg: timestamps as ISO strings, the rest as JSON
 * (dates, times and numbers already are strings and numbers in this schema).
 */
export type FromJson<T> = T extends Date ? string : T extends (infer E)[] ? FromJson<E>[] : T extends object ? { [K in keyof T]: FromJson<T[K]> } : T

/**
 * A tile summary: a read-only query, and what its rows say. The start page reads every
 * tile's query (and the box facts) in one statement, each as a JSON array, and builds and
 * compiles that statement once per set of tiles: `query` gets stand-ins for the values
 * that change (`ctx.child.id`, `ctx.actor.id`, `ctx.clock.now()`, `ctx.clock.today()`; any
 * other field throws) and must only put them in the query, not compute with them.
 * `read` gets the rows and the real context.
 */
export interface TileSummary<R> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(ctx: BoxContext): SelectQueryBuilder<any, any, R>
  read(rows: FromJson<R>[], ctx: BoxContext): BoxSummary | null
}

export function tileSummary<R>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query: (ctx: BoxContext) => SelectQueryBuilder<any, any, R>,
  read: (rows: FromJson<R>[], ctx: BoxContext) => BoxSummary | null,
): TileSummary<R> {
  return { query, read }
}

export interface BoxAction {
  href: string
  /** Translation key of the button text. */
  label: string
  variant?: 'green' | 'primary'
}

export type BoxKey =
  | 'messages' | 'talks' | 'timetable' | 'absence' | 'information' | 'assessments' | 'plans'
  | 'documentation' | 'calendar' | 'blog' | 'care-schedule'

const isGuardian = (a: Actor) => a.role === 'guardian'
const isSchool = (c: Child) => c.unitKind === 'school'
/** Pupils see their own Hub; guardians their children's; staff preview a child as a guardian would. */
const seesHub = (a: Actor) => a.role === 'guardian' || a.role === 'pupil' || a.role === 'staff' || a.role === 'admin'

/** The boxes in the order the start page shows them. Boxes fill in `summary` and set `built` as they land. */
export const BOXES: BoxDef[] = [
  { key: 'messages', path: 'messages', title: () => 'boxes.messages', built: false, visible: (a) => seesHub(a) },
  {
    key: 'talks', path: 'talks', title: () => 'boxes.talks', built: false, guardianOnly: true,
    visible: (a, _c, f) => isGuardian(a) && f.talksAvailable,
  },
  { key: 'timetable', path: 'timetable', title: () => 'boxes.timetable', built: false, visible: (a, c) => seesHub(a) && isSchool(c) },
  { key: 'absence', path: 'absences', title: () => 'boxes.absence', built: false, visible: (a) => seesHub(a) },
  { key: 'information', path: 'information', title: () => 'boxes.information', built: false, visible: (a) => seesHub(a) },
  { key: 'assessments', path: 'assessments', title: () => 'boxes.assessments', built: false, visible: (a, c) => seesHub(a) && isSchool(c) },
  { key: 'plans', path: 'plans', title: () => 'boxes.plans', built: false, visible: (a, c) => seesHub(a) && isSchool(c) },
  { key: 'documentation', path: 'documentation', title: () => 'boxes.documentation', built: false, visible: (a, c) => seesHub(a) && isSchool(c) },
  { key: 'calendar', path: 'calendar', title: () => 'boxes.calendar', built: false, visible: (a) => seesHub(a) },
  { key: 'blog', path: 'blog', title: () => 'boxes.blog', built: false, visible: (a) => seesHub(a) },
  {
    key: 'care-schedule', path: 'care-schedule', built: false, guardianOnly: true,
    title: (c) => (c.unitKind === 'school' ? 'boxes.fritidsSchedule' : 'boxes.timeRegistration'),
    visible: (a, c) => isGuardian(a) && (c.unitKind === 'preschool' || c.inFritids),
  },
]

export function box(key: BoxKey): BoxDef {
  const def = BOXES.find((b) => b.key === key)
  if (!def) throw new Error(`No box ${key}`)
  return def
}

/** Marks a box as built and gives it its summary; called by the box's plugin. */
export function defineBox(key: BoxKey, impl: Pick<BoxDef, 'summary' | 'action'>): BoxDef {
  const def = box(key)
  def.built = true
  if (impl.summary) def.summary = impl.summary
  if (impl.action) def.action = impl.action
  return def
}

/** The facts as one boolean SQL expression (the start page reads it with the tiles' summaries). */
export function boxFactsQuery(db: Db, clock: Clock, child: Child) {
  const now = clock.now()
  return db.selectNoFrom((eb) => [
    eb.or([
      eb.exists(
        eb.selectFrom('talk_slots as s')
          .innerJoin('group_memberships as gm', 'gm.group_id', 's.group_id')
          .leftJoin('talk_bookings as b', 'b.slot_id', 's.id')
          .select('s.id')
          .where('gm.child_id', '=', child.id)
          .where('s.starts_at', '>', now)
          .where('b.slot_id', 'is', null),
      ),
      eb.exists(
        eb.selectFrom('talk_bookings as b').innerJoin('talk_slots as s', 's.id', 'b.slot_id')
          .select('b.slot_id').where('b.child_id', '=', child.id).where('s.starts_at', '>', now),
      ),
    ]).as('talks'),
  ])
}

export async function loadBoxFacts(db: Db, clock: Clock, child: Child): Promise<BoxFacts> {
  const row = await boxFactsQuery(db, clock, child).executeTakeFirstOrThrow()
  return { talksAvailable: Boolean(row.talks) }
}

export function visibleBoxes(actor: Actor, child: Child, facts: BoxFacts): BoxDef[] {
  return BOXES.filter((b) => b.visible(actor, child, facts))
}
