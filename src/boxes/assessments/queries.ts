import { sql } from 'kysely'
import type { Db, Executor } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'
import type { AuditEntry } from '../../audit/log.js'
import { auditedRead } from '../../audit/read.js'
import { TERM_ORDER_DESC } from '../../web/terms.js'

/** All SQL of Bedömningar. Every read of a child's assessments has the child id in its WHERE clause. */

/** How many assessments a page shows at most (the newest terms first). */
export const PAGE_MAX = 60
/** Terms the guardian's page shows when no term is asked for. */
export const DEFAULT_TERMS = 2
/** Terms listed as links at most. */
export const TERMS_MAX = 40

export interface AssessmentRow {
  id: number
  subject: string
  term: string
  grade: string
  comment: string
  assessed_on: string
  teacher: string | null
  published_at: string | null
}

const termOrder = sql.raw(TERM_ORDER_DESC('term'))
const aTermOrder = sql.raw(TERM_ORDER_DESC('a.term'))

const summaryStatement = compiledOnce((db: Db, childId: number, actorId: number) => db.selectFrom('assessments')
  .select([
    sql<number>`count(distinct subject)::int`.as('subjects'),
    sql<number>`(count(*) filter (where published_at > coalesce((select max(l.at) from audit_log l where l.child_id = ${childId} and l.actor_id = ${actorId} and l.action = 'assessments.read'), '-infinity')))::int`.as('fresh'),
  ])
  .where('child_id', '=', childId).where('published_at', 'is not', null), 2)

export function assessmentQueries(db: Executor) {
  return {
    /**
     * The guardian's or pupil's read, and its audit row, in one statement: the published
     * assessments of the asked term (or the newest DEFAULT_TERMS), and every term that has
     * published ones (for the links to earlier terms).
     */
    async publishedRead(childId: number, term: string | null, audit: AuditEntry) {
      const terms = (eb: Executor) => eb.selectFrom('assessments').select('term').distinct()
        .where('child_id', '=', childId).where('published_at', 'is not', null)
      const row = await auditedRead(db, audit)
        .selectNoFrom((eb) => [
          eb.selectFrom((qb) => qb.selectFrom('assessments as a')
            .leftJoin('persons as t', 't.id', 'a.teacher_id')
            .select(['a.id', 'a.subject', 'a.term', 'a.grade', 'a.comment', sql<string>`to_char(a.assessed_on, 'YYYY-MM-DD')`.as('assessed_on'),
              sql<string | null>`t.given_name || ' ' || t.family_name`.as('teacher'), 'a.published_at'])
            .where('a.child_id', '=', childId)
            .where('a.published_at', 'is not', null)
            .where((w) => term !== null
              ? w('a.term', '=', term)
              : w('a.term', 'in', w.selectFrom(terms(db).as('d')).select('d.term').orderBy(termOrder).limit(DEFAULT_TERMS)))
            .orderBy(aTermOrder).orderBy('a.subject').orderBy('a.assessed_on', 'desc').orderBy('a.id', 'desc')
            .limit(PAGE_MAX).as('x'))
            .select(sql<AssessmentRow[]>`coalesce(json_agg(x), '[]')`.as('j')).as('items'),
          eb.selectFrom((qb) => qb.selectFrom(terms(db).as('d')).select('term').orderBy(termOrder).limit(TERMS_MAX).as('y'))
            .select(sql<string[]>`coalesce(json_agg(y.term), '[]')`.as('j')).as('terms'),
        ])
        .executeTakeFirstOrThrow()
      return { items: (row.items ?? []) as AssessmentRow[], terms: (row.terms ?? []) as string[] }
    },

    /** The tile's counts: subjects with published assessments, and how many were published since this person last read the box. */
    /** The tile: subjects with a published assessment, and how many were published since this person last read them (compiled once). */
    async summary(childId: number, actorId: number) {
      return (await summaryStatement(db, childId, actorId)).rows[0]!
    },

    /** Staff: every assessment of the pupil (published or not), newest term first, bounded; with the read's audit row. */
    async staffRead(childId: number, audit: AuditEntry) {
      return auditedRead(db, audit).selectFrom('assessments as a')
        .leftJoin('persons as t', 't.id', 'a.teacher_id')
        .select(['a.id', 'a.subject', 'a.term', 'a.grade', 'a.comment', sql<string>`to_char(a.assessed_on, 'YYYY-MM-DD')`.as('assessed_on'),
          sql<string | null>`t.given_name || ' ' || t.family_name`.as('teacher'), 'a.published_at'])
        .where('a.child_id', '=', childId)
        .orderBy(aTermOrder).orderBy('a.subject').orderBy('a.id', 'desc')
        .limit(PAGE_MAX * 2).execute()
    },

    byId(id: number) {
      return db.selectFrom('assessments').selectAll().where('id', '=', id).executeTakeFirst()
    },

    insert(v: { childId: number; subject: string; term: string; grade: string; comment: string; assessedOn: string; teacherId: number; key: string | null; now: Date }) {
      return db.insertInto('assessments').values({
        child_id: v.childId, subject: v.subject, term: v.term, grade: v.grade, comment: v.comment, assessed_on: v.assessedOn,
        teacher_id: v.teacherId, published_at: v.now, created_at: v.now, updated_at: v.now, publish_key: v.key,
      }).onConflict((oc) => oc.column('publish_key').doNothing()).returning('id').executeTakeFirst()
    },

    update(id: number, v: { subject: string; term: string; grade: string; comment: string; assessedOn: string; now: Date }) {
      return db.updateTable('assessments').set({
        subject: v.subject, term: v.term, grade: v.grade, comment: v.comment, assessed_on: v.assessedOn, updated_at: v.now,
      }).where('id', '=', id).execute()
    },

    /** Publish (again) or unpublish; true when the state changed. */
    async setPublished(id: number, published: boolean, now: Date) {
      const r = await db.updateTable('assessments').set({ published_at: published ? now : null, updated_at: now })
        .where('id', '=', id).where('published_at', published ? 'is' : 'is not', null).executeTakeFirst()
      return Number(r.numUpdatedRows) === 1
    },

    /** Who is told of a newly published assessment: the pupil (with a login) and the pupil's guardians. */
    async recipients(childId: number): Promise<number[]> {
      const rows = await db.selectFrom('persons').select('id').where('id', '=', childId).where('username', 'is not', null)
        .union(db.selectFrom('guardianships').select('guardian_id as id').where('child_id', '=', childId)).execute()
      return rows.map((r) => r.id)
    },
  }
}
