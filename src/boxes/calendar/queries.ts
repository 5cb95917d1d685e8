import { sql, type ExpressionBuilder } from 'kysely'
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres'
import type { Db, Executor } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'
import type { Database } from '../../db/types.js'
import type { IsoDate } from '../../clock.js'
import { bookedTalks, type BookedTalkRow } from '../../people/talk-bookings.js'
import type { EventKind, QuestionKind } from './tables.js'

/** Items (alias `t`) of the child's groups, or of the child's whole unit (group_id null). */
function forChild(t: string, childId: number) {
  const group = sql.ref(`${t}.group_id`)
  const unit = sql.ref(`${t}.unit_id`)
  // `= any(array(...))`, not `in (select ...)`: the planner can then use the (group_id, date)
  // index for the child's groups beside the unit's rows (a bitmap OR) instead of filtering
  // every unit's rows in the date range (district: 24 buffers instead of 3,900 for a month).
  return sql<boolean>`(${group} = any(array(select gm.group_id from group_memberships gm where gm.child_id = ${childId}))
    or (${group} is null and ${unit} = (select cp.unit_id from persons cp where cp.id = ${childId})))`
}

/** Items (alias `t`) the staff member manages: of their groups, or (group_id null) of their units. */
function forStaff(t: string, staffId: number) {
  const group = sql.ref(`${t}.group_id`)
  const unit = sql.ref(`${t}.unit_id`)
  return sql<boolean>`(${group} in (select sg.group_id from staff_groups sg where sg.staff_id = ${staffId})
    or (${group} is null and ${unit} in (select su.unit_id from staff_units su where su.staff_id = ${staffId})))`
}

export interface EventRow {
  id: number; kind: EventKind; title: string; body: string; date: IsoDate; starts_at: string | null; ends_at: string | null
  group_name: string | null; unit_name: string
}
export interface SurveyRow { id: number; title: string; body: string; date: IsoDate; closes_on: IsoDate; group_name: string | null; unit_name: string; answered: boolean }
export interface QuestionRow { id: number; kind: QuestionKind; prompt: string; options: { id: number; label: string }[] }
export interface AnswerRow { question_id: number; option_id: number | null; text: string | null }

function eventsQuery(db: Executor) {
  return db.selectFrom('calendar_events as e')
    .innerJoin('units as u', 'u.id', 'e.unit_id')
    .leftJoin('groups as g', 'g.id', 'e.group_id')
    .select(['e.id', 'e.kind', 'e.title', 'e.body', 'e.date', 'e.starts_at', 'e.ends_at', 'g.name as group_name', 'u.name as unit_name'])
}

function surveysQuery(db: Executor, childId: number) {
  return db.selectFrom('surveys as s')
    .innerJoin('units as u', 'u.id', 's.unit_id')
    .leftJoin('groups as g', 'g.id', 's.group_id')
    .select((eb) => ['s.id', 's.title', 's.body', 's.date', 's.closes_on', 'g.name as group_name', 'u.name as unit_name',
      eb.exists(eb.selectFrom('survey_responses as r').select('r.child_id').whereRef('r.survey_id', '=', 's.id').where('r.child_id', '=', childId)).as('answered')])
}

function questionsOf(db: Executor) {
  return (eb: ExpressionBuilder<Database, 'surveys'>) => jsonArrayFrom(eb.selectFrom('survey_questions as q')
    .select((qb) => ['q.id', 'q.kind', 'q.prompt', jsonArrayFrom(qb.selectFrom('survey_options as o').select(['o.id', 'o.label']).whereRef('o.question_id', '=', 'q.id').orderBy('o.position')).as('options')])
    .whereRef('q.survey_id', '=', sql.ref('surveys.id')).orderBy('q.position'))
}

export function calendarQueries(db: Executor) {
  return Object.freeze({
    /** The child's events, surveys and booked talks between two dates, in one statement. */
    async range(childId: number, from: IsoDate, to: IsoDate) {
      const row = await db.selectNoFrom([
        jsonArrayFrom(eventsQuery(db).where(forChild('e', childId)).where('e.published', '=', true)
          .where('e.date', '>=', from).where('e.date', '<=', to).orderBy('e.date').orderBy(sql`e.starts_at nulls first`).orderBy('e.id')).as('events'),
        jsonArrayFrom(surveysQuery(db, childId).where(forChild('s', childId)).where('s.published', '=', true)
          .where('s.date', '>=', from).where('s.date', '<=', to).orderBy('s.date').orderBy('s.id')).as('surveys'),
        jsonArrayFrom(bookedTalks(db, childId, from, to)).as('talks'),
      ]).executeTakeFirstOrThrow()
      return row as unknown as { events: EventRow[]; surveys: SurveyRow[]; talks: BookedTalkRow[] }
    },

    async eventForChild(childId: number, eventId: number): Promise<EventRow | undefined> {
      return eventsQuery(db).where('e.id', '=', eventId).where(forChild('e', childId)).where('e.published', '=', true).executeTakeFirst()
    },

    /** A published survey of the child's with its questions, the child's answers and who answered. */
    async surveyForChild(childId: number, surveyId: number) {
      const row = await db.selectFrom('surveys')
        .innerJoin('units as u', 'u.id', 'surveys.unit_id')
        .leftJoin('groups as g', 'g.id', 'surveys.group_id')
        .select((eb) => [
          'surveys.id', 'surveys.title', 'surveys.body', 'surveys.date', 'surveys.closes_on', 'g.name as group_name', 'u.name as unit_name',
          questionsOf(db)(eb as never).as('questions'),
          jsonObjectFrom(eb.selectFrom('survey_responses as r').innerJoin('persons as p', 'p.id', 'r.answered_by')
            .select(['r.answered_at', 'r.answered_by', 'p.given_name', 'p.family_name'])
            .whereRef('r.survey_id', '=', 'surveys.id').where('r.child_id', '=', childId)).as('response'),
          jsonArrayFrom(eb.selectFrom('survey_answers as a').select(['a.question_id', 'a.option_id', 'a.text'])
            .whereRef('a.survey_id', '=', 'surveys.id').where('a.child_id', '=', childId)).as('answers'),
        ])
        .where('surveys.id', '=', surveyId).where(forChild('surveys', childId)).where('surveys.published', '=', true)
        .executeTakeFirst()
      return row as unknown as (Omit<SurveyRow, 'answered'> & {
        questions: QuestionRow[]
        response: { answered_at: string; answered_by: number; given_name: string; family_name: string } | null
        answers: AnswerRow[]
      }) | undefined
    },

    /** Replaces the child's answer (one per child: the key), in the caller's transaction. */
    async saveResponse(surveyId: number, childId: number, by: number, now: Date, answers: { questionId: number; optionId: number | null; text: string | null }[]) {
      await db.insertInto('survey_responses').values({ survey_id: surveyId, child_id: childId, answered_by: by, answered_at: now })
        .onConflict((oc) => oc.columns(['survey_id', 'child_id']).doUpdateSet({ answered_by: by, answered_at: now })).execute()
      await db.deleteFrom('survey_answers').where('survey_id', '=', surveyId).where('child_id', '=', childId).execute()
      if (answers.length) {
        await db.insertInto('survey_answers').values(answers.map((a) => ({ survey_id: surveyId, child_id: childId, question_id: a.questionId, option_id: a.optionId, text: a.text }))).execute()
      }
    },

    /** Locks the survey's row while an answer is written, so two guardians' answers follow each other. */
    async lockSurvey(surveyId: number) {
      return db.selectFrom('surveys').select(['id', 'closes_on', 'published']).where('id', '=', surveyId).forUpdate().executeTakeFirst()
    },

    // ---- the feed's secret ----
    async feedToken(personId: number): Promise<string | null> {
      return (await db.selectFrom('calendar_feed_secrets').select('token').where('person_id', '=', personId).executeTakeFirst())?.token ?? null
    },
    async personByFeedToken(token: string): Promise<number | null> {
      return (await db.selectFrom('calendar_feed_secrets').select('person_id').where('token', '=', token).executeTakeFirst())?.person_id ?? null
    },
    async setFeedToken(personId: number, token: string, now: Date): Promise<void> {
      await db.insertInto('calendar_feed_secrets').values({ person_id: personId, token, created_at: now })
        .onConflict((oc) => oc.column('person_id').doUpdateSet({ token, created_at: now })).execute()
    },

    // ---- staff ----
    /** The groups and units the staff member publishes for. */
    async audiences(staffId: number) {
      const row = await db.selectNoFrom((eb) => [
        jsonArrayFrom(eb.selectFrom('staff_groups as sg').innerJoin('groups as g', 'g.id', 'sg.group_id').innerJoin('units as u', 'u.id', 'g.unit_id')
          .select(['g.id', 'g.name', 'g.unit_id', 'u.name as unit_name', 'u.kind as unit_kind']).where('sg.staff_id', '=', staffId).orderBy('g.name')).as('groups'),
        jsonArrayFrom(eb.selectFrom('staff_units as su').innerJoin('units as u', 'u.id', 'su.unit_id')
          .select(['u.id', 'u.name', 'u.kind']).where('su.staff_id', '=', staffId).orderBy('u.name')).as('units'),
      ]).executeTakeFirstOrThrow()
      return row as unknown as {
        groups: { id: number; name: string; unit_id: number; unit_name: string; unit_kind: 'school' | 'preschool' }[]
        units: { id: number; name: string; kind: 'school' | 'preschool' }[]
      }
    },

    /** The staff member's events and surveys from a date on (a bounded page of each). */
    async staffList(staffId: number, from: IsoDate, limit: number) {
      const row = await db.selectNoFrom((eb) => [
        jsonArrayFrom(eb.selectFrom('calendar_events as e').innerJoin('units as u', 'u.id', 'e.unit_id').leftJoin('groups as g', 'g.id', 'e.group_id')
          .select(['e.id', 'e.kind', 'e.title', 'e.date', 'e.starts_at', 'e.published', 'g.name as group_name', 'u.name as unit_name'])
          .where(forStaff('e', staffId)).where('e.date', '>=', from).orderBy('e.date').orderBy('e.id').limit(limit)).as('events'),
        jsonArrayFrom(eb.selectFrom('surveys as s').innerJoin('units as u', 'u.id', 's.unit_id').leftJoin('groups as g', 'g.id', 's.group_id')
          .select((sb) => ['s.id', 's.title', 's.date', 's.closes_on', 's.published', 'g.name as group_name', 'u.name as unit_name',
            sb.selectFrom('survey_responses as r').select((c) => c.fn.countAll<number>().as('n')).whereRef('r.survey_id', '=', 's.id').as('responses')])
          .where(forStaff('s', staffId)).where('s.closes_on', '>=', from).orderBy('s.date').orderBy('s.id').limit(limit)).as('surveys'),
      ]).executeTakeFirstOrThrow()
      return row as unknown as {
        events: { id: number; kind: EventKind; title: string; date: IsoDate; starts_at: string | null; published: boolean; group_name: string | null; unit_name: string }[]
        surveys: { id: number; title: string; date: IsoDate; closes_on: IsoDate; published: boolean; group_name: string | null; unit_name: string; responses: number | string }[]
      }
    },

    async staffEvent(staffId: number, eventId: number) {
      return db.selectFrom('calendar_events').selectAll().where('id', '=', eventId).where(forStaff('calendar_events', staffId)).executeTakeFirst()
    },

    async staffSurvey(staffId: number, surveyId: number) {
      return db.selectFrom('surveys').selectAll().where('id', '=', surveyId).where(forStaff('surveys', staffId)).executeTakeFirst()
    },

    async insertEvent(values: Parameters<ReturnType<Executor['insertInto']>['values']>[0] & object) {
      return db.insertInto('calendar_events').values(values as never).onConflict((oc) => oc.column('publish_key').doNothing()).returning('id').executeTakeFirst()
    },

    async eventByKey(key: string) {
      return db.selectFrom('calendar_events').select('id').where('publish_key', '=', key).executeTakeFirst()
    },

    async surveyByKey(key: string) {
      return db.selectFrom('surveys').select('id').where('publish_key', '=', key).executeTakeFirst()
    },

    /** The guardians (each once) of the children a survey is for: its group's, or its whole unit's. Not the pupils. */
    async surveyGuardians(unitId: number, groupId: number | null): Promise<number[]> {
      const rows = await sql<{ id: number }>`
        select distinct gs.guardian_id as id from persons c join guardianships gs on gs.child_id = c.id
        where c.role = 'child' and c.unit_id = ${unitId}
          and (${groupId}::integer is null or exists (select 1 from group_memberships gm where gm.child_id = c.id and gm.group_id = ${groupId}::integer))
        order by 1`.execute(db)
      return rows.rows.map((r) => r.id)
    },

    /** Where a survey's notice leads a guardian: the first of their children the survey is for. */
    async guardianChildForSurvey(guardianId: number, surveyId: number) {
      return db.selectFrom('surveys as s').innerJoin('persons as c', 'c.unit_id', 's.unit_id')
        .innerJoin('guardianships as gs', 'gs.child_id', 'c.id')
        .select('c.id')
        .where('s.id', '=', surveyId).where('s.published', '=', true).where('c.role', '=', 'child').where('gs.guardian_id', '=', guardianId)
        .where(sql<boolean>`(s.group_id is null or exists (select 1 from group_memberships gm where gm.group_id = s.group_id and gm.child_id = c.id))`)
        .orderBy('c.given_name').orderBy('c.id').limit(1).executeTakeFirst()
    },

    /**
     * A survey's results: the questions with counts per option and the free texts, and the
     * children of its audience with their answers (those without one have not answered).
     */
    async results(surveyId: number) {
      const row = await db.selectFrom('surveys')
        .select((eb) => [
          jsonArrayFrom(eb.selectFrom('survey_questions as q')
            .select((qb) => ['q.id', 'q.kind', 'q.prompt',
              jsonArrayFrom(qb.selectFrom('survey_options as o').select((ob) => ['o.id', 'o.label',
                ob.selectFrom('survey_answers as a').select((c) => c.fn.countAll<number>().as('n')).whereRef('a.option_id', '=', 'o.id').as('count')])
                .whereRef('o.question_id', '=', 'q.id').orderBy('o.position')).as('options'),
              jsonArrayFrom(qb.selectFrom('survey_answers as a').select('a.text').whereRef('a.question_id', '=', 'q.id').where('a.text', 'is not', null).orderBy('a.child_id')).as('texts'),
            ])
            .whereRef('q.survey_id', '=', 'surveys.id').orderBy('q.position')).as('questions'),
          jsonArrayFrom(eb.selectFrom('persons as c')
            .leftJoin('survey_responses as r', (j) => j.onRef('r.child_id', '=', 'c.id').onRef('r.survey_id', '=', sql.ref('surveys.id')))
            .leftJoin('persons as by', 'by.id', 'r.answered_by')
            .select((cb) => ['c.id', 'c.given_name', 'c.family_name', 'r.answered_at', 'by.given_name as by_given', 'by.family_name as by_family',
              jsonArrayFrom(cb.selectFrom('survey_answers as a').select(['a.question_id', 'a.option_id', 'a.text'])
                .whereRef('a.survey_id', '=', sql.ref('surveys.id')).whereRef('a.child_id', '=', 'c.id')).as('answers')])
            .where('c.role', '=', 'child')
            .where((w) => w.or([
              w.and([w(sql.ref('surveys.group_id'), 'is not', null),
                w('c.id', 'in', w.selectFrom('group_memberships as gm').select('gm.child_id').whereRef('gm.group_id', '=', sql.ref('surveys.group_id')))]),
              sql<boolean>`surveys.group_id is null and c.unit_id = surveys.unit_id`,
            ]))
            .orderBy('c.family_name').orderBy('c.given_name').orderBy('c.id')).as('children'),
        ])
        .where('surveys.id', '=', surveyId)
        .executeTakeFirstOrThrow()
      return row as unknown as {
        questions: (Omit<QuestionRow, "options"> & { options: { id: number; label: string; count: number | string }[]; texts: { text: string }[] })[]
        children: { id: number; given_name: string; family_name: string; answered_at: string | null; by_given: string | null; by_family: string | null; answers: AnswerRow[] }[]
      }
    },
  })
}

/**
 * The tile (compiled once: every start page reads it): surveys on a date from `from` to `to`
 * that are still open and that nobody has answered for the child, and the first published
 * event in those dates.
 */
const tileStatement = compiledOnce((db: Db, childId: number, from: IsoDate, to: IsoDate) => db.selectNoFrom((eb) => [
  eb.selectFrom('surveys as s').select((x) => x.fn.countAll<number>().as('n'))
    .where(forChild('s', childId)).where('s.published', '=', true)
    .where('s.date', '>=', from).where('s.date', '<=', to).where('s.closes_on', '>=', from)
    .where((w) => w.not(w.exists(w.selectFrom('survey_responses as r').select('r.child_id').whereRef('r.survey_id', '=', 's.id').where('r.child_id', '=', childId))))
    .as('waiting'),
  jsonObjectFrom(eb.selectFrom('calendar_events as e').select(['e.title', 'e.date'])
    .where(forChild('e', childId)).where('e.published', '=', true)
    .where('e.date', '>=', from).where('e.date', '<=', to)
    .orderBy('e.date').orderBy(sql`e.starts_at nulls first`).orderBy('e.id').limit(1)).as('next'),
]), 3)

export async function calendarTileFacts(db: Executor, childId: number, from: IsoDate, to: IsoDate): Promise<{ waiting: number; next: { title: string; date: IsoDate } | null }> {
  const row = (await tileStatement(db, childId, from, to)).rows[0]
  return { waiting: Number(row?.waiting ?? 0), next: (row?.next as { title: string; date: IsoDate } | null) ?? null }
}
