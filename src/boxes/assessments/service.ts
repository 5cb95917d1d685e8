import type { Db } from '../../db/index.js'
import { isIsoDate } from '../../clock.js'
import type { Actor, Child } from '../../people/service.js'
import { staffPupil, type StaffPupil } from '../../people/staff-pupils.js'
import { createNotifications } from '../../notify/notifications.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { paragraphs, type Paragraph } from '../../web/plain-text.js'
import { compareTermsDesc } from '../../web/terms.js'
import { assessmentQueries, type AssessmentRow } from './queries.js'
import { AssessmentForm } from './schemas.js'

/** Bedömningar (SPEC.md 4.9): published assessments behind the BankID step-up; staff publish for their pupils. */

export interface AssessmentView {
  id: number
  subject: string
  grade: string
  comment: Paragraph[]
  date: string
  teacher: string | null
  published: boolean
}
export interface SubjectGroup { subject: string; items: AssessmentView[] }
export interface TermGroup { term: string; subjects: SubjectGroup[] }

const toView = (r: AssessmentRow): AssessmentView => ({
  id: r.id, subject: r.subject, grade: r.grade, comment: paragraphs(r.comment), date: r.assessed_on, teacher: r.teacher, published: r.published_at !== null,
})

/** Rows (newest term first, then by subject) grouped by term, then subject. */
export function groupByTermAndSubject(rows: AssessmentRow[]): TermGroup[] {
  const terms: TermGroup[] = []
  for (const r of [...rows].sort((a, b) => compareTermsDesc(a.term, b.term) || a.subject.localeCompare(b.subject, 'sv'))) {
    let t = terms.at(-1)
    if (!t || t.term !== r.term) terms.push(t = { term: r.term, subjects: [] })
    let s = t.subjects.at(-1)
    if (!s || s.subject !== r.subject) t.subjects.push(s = { subject: r.subject, items: [] })
    s.items.push(toView(r))
  }
  return terms
}

/** The guardian's or pupil's page: published assessments (one term, or the newest two), written to the audit log in the same statement. */
export async function readPublished(db: Db, actor: Actor, child: Child, term: string | null, orderRef: string | null, now: Date) {
  const { items, terms } = await assessmentQueries(db).publishedRead(child.id, term, {
    actor, childId: child.id, action: 'assessments.read', detail: term, orderRef, now,
  })
  return { terms: groupByTermAndSubject(items), allTerms: terms, term }
}

/** The tile: counts only (the grades are behind the step-up). */
export async function assessmentsSummary({ db, actor, child }: BoxContext): Promise<BoxSummary | null> {
  const { subjects, fresh } = await assessmentQueries(db).summary(child.id, actor.id)
  if (fresh > 0) return { key: 'assessments:summary.fresh', params: { count: fresh } }
  if (subjects > 0) return { key: 'assessments:summary.subjects', params: { count: subjects } }
  return { key: 'assessments:summary.none' }
}

// ---- Staff: their own pupils only ----

/** A pupil's assessments for staff who teach the pupil (null: not theirs, 404); audited as a read by staff. */
export async function staffRead(db: Db, actor: Actor, childId: number, now: Date): Promise<{ pupil: StaffPupil; terms: TermGroup[] } | null> {
  const pupil = await staffPupil(db, actor, childId)
  if (!pupil) return null
  const rows = await assessmentQueries(db).staffRead(pupil.id, { actor, childId: pupil.id, action: 'assessments.read', detail: 'staff', now })
  return { pupil, terms: groupByTermAndSubject(rows.map((r) => ({ ...r, published_at: r.published_at ? String(r.published_at) : null }))) }
}

export interface AssessmentInput { subject: string; term: string; grade: string; comment: string; assessedOn: string }

export function parseAssessment(body: unknown): { ok: true; input: AssessmentInput; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues } {
  const parsed = parseForm(AssessmentForm, body)
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  const v = parsed.values
  if (!errors.date && !isIsoDate(v.date)) errors.date = { key: 'assessments:errors.date' }
  if (!parsed.ok || Object.keys(errors).length) return { ok: false, errors, values: v }
  const x = parsed.value
  return { ok: true, values: v, input: { subject: x.subject, term: x.term, grade: x.grade, comment: x.comment ?? '', assessedOn: x.date } }
}

const validKey = (raw: unknown) => (typeof raw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null)

async function notifyPublished(db: Db, childId: number, now: Date) {
  await createNotifications(db, {
    recipientIds: await assessmentQueries(db).recipients(childId), childId, area: 'assessments',
    kind: 'assessmentPublished', link: `/children/${childId}/assessments`, now,
  })
}

/** Publishes a new assessment for a pupil of the staff member's groups; a double submit (same key) publishes once. */
export async function publishAssessment(db: Db, actor: Actor, childId: number, input: AssessmentInput, key: unknown, now: Date): Promise<{ created: boolean } | null> {
  return db.transaction().execute(async (trx) => {
    if (!(await staffPupil(trx, actor, childId))) return null
    const row = await assessmentQueries(trx).insert({ childId, ...input, teacherId: actor.id, key: validKey(key), now })
    if (!row) return { created: false }
    await notifyPublished(trx as unknown as Db, childId, now)
    return { created: true }
  })
}

/** An assessment the staff member may change (a pupil of theirs), or null (404). */
export async function staffAssessment(db: Db, actor: Actor, id: number) {
  const row = await assessmentQueries(db).byId(id)
  if (!row) return null
  const pupil = await staffPupil(db, actor, row.child_id)
  return pupil ? { row, pupil } : null
}

export function formValuesOf(row: { subject: string; term: string; grade: string; comment: string; assessed_on: string }): FormValues {
  return { subject: row.subject, term: row.term, grade: row.grade, comment: row.comment, date: row.assessed_on }
}

export async function updateAssessment(db: Db, id: number, input: AssessmentInput, now: Date): Promise<void> {
  await assessmentQueries(db).update(id, { ...input, now })
}

/** Publish again or unpublish; publishing again tells the family like a new one. */
export async function setVisibility(db: Db, id: number, childId: number, published: boolean, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const changed = await assessmentQueries(trx).setPublished(id, published, now)
    if (changed && published) await notifyPublished(trx as unknown as Db, childId, now)
    return changed
  })
}
