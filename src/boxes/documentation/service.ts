import type { Db } from '../../db/index.js'
import { isIsoDate } from '../../clock.js'
import type { Actor, Child } from '../../people/service.js'
import { staffPupil, type StaffPupil } from '../../people/staff-pupils.js'
import { createNotifications } from '../../notify/notifications.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { excerpt, paragraphs, type Paragraph } from '../../web/plain-text.js'
import { documentationQueries, PORTFOLIO_PAGE, type EntryRow, type IupRow } from './queries.js'
import { EntryForm, IupForm } from './schemas.js'

/** Dokumentation (SPEC.md 4.11): portfolio and IUP behind the BankID step-up, every read audited; staff write for their pupils. */

export interface EntryView {
  id: number; title: string; paragraphs: Paragraph[]; date: string; author: string | null
  file: { name: string; size: number; image: boolean; href: string } | null
}
export interface IupView { id: number; term: string; goals: Paragraph[]; schoolSupport: Paragraph[]; homeSupport: Paragraph[]; author: string | null; updatedAt: Date }

const entryView = (r: EntryRow, fileBase: string): EntryView => ({
  id: r.id, title: r.title, paragraphs: paragraphs(r.body), date: r.entry_date, author: r.author,
  file: r.file_name ? { name: r.file_name, size: r.file_size ?? 0, image: r.file_is_image, href: `${fileBase}/${r.id}/file` } : null,
})
const iupView = (r: IupRow): IupView => ({
  id: r.id, term: r.term, goals: paragraphs(r.goals), schoolSupport: paragraphs(r.school_support), homeSupport: paragraphs(r.home_support),
  author: r.author, updatedAt: new Date(r.updated_at),
})

export interface ReadContext { actor: Actor; child: Child; orderRef: string | null; now: Date }
const audit = (c: ReadContext, action: string, detail: string) => ({ actor: c.actor, childId: c.child.id, action, detail, orderRef: c.orderRef, now: c.now })

/** The portfolio tab: a page of entries, newest first; the read is audited in the same statement. */
export async function portfolioPage(db: Db, c: ReadContext, page: number) {
  const rows = await documentationQueries(db).portfolioRead(c.child.id, page, audit(c, 'documentation.read', page > 1 ? `portfolio:${page}` : 'portfolio'))
  const base = `/children/${c.child.id}/documentation/portfolio`
  return { entries: rows.slice(0, PORTFOLIO_PAGE).map((r) => entryView(r, base)), page, hasNext: rows.length > PORTFOLIO_PAGE }
}

/** The IUP tab: the latest term's IUP (or the one asked for) and the list of every term's; audited in the same statement. */
export async function iupPage(db: Db, c: ReadContext, iupId: number | null) {
  const { plan, terms } = await documentationQueries(db).iupRead(c.child.id, iupId, audit(c, 'documentation.read', iupId === null ? 'iup' : `iup:${iupId}`))
  return { plan: plan ? iupView(plan) : null, terms, latestId: terms[0]?.id ?? null }
}

/** A portfolio entry's file for download (null: not there); the download is audited. */
export async function portfolioFile(db: Db, c: ReadContext, entryId: number) {
  return documentationQueries(db).fileRead(c.child.id, entryId, audit(c, 'documentation.file', `portfolio:${entryId}`))
}

/** Who on the staff read the child's documentation and assessments. */
export async function staffReadsOf(db: Db, child: Child) {
  const rows = await documentationQueries(db).staffReads(child.id)
  return rows.map((r) => ({ at: r.at, action: r.action, detail: r.detail, name: r.given_name ? `${r.given_name} ${r.family_name}` : null }))
}

/** The tile: counts only (the content is behind the step-up). */
export async function documentationSummary({ db, actor, child }: BoxContext): Promise<BoxSummary | null> {
  const s = await documentationQueries(db).summary(child.id, actor.id)
  if (s.fresh > 0) return { key: 'documentation:summary.fresh', params: { count: s.fresh } }
  if (s.entries > 0) return { key: s.has_iup ? 'documentation:summary.entriesAndIup' : 'documentation:summary.entries', params: { count: s.entries } }
  return { key: s.has_iup ? 'documentation:summary.iupOnly' : 'documentation:summary.none' }
}

// ---- Staff: their own pupils only ----

export async function staffRead(db: Db, actor: Actor, childId: number, now: Date): Promise<{ pupil: StaffPupil; entries: EntryView[]; iups: IupView[] } | null> {
  const pupil = await staffPupil(db, actor, childId)
  if (!pupil) return null
  const { entries, iups } = await documentationQueries(db).staffRead(pupil.id, { actor, childId: pupil.id, action: 'documentation.read', detail: 'staff', now })
  return { pupil, entries: entries.map((r) => entryView(r, '/staff/documentation/portfolio')), iups: iups.map(iupView) }
}

export interface EntryInput { title: string; body: string; date: string }

export function parseEntry(fields: unknown): { ok: true; input: EntryInput; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues } {
  const parsed = parseForm(EntryForm, fields)
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  const v = parsed.values
  if (!errors.date && !isIsoDate(v.date)) errors.date = { key: 'documentation:errors.date' }
  if (!parsed.ok || Object.keys(errors).length) return { ok: false, errors, values: v }
  return { ok: true, values: v, input: { title: parsed.value.title, body: parsed.value.body, date: parsed.value.date } }
}

const validKey = (raw: unknown) => (typeof raw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null)

/** A new portfolio entry for a pupil of the staff member's groups; the same key twice writes once. Tells the family. */
export async function publishEntry(db: Db, actor: Actor, childId: number, input: EntryInput, file: { key: string; name: string; type: string; size: number; image: boolean } | null, key: unknown, now: Date) {
  return db.transaction().execute(async (trx) => {
    if (!(await staffPupil(trx, actor, childId))) return null
    const q = documentationQueries(trx)
    const row = await q.insertEntry({ childId, ...input, file, authorId: actor.id, key: validKey(key), now })
    if (!row) return { created: false }
    await createNotifications(trx, {
      recipientIds: await q.recipients(childId), childId, area: 'documentation', kind: 'portfolioPublished',
      params: { title: excerpt(input.title, 80) }, link: `/children/${childId}/documentation`, now,
    })
    return { created: true }
  })
}

/** A portfolio entry the staff member may act on (a pupil of theirs), or null (404). */
export async function staffEntry(db: Db, actor: Actor, entryId: number) {
  const row = await documentationQueries(db).entryById(entryId)
  if (!row) return null
  const pupil = await staffPupil(db, actor, row.child_id)
  return pupil ? { row, pupil } : null
}

export async function removeEntry(db: Db, entryId: number, now: Date) {
  await documentationQueries(db).removeEntry(entryId, now)
}

export async function iupFormValues(db: Db, childId: number, term: string): Promise<FormValues> {
  const row = await documentationQueries(db).iupOfTerm(childId, term)
  return row ? { term, goals: row.goals, schoolSupport: row.school_support, homeSupport: row.home_support } : { term }
}

export function parseIup(body: unknown) {
  return parseForm(IupForm, body)
}

/** Writes the pupil's IUP for a term (again: changes it), and tells the family. */
export async function saveIup(db: Db, actor: Actor, childId: number, input: { term: string; goals: string; schoolSupport?: string; homeSupport?: string }, now: Date) {
  return db.transaction().execute(async (trx) => {
    if (!(await staffPupil(trx, actor, childId))) return false
    const q = documentationQueries(trx)
    const written = await q.upsertIup({ childId, term: input.term, goals: input.goals, schoolSupport: input.schoolSupport ?? '', homeSupport: input.homeSupport ?? '', authorId: actor.id, now })
    // A double submit (the same text again) writes nothing and tells no one again.
    if (written) await createNotifications(trx, {
      recipientIds: await q.recipients(childId), childId, area: 'documentation', kind: 'iupPublished', link: `/children/${childId}/documentation/iup`, now,
    })
    return true
  })
}
