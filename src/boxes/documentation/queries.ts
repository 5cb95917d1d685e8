import { sql } from 'kysely'
import type { Db, Executor } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'
import type { AuditEntry } from '../../audit/log.js'
import { auditedRead } from '../../audit/read.js'
import { TERM_ORDER_DESC } from '../../web/terms.js'

/** All SQL of Dokumentation. Every read of a child's documentation has the child id in its WHERE clause. */

export const PORTFOLIO_PAGE = 10
export const IUP_LIST_MAX = 20
export const ACCESS_MAX = 100

export interface EntryRow {
  id: number
  title: string
  body: string
  entry_date: string
  file_name: string | null
  file_type: string | null
  file_size: number | null
  file_is_image: boolean
  author: string | null
}
export interface IupRow {
  id: number
  term: string
  goals: string
  school_support: string
  home_support: string
  author: string | null
  updated_at: string
}

const termOrder = sql.raw(TERM_ORDER_DESC('term'))

const summaryStatement = compiledOnce((db: Db, childId: number, actorId: number) => db.selectNoFrom([
  sql<number>`(select count(*)::int from portfolio_entries e where e.child_id = ${childId} and e.removed_at is null
    and e.created_at > coalesce((select max(l.at) from audit_log l where l.child_id = ${childId} and l.actor_id = ${actorId} and l.action = 'documentation.read'), '-infinity'))`.as('fresh'),
  sql<number>`(select count(*)::int from portfolio_entries e where e.child_id = ${childId} and e.removed_at is null)`.as('entries'),
  sql<boolean>`exists (select 1 from iup_plans i where i.child_id = ${childId})`.as('has_iup'),
]), 2)

export function documentationQueries(db: Executor) {
  const entries = (childId: number) => db.selectFrom('portfolio_entries as e')
    .leftJoin('persons as a', 'a.id', 'e.author_id')
    .select(['e.id', 'e.title', 'e.body', sql<string>`to_char(e.entry_date, 'YYYY-MM-DD')`.as('entry_date'), 'e.file_name', 'e.file_type', 'e.file_size', 'e.file_is_image',
      sql<string | null>`a.given_name || ' ' || a.family_name`.as('author')])
    .where('e.child_id', '=', childId).where('e.removed_at', 'is', null)
    .orderBy('e.entry_date', 'desc').orderBy('e.id', 'desc')
  const iups = (childId: number) => db.selectFrom('iup_plans as i')
    .leftJoin('persons as a', 'a.id', 'i.author_id')
    .select(['i.id', 'i.term', 'i.goals', 'i.school_support', 'i.home_support', sql<string | null>`a.given_name || ' ' || a.family_name`.as('author'), 'i.updated_at'])
    .where('i.child_id', '=', childId)
  const iupTerms = (childId: number) => db.selectFrom('iup_plans').select(['id', 'term']).where('child_id', '=', childId).orderBy(termOrder).limit(IUP_LIST_MAX)

  return {
    /** A page of the portfolio (one more than a page, to know of a next), with the read's audit row: one statement. */
    async portfolioRead(childId: number, page: number, audit: AuditEntry): Promise<EntryRow[]> {
      return auditedRead(db, audit)
        .selectFrom(entries(childId).limit(PORTFOLIO_PAGE + 1).offset((page - 1) * PORTFOLIO_PAGE).as('x'))
        .selectAll().execute() as Promise<EntryRow[]>
    },

    /** One IUP (asked for, else the latest term's) and every term's IUP as links, with the read's audit row: one statement. */
    async iupRead(childId: number, iupId: number | null, audit: AuditEntry) {
      const chosen = iupId === null ? iups(childId).orderBy(sql.raw(TERM_ORDER_DESC('i.term'))).limit(1) : iups(childId).where('i.id', '=', iupId)
      const row = await auditedRead(db, audit).selectNoFrom((eb) => [
        eb.selectFrom(chosen.as('p')).select(sql<IupRow | null>`to_json(p)`.as('j')).as('plan'),
        eb.selectFrom(iupTerms(childId).as('l')).select(sql<{ id: number; term: string }[]>`coalesce(json_agg(l), '[]')`.as('j')).as('terms'),
      ]).executeTakeFirstOrThrow()
      return { plan: (row.plan ?? null) as IupRow | null, terms: (row.terms ?? []) as { id: number; term: string }[] }
    },

    /** A portfolio entry's stored file, with the download's audit row: one statement. */
    fileRead(childId: number, entryId: number, audit: AuditEntry) {
      return auditedRead(db, audit).selectFrom('portfolio_entries')
        .select(['file_key', 'file_name', 'file_type', 'file_is_image'])
        .where('child_id', '=', childId).where('id', '=', entryId).where('removed_at', 'is', null).where('file_key', 'is not', null)
        .executeTakeFirst()
    },

    /** Who on the staff read the child's documentation and assessments (the log's staff rows), newest first. */
    staffReads(childId: number) {
      return db.selectFrom('audit_log as l').leftJoin('persons as p', 'p.id', 'l.actor_id')
        .select(['l.at', 'l.action', 'l.detail', 'p.given_name', 'p.family_name'])
        .where('l.child_id', '=', childId).where('l.actor_role', 'in', ['staff', 'admin'])
        .where('l.action', 'in', ['assessments.read', 'documentation.read', 'documentation.file'])
        .orderBy('l.at', 'desc').orderBy('l.id', 'desc').limit(ACCESS_MAX).execute()
    },

    /** The tile's counts: entries since this person last read the box, entries in all, whether an IUP exists. */
    /** The tile: entries (new since this person last read them) and whether there is an IUP (compiled once). */
    async summary(childId: number, actorId: number) {
      return (await summaryStatement(db, childId, actorId)).rows[0]!
    },

    /** Staff: the pupil's latest entries and every term's IUP, with the read's audit row: one statement. */
    async staffRead(childId: number, audit: AuditEntry) {
      const row = await auditedRead(db, audit).selectNoFrom((eb) => [
        eb.selectFrom(entries(childId).limit(50).as('x')).select(sql<EntryRow[]>`coalesce(json_agg(x), '[]')`.as('j')).as('entries'),
        eb.selectFrom(iups(childId).orderBy(sql.raw(TERM_ORDER_DESC('i.term'))).limit(IUP_LIST_MAX).as('y')).select(sql<IupRow[]>`coalesce(json_agg(y), '[]')`.as('j')).as('iups'),
      ]).executeTakeFirstOrThrow()
      return { entries: (row.entries ?? []) as EntryRow[], iups: (row.iups ?? []) as IupRow[] }
    },

    entryById(entryId: number) {
      return db.selectFrom('portfolio_entries').selectAll().where('id', '=', entryId).where('removed_at', 'is', null).executeTakeFirst()
    },

    iupOfTerm(childId: number, term: string) {
      return db.selectFrom('iup_plans').selectAll().where('child_id', '=', childId).where('term', '=', term).executeTakeFirst()
    },

    insertEntry(v: { childId: number; title: string; body: string; date: string; file: { key: string; name: string; type: string; size: number; image: boolean } | null; authorId: number; key: string | null; now: Date }) {
      return db.insertInto('portfolio_entries').values({
        child_id: v.childId, title: v.title, body: v.body, entry_date: v.date, author_id: v.authorId, created_at: v.now, publish_key: v.key,
        file_key: v.file?.key ?? null, file_name: v.file?.name ?? null, file_type: v.file?.type ?? null, file_size: v.file?.size ?? null, file_is_image: v.file?.image ?? false,
      }).onConflict((oc) => oc.column('publish_key').doNothing()).returning('id').executeTakeFirst()
    },

    removeEntry(entryId: number, now: Date) {
      return db.updateTable('portfolio_entries').set({ removed_at: now }).where('id', '=', entryId).execute()
    },

    /** One IUP per pupil and term: writing the term again changes it. A row back: something was written (the same text again is nothing). */
    upsertIup(v: { childId: number; term: string; goals: string; schoolSupport: string; homeSupport: string; authorId: number; now: Date }) {
      return db.insertInto('iup_plans').values({
        child_id: v.childId, term: v.term, goals: v.goals, school_support: v.schoolSupport, home_support: v.homeSupport, author_id: v.authorId, created_at: v.now, updated_at: v.now,
      }).onConflict((oc) => oc.columns(['child_id', 'term']).doUpdateSet({
        goals: v.goals, school_support: v.schoolSupport, home_support: v.homeSupport, author_id: v.authorId, updated_at: v.now,
      }).where(sql<boolean>`(iup_plans.goals, iup_plans.school_support, iup_plans.home_support) is distinct from (excluded.goals, excluded.school_support, excluded.home_support)`))
        .returning('id').executeTakeFirst()
    },

    /** The pupil (with a login) and the pupil's guardians. */
    async recipients(childId: number): Promise<number[]> {
      const rows = await db.selectFrom('persons').select('id').where('id', '=', childId).where('username', 'is not', null)
        .union(db.selectFrom('guardianships').select('guardian_id as id').where('child_id', '=', childId)).execute()
      return rows.map((r) => r.id)
    },
  }
}
