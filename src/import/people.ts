import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { Actor } from '../people/service.js'
import type { Locale } from '../web/i18n.js'
import { sendActivationTo } from './activation.js'
import { unflatten, type ImportReport } from './ss12000.js'
import type { ImportError } from './tables.js'

/** Thrown for anything an actor may not see: the route answers 404. */
export class NotFound extends Error {
  constructor() { super('not found') }
}

function requireAdmin(actor: Actor | null | undefined): asserts actor is Actor {
  if (actor?.role !== 'admin') throw new NotFound()
}

export interface UnitRow { id: number; name: string; kind: 'school' | 'preschool'; people: number }

export async function listUnits(db: Db, actor: Actor): Promise<UnitRow[]> {
  requireAdmin(actor)
  const rows = await db.selectFrom('units as u')
    .select(['u.id', 'u.name', 'u.kind',
      sql<number>`(select count(*) from persons c where c.unit_id = u.id and c.ended_at is null)
        + (select count(distinct g.guardian_id) from guardianships g join persons c on c.id = g.child_id where c.unit_id = u.id)
        + (select count(*) from staff_units s where s.unit_id = u.id)`.as('people')])
    .orderBy('u.name').execute()
  return rows.map((r) => ({ ...r, people: Number(r.people) }))
}

export type AccountState = 'active' | 'invited' | 'expired' | 'none' | 'noEmail' | 'deactivated' | 'ended'

export interface PersonRow {
  id: number
  name: string
  role: 'child' | 'guardian' | 'staff' | 'admin'
  state: AccountState
  /** The link's expiry, for 'invited' and 'expired'. */
  stateDate: Date | null
  canResend: boolean
  canDeactivate: boolean
}

/** Who may log in at all: preschool children do not. */
const loginQuery = (db: Db, unitId: number) => db.selectFrom('persons as p')
  .leftJoin('units as u', 'u.id', 'p.unit_id')
  .select(['p.id', 'p.given_name', 'p.family_name', 'p.role', 'p.email', 'p.ended_at', 'p.deactivated_at',
    sql<boolean>`p.password_hash is not null`.as('active'),
    sql<boolean>`p.role <> 'child' or u.kind = 'school'`.as('logs_in'),
    sql<Date | null>`(select max(t.expires_at) from account_tokens t where t.person_id = p.id and t.purpose = 'activation' and t.used_at is null)`.as('link_until'),
  ])
  .where((eb) => eb.or([
    eb('p.unit_id', '=', unitId),
    eb.exists(eb.selectFrom('guardianships as g').innerJoin('persons as c', 'c.id', 'g.child_id')
      .select('g.child_id').whereRef('g.guardian_id', '=', 'p.id').where('c.unit_id', '=', unitId)),
    eb.exists(eb.selectFrom('staff_units as s').select('s.staff_id').whereRef('s.staff_id', '=', 'p.id').where('s.unit_id', '=', unitId)),
  ]))

type LoginRow = Awaited<ReturnType<ReturnType<typeof loginQuery>['execute']>>[number]

function stateOf(r: LoginRow, now: Date): { state: AccountState; stateDate: Date | null } {
  if (r.ended_at) return { state: 'ended', stateDate: null }
  if (r.deactivated_at) return { state: 'deactivated', stateDate: null }
  if (r.active) return { state: 'active', stateDate: null }
  if (!r.logs_in) return { state: 'none', stateDate: null }
  if (r.link_until) return { state: new Date(r.link_until) > now ? 'invited' : 'expired', stateDate: new Date(r.link_until) }
  if (!r.email) return { state: 'noEmail', stateDate: null }
  return { state: 'none', stateDate: null }
}

const ROLE_ORDER = { child: 0, guardian: 1, staff: 2, admin: 3 } as const

export async function unitPeople(db: Db, actor: Actor, unitId: number, now: Date): Promise<{ unit: { id: number; name: string }; people: PersonRow[] }> {
  requireAdmin(actor)
  const unit = await db.selectFrom('units').select(['id', 'name']).where('id', '=', unitId).executeTakeFirst()
  if (!unit) throw new NotFound()
  const rows = await loginQuery(db, unitId).orderBy('p.family_name').orderBy('p.given_name').orderBy('p.id').execute()
  const people = rows.map((r) => {
    const { state, stateDate } = stateOf(r, now)
    return {
      id: r.id, name: `${r.given_name} ${r.family_name}`, role: r.role, state, stateDate,
      canResend: r.logs_in && !!r.email && !r.ended_at && !r.active && r.role !== 'admin',
      canDeactivate: !r.ended_at && !r.deactivated_at && r.role !== 'admin' && (r.active || !!r.link_until),
    }
  })
  people.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role])
  return { unit, people }
}

async function personAtUnit(db: Db, unitId: number, personId: number) {
  const row = await loginQuery(db, unitId).select(['p.locale']).where('p.id', '=', personId).executeTakeFirst()
  if (!row) throw new NotFound()
  return row
}

export type ResendResult = { ok: true; name: string } | { ok: false; name: string; reason: 'active' | 'noEmail' | 'ended' | 'noAccount' }

/** A new 14-day link (replacing earlier ones); also how a deactivated account is given back. */
export async function resendActivation(db: Db, actor: Actor, unitId: number, personId: number, now: Date, baseUrl: string): Promise<ResendResult> {
  requireAdmin(actor)
  const p = await personAtUnit(db, unitId, personId)
  const name = `${p.given_name} ${p.family_name}`
  if (p.ended_at) return { ok: false, name, reason: 'ended' }
  if (p.active) return { ok: false, name, reason: 'active' }
  if (!p.logs_in || p.role === 'admin') return { ok: false, name, reason: 'noAccount' }
  if (!p.email) return { ok: false, name, reason: 'noEmail' }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('persons').set({ deactivated_at: null }).where('id', '=', p.id).execute()
    await sendActivationTo(trx, { id: p.id, email: p.email!, locale: p.locale as Locale, given_name: p.given_name }, now, baseUrl)
  })
  return { ok: true, name }
}

/** Turns an account off at once: no login, no open session, no usable link; the person's history stays. */
export async function deactivate(db: Db, actor: Actor, unitId: number, personId: number, now: Date): Promise<{ name: string }> {
  requireAdmin(actor)
  const p = await personAtUnit(db, unitId, personId)
  if (p.role === 'admin') throw new NotFound()
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('persons').set({ deactivated_at: now, password_hash: null }).where('id', '=', p.id).execute()
    await trx.deleteFrom('sessions').where(sql<boolean>`(data->>'personId')::int = ${p.id}`).execute()
    await trx.updateTable('account_tokens').set({ used_at: now }).where('person_id', '=', p.id).where('used_at', 'is', null).execute()
  })
  return { name: `${p.given_name} ${p.family_name}` }
}

export interface RunSummary {
  id: number
  kind: 'ss12000' | 'addresses'
  source: string
  status: 'ok' | 'rejected' | 'failed'
  startedAt: Date
  errorCount: number
}

export async function latestRuns(db: Db, actor: Actor, kind: 'ss12000' | 'addresses', limit = 5): Promise<RunSummary[]> {
  requireAdmin(actor)
  const rows = await db.selectFrom('import_runs').select(['id', 'kind', 'source', 'status', 'started_at', 'error_count'])
    .where('kind', '=', kind).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
  return rows.map((r) => ({ id: r.id, kind: r.kind, source: r.source, status: r.status, startedAt: r.started_at, errorCount: r.error_count }))
}

export interface RunDetails extends RunSummary {
  report: ImportReport | null
  counts: Record<string, number>
  errors: ImportError[]
}

export async function runDetails(db: Db, actor: Actor, runId: number): Promise<RunDetails> {
  requireAdmin(actor)
  const r = await db.selectFrom('import_runs').selectAll().where('id', '=', runId).executeTakeFirst()
  if (!r) throw new NotFound()
  return {
    id: r.id, kind: r.kind, source: r.source, status: r.status, startedAt: r.started_at, errorCount: r.error_count,
    report: r.kind === 'ss12000' && r.status === 'ok' ? unflatten(r.counts) : null, counts: r.counts, errors: r.errors,
  }
}
