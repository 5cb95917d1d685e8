import { randomUUID } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { Db } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'
import { addDaysIso, isoWeekOf, parseIsoWeekKey, isoWeekKey, type Clock, type IsoDate } from '../../clock.js'
import type { Actor, Child } from '../../people/service.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'

/** Planeringar: the teachers' plans per subject for the pupil's groups (SPEC.md 4.10). */

export const PlanForm = Type.Object({
  group: Type.String({ pattern: '^[0-9]{1,9}$', errorKey: 'plans:errors.group' }),
  subject: Type.String({ maxLength: 100 }),
  title: Type.String({ maxLength: 200 }),
  from: Type.String({ pattern: '^[0-9]{4}-W[0-9]{1,2}$', errorKey: 'plans:errors.week' }),
  to: Type.String({ pattern: '^[0-9]{4}-W[0-9]{1,2}$', errorKey: 'plans:errors.week' }),
  content: Type.Optional(Type.String({ maxLength: 8000 })),
  goals: Type.Optional(Type.String({ maxLength: 8000 })),
  assessment: Type.Optional(Type.String({ maxLength: 8000 })),
  key: Type.Optional(Type.String({ maxLength: 64 })),
})

export interface PlanView {
  id: number; subject: string; title: string; group: string; startsOn: IsoDate; endsOn: IsoDate
  fromWeek: number; toWeek: number; inProgress: boolean; content: string; goals: string; assessment: string
}

export interface AttachmentView { id: number; filename: string; size: number; type: string }

const attachmentViews = (rows: { id: number; filename: string; size_bytes: string | number; content_type: string }[]): AttachmentView[] =>
  rows.map((a) => ({ id: a.id, filename: a.filename, size: Number(a.size_bytes), type: a.content_type }))

function toView(r: { id: number; subject: string; title: string; group_name: string; starts_on: IsoDate; ends_on: IsoDate; content: string; goals: string; assessment: string }, today: IsoDate): PlanView {
  return {
    id: r.id, subject: r.subject, title: r.title, group: r.group_name, startsOn: r.starts_on, endsOn: r.ends_on,
    fromWeek: isoWeekOf(r.starts_on).week, toWeek: isoWeekOf(r.ends_on).week, inProgress: r.starts_on <= today && today <= r.ends_on,
    content: r.content, goals: r.goals, assessment: r.assessment,
  }
}

/** The tile: how many of the child's published plans are in progress today (compiled once: every start page reads it). */
const currentCountStatement = compiledOnce((db: Db, childId: number, today: IsoDate) => db.selectFrom('plans as p')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .where('p.group_id', 'in', (eb) => eb.selectFrom('group_memberships').select('group_id').where('child_id', '=', childId))
  .where('p.published', '=', true)
  .where('p.starts_on', '<=', today).where('p.ends_on', '>=', today), 2)

async function currentPlanCount(db: Db, childId: number, today: IsoDate): Promise<number> {
  return Number((await currentCountStatement(db, childId, today)).rows[0]?.n ?? 0)
}

function childPlans(db: Db, childId: number) {
  return db.selectFrom('plans as p').innerJoin('groups as g', 'g.id', 'p.group_id')
    .select(['p.id', 'p.subject', 'p.title', 'g.name as group_name', 'p.starts_on', 'p.ends_on', 'p.content', 'p.goals', 'p.assessment'])
    .where('p.group_id', 'in', (eb) => eb.selectFrom('group_memberships').select('group_id').where('child_id', '=', childId))
    .where('p.published', '=', true)
}

/** The child's plans: those in progress or ahead first (by subject), then the earlier ones (a bounded number). */
export async function plansOfChild(db: Db, clock: Clock, child: Child): Promise<{ current: PlanView[]; earlier: PlanView[] }> {
  const today = clock.today()
  const rows = await childPlans(db, child.id).orderBy('p.ends_on', 'desc').orderBy('p.subject').limit(60).execute()
  const views = rows.map((r) => toView(r, today))
  return {
    current: views.filter((p) => p.endsOn >= today).sort((a, b) => a.subject.localeCompare(b.subject, 'sv') || a.startsOn.localeCompare(b.startsOn)),
    earlier: views.filter((p) => p.endsOn < today),
  }
}

export async function planOfChild(db: Db, clock: Clock, child: Child, planId: number): Promise<(PlanView & { attachments: AttachmentView[] }) | null> {
  // The attachments come with the plan, in the same statement.
  const row = await childPlans(db, child.id)
    .select((eb) => jsonArrayFrom(eb.selectFrom('plan_attachments as a').select(['a.id', 'a.filename', 'a.size_bytes', 'a.content_type'])
      .whereRef('a.plan_id', '=', 'p.id').orderBy('a.id')).as('attachments'))
    .where('p.id', '=', planId).executeTakeFirst()
  return row ? { ...toView(row, clock.today()), attachments: attachmentViews(row.attachments) } : null
}

/** An attachment of a published plan of one of the child's groups (so: for the child's guardians and the pupil). */
export async function attachmentForChild(db: Db, child: Child, planId: number, attachmentId: number) {
  return (await db.selectFrom('plan_attachments as a').innerJoin('plans as p', 'p.id', 'a.plan_id')
    .select(['a.filename', 'a.content_type', 'a.storage_key'])
    .where('a.id', '=', attachmentId).where('a.plan_id', '=', planId).where('p.published', '=', true)
    .where('p.group_id', 'in', (eb) => eb.selectFrom('group_memberships').select('group_id').where('child_id', '=', child.id))
    .executeTakeFirst()) ?? null
}

export async function plansSummary({ db, clock, child }: BoxContext): Promise<BoxSummary | null> {
  const count = await currentPlanCount(db, child.id, clock.today())
  return count ? { key: 'plans:summary.current', params: { count } } : { key: 'plans:summary.none' }
}

// ---- Staff: plans for their own groups only ----

export async function staffGroups(db: Db, actor: Actor) {
  return db.selectFrom('staff_groups as sg').innerJoin('groups as g', 'g.id', 'sg.group_id').innerJoin('units as u', 'u.id', 'g.unit_id')
    .select(['g.id', 'g.name', 'u.name as unit_name']).where('sg.staff_id', '=', actor.id).where('u.kind', '=', 'school').orderBy('g.name').execute()
}

function staffPlan(db: Db, actor: Actor, planId: number) {
  return db.selectFrom('plans').selectAll().where('id', '=', planId)
    .where('group_id', 'in', (eb) => eb.selectFrom('staff_groups').select('group_id').where('staff_id', '=', actor.id)).executeTakeFirst()
}

export async function staffPlans(db: Db, clock: Clock, actor: Actor) {
  const rows = await db.selectFrom('plans as p').innerJoin('groups as g', 'g.id', 'p.group_id')
    .select(['p.id', 'p.subject', 'p.title', 'g.name as group_name', 'p.starts_on', 'p.ends_on', 'p.content', 'p.goals', 'p.assessment', 'p.published'])
    .where('p.group_id', 'in', (eb) => eb.selectFrom('staff_groups').select('group_id').where('staff_id', '=', actor.id))
    .orderBy('p.ends_on', 'desc').limit(50).execute()
  return rows.map((r) => ({ ...toView(r, clock.today()), published: r.published }))
}

export interface PlanInput { groupId: number; subject: string; title: string; startsOn: IsoDate; endsOn: IsoDate; content: string; goals: string; assessment: string }

export async function parsePlan(db: Db, actor: Actor, body: unknown): Promise<{ ok: true; input: PlanInput; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues }> {
  const parsed = parseForm(PlanForm, body)
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  const v = parsed.values
  const groups = await staffGroups(db, actor)
  if (!errors.group && !groups.some((g) => String(g.id) === v.group)) errors.group = { key: 'plans:errors.group' }
  const from = errors.from ? null : parseIsoWeekKey(v.from)
  const to = errors.to ? null : parseIsoWeekKey(v.to)
  if (!errors.from && !from) errors.from = { key: 'plans:errors.week' }
  if (!errors.to && !to) errors.to = { key: 'plans:errors.week' }
  if (from && to && to < from) errors.to = { key: 'plans:errors.toBeforeFrom' }
  if (!parsed.ok || Object.keys(errors).length || !from || !to) return { ok: false, errors, values: v }
  const x = parsed.value
  return { ok: true, values: v, input: { groupId: Number(x.group), subject: x.subject, title: x.title, startsOn: from, endsOn: addDaysIso(to, 6), content: x.content ?? '', goals: x.goals ?? '', assessment: x.assessment ?? '' } }
}

const validKey = (raw: unknown) => (typeof raw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null)

export async function createPlan(db: Db, actor: Pick<Actor, 'id'>, input: PlanInput, key: unknown, now: Date): Promise<number> {
  const publishKey = validKey(key)
  const row = await db.insertInto('plans').values({
    group_id: input.groupId, subject: input.subject, title: input.title, starts_on: input.startsOn, ends_on: input.endsOn,
    content: input.content, goals: input.goals, assessment: input.assessment, created_by: actor.id, publish_key: publishKey, created_at: now, updated_at: now,
  }).onConflict((oc) => oc.column('publish_key').doNothing()).returning('id').executeTakeFirst()
  if (row) return row.id
  return (await db.selectFrom('plans').select('id').where('publish_key', '=', publishKey!).executeTakeFirstOrThrow()).id
}

export async function planFormValues(db: Db, actor: Actor, planId: number): Promise<FormValues | null> {
  const p = await staffPlan(db, actor, planId)
  if (!p) return null
  return { group: String(p.group_id), subject: p.subject, title: p.title, from: isoWeekKey(p.starts_on), to: isoWeekKey(p.ends_on), content: p.content, goals: p.goals, assessment: p.assessment, status: p.published ? 'published' : 'hidden' }
}

export async function updatePlan(db: Db, actor: Actor, planId: number, input: PlanInput, now: Date): Promise<boolean> {
  if (!(await staffPlan(db, actor, planId))) return false
  await db.updateTable('plans').set({
    group_id: input.groupId, subject: input.subject, title: input.title, starts_on: input.startsOn, ends_on: input.endsOn,
    content: input.content, goals: input.goals, assessment: input.assessment, updated_at: now,
  }).where('id', '=', planId).execute()
  return true
}

export async function setPlanPublished(db: Db, actor: Actor, planId: number, published: boolean, now: Date): Promise<boolean> {
  if (!(await staffPlan(db, actor, planId))) return false
  await db.updateTable('plans').set({ published, updated_at: now }).where('id', '=', planId).execute()
  return true
}

// ---- Attachments ----

/** A plan's attachments for the staff's form (the plan is theirs: checked by the caller). */
export async function planAttachments(db: Db, planId: number): Promise<AttachmentView[]> {
  const rows = await db.selectFrom('plan_attachments').select(['id', 'filename', 'size_bytes', 'content_type']).where('plan_id', '=', planId).orderBy('id').execute()
  return attachmentViews(rows)
}

/** An attachment for staff of the plan's unit (the plan's group is at one of their units). */
export async function attachmentForStaff(db: Db, actor: Actor, planId: number, attachmentId: number) {
  return (await db.selectFrom('plan_attachments as a').innerJoin('plans as p', 'p.id', 'a.plan_id').innerJoin('groups as g', 'g.id', 'p.group_id')
    .select(['a.filename', 'a.content_type', 'a.storage_key'])
    .where('a.id', '=', attachmentId).where('a.plan_id', '=', planId)
    .where('g.unit_id', 'in', (eb) => eb.selectFrom('staff_units').select('unit_id').where('staff_id', '=', actor.id))
    .executeTakeFirst()) ?? null
}

export interface NewAttachment { key: string; filename: string; type: string; size: number }

/** Attaches a stored file to a plan of the staff member's groups; a repeated upload key attaches once. */
export async function addAttachment(db: Db, actor: Actor, planId: number, file: NewAttachment, key: unknown, now: Date): Promise<'added' | 'again' | 'notFound'> {
  if (!(await staffPlan(db, actor, planId))) return 'notFound'
  const row = await db.insertInto('plan_attachments').values({
    plan_id: planId, filename: file.filename, content_type: file.type, size_bytes: file.size, storage_key: file.key,
    uploaded_by: actor.id, created_at: now, upload_key: validKey(key) ?? randomUUID(),
  }).onConflict((oc) => oc.column('upload_key').doNothing()).returning('id').executeTakeFirst()
  if (row) await db.updateTable('plans').set({ updated_at: now }).where('id', '=', planId).execute()
  return row ? 'added' : 'again'
}

/** Removes an attachment from a plan of the staff member's groups (the bytes stay: keys may be shared). */
export async function removeAttachment(db: Db, actor: Actor, planId: number, attachmentId: number): Promise<boolean> {
  if (!(await staffPlan(db, actor, planId))) return false
  const gone = await db.deleteFrom('plan_attachments').where('id', '=', attachmentId).where('plan_id', '=', planId).executeTakeFirst()
  return Number(gone.numDeletedRows) > 0
}

/** Whether the plan is one of the staff member's groups'. */
export async function isStaffPlan(db: Db, actor: Actor, planId: number): Promise<boolean> {
  return (await staffPlan(db, actor, planId)) !== undefined
}
