import type { Db, Executor } from '../../db/index.js'
import { addDaysIso, isIsoDate, type Clock, type IsoDate } from '../../clock.js'
import type { Actor } from '../../people/service.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { createNotifications } from '../../notify/notifications.js'
import { excerpt } from '../../web/plain-text.js'
import { calendarQueries } from './queries.js'
import { EventForm, OPTIONS_PER_QUESTION, QUESTION_SLOTS, SurveyEditForm, SurveyForm } from './schemas.js'
import type { EventKind, QuestionKind } from './tables.js'

/**
 * The staff's side of the calendar: events and surveys for the groups and units the staff
 * member belongs to (a group through staff_groups, a whole unit through staff_units) and
 * nowhere else. Every read and write checks that again; anything else is "not found".
 */

export interface AudienceOption { value: string; label: string; unitName: string; group: boolean }

export async function audienceOptions(db: Db, actor: Actor): Promise<AudienceOption[]> {
  const { groups, units } = await calendarQueries(db).audiences(actor.id)
  return [
    ...groups.map((g) => ({ value: `g${g.id}`, label: g.name, unitName: g.unit_name, group: true })),
    ...units.map((u) => ({ value: `u${u.id}`, label: u.name, unitName: u.name, group: false })),
  ]
}

/** The unit and group of an audience value the staff member may publish for. */
async function resolveAudience(db: Db, actor: Actor, value: string): Promise<{ unitId: number; groupId: number | null } | null> {
  const { groups, units } = await calendarQueries(db).audiences(actor.id)
  const id = Number(value.slice(1))
  if (value.startsWith('g')) {
    const g = groups.find((x) => x.id === id)
    return g ? { unitId: g.unit_id, groupId: g.id } : null
  }
  return units.some((u) => u.id === id) ? { unitId: id, groupId: null } : null
}

const audienceValue = (r: { group_id: number | null; unit_id: number }) => (r.group_id ? `g${r.group_id}` : `u${r.unit_id}`)

export const LIST_LIMIT = 50

export async function staffIndex(db: Db, clock: Clock, actor: Actor) {
  const from = addDaysIso(clock.today(), -30)
  const [list, audiences] = await Promise.all([calendarQueries(db).staffList(actor.id, from, LIST_LIMIT), audienceOptions(db, actor)])
  return {
    canPublish: audiences.length > 0,
    events: list.events.map((e) => ({ ...e, start: e.starts_at ? e.starts_at.slice(0, 5) : null, audience: e.group_name ?? e.unit_name })),
    surveys: list.surveys.map((s) => ({ ...s, responses: Number(s.responses), audience: s.group_name ?? s.unit_name, open: clock.today() <= s.closes_on })),
  }
}

// ---- Events ---------------------------------------------------------------------------

export interface EventInput {
  unitId: number; groupId: number | null; kind: EventKind; title: string; body: string; date: IsoDate; start: string | null; end: string | null
}

export type Parsed<T> = { ok: true; input: T; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues }

/** '1830', '18.30' and '18:30' are all 18:30. */
function normalTime(raw: string | undefined): string | null {
  if (!raw) return null
  const digits = raw.replace(/[:.]/, '')
  return `${digits.slice(0, 2)}:${digits.slice(2, 4)}`
}

export async function parseEvent(db: Db, actor: Actor, body: unknown): Promise<Parsed<EventInput>> {
  const parsed = parseForm(EventForm, body)
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  const v = parsed.values
  const audience = !errors.audience && typeof v.audience === 'string' ? await resolveAudience(db, actor, v.audience) : null
  if (!errors.audience && !audience) errors.audience = { key: 'calendar:errors.audience' }
  if (!errors.date && !isIsoDate(v.date)) errors.date = { key: 'calendar:errors.date' }
  const start = errors.start ? null : normalTime(v.start as string | undefined)
  const end = errors.end ? null : normalTime(v.end as string | undefined)
  if (end && !start && !errors.start) errors.start = { key: 'calendar:errors.startForEnd' }
  if (start && end && end <= start && !errors.end) errors.end = { key: 'calendar:errors.endAfterStart' }
  if (!parsed.ok || Object.keys(errors).length || !audience) return { ok: false, errors: order(errors, ['audience', 'kind', 'title', 'body', 'date', 'start', 'end']), values: v }
  const value = parsed.value
  return {
    ok: true, values: v,
    input: { ...audience, kind: value.kind as EventKind, title: value.title, body: value.body ?? '', date: value.date, start, end },
  }
}

function order(errors: FieldErrors, fields: string[]): FieldErrors {
  const out: FieldErrors = {}
  for (const f of fields) if (errors[f]) out[f] = errors[f]!
  for (const [k, e] of Object.entries(errors)) if (!out[k]) out[k] = e
  return out
}

const validKey = (raw: unknown) => (typeof raw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null)

/** Publishes an event; the form's key makes a double submit one event. */
export async function createEvent(db: Db, actor: Actor, input: EventInput, key: unknown, now: Date): Promise<number> {
  const q = calendarQueries(db)
  const publishKey = validKey(key)
  const row = await q.insertEvent({
    unit_id: input.unitId, group_id: input.groupId, kind: input.kind, title: input.title, body: input.body, date: input.date,
    starts_at: input.start, ends_at: input.end, created_by: actor.id, publish_key: publishKey, created_at: now, updated_at: now,
  })
  if (row) return row.id
  return (await q.eventByKey(publishKey!))!.id
}

export async function eventFormValues(db: Db, actor: Actor, eventId: number): Promise<FormValues | null> {
  const e = await calendarQueries(db).staffEvent(actor.id, eventId)
  if (!e) return null
  return {
    audience: audienceValue(e), kind: e.kind, title: e.title, body: e.body, date: e.date,
    start: e.starts_at ? e.starts_at.slice(0, 5) : '', end: e.ends_at ? e.ends_at.slice(0, 5) : '', status: e.published ? 'published' : 'hidden',
  }
}

export async function updateEvent(db: Db, actor: Actor, eventId: number, input: EventInput, now: Date): Promise<boolean> {
  if (!(await calendarQueries(db).staffEvent(actor.id, eventId))) return false
  await db.updateTable('calendar_events').set({
    unit_id: input.unitId, group_id: input.groupId, kind: input.kind, title: input.title, body: input.body, date: input.date,
    starts_at: input.start, ends_at: input.end, updated_at: now,
  }).where('id', '=', eventId).execute()
  return true
}

export async function setEventPublished(db: Db, actor: Actor, eventId: number, published: boolean, now: Date): Promise<boolean> {
  if (!(await calendarQueries(db).staffEvent(actor.id, eventId))) return false
  await db.updateTable('calendar_events').set({ published, updated_at: now }).where('id', '=', eventId).execute()
  return true
}

// ---- Surveys ---------------------------------------------------------------------------

export interface SurveyInput {
  unitId: number; groupId: number | null; title: string; body: string; date: IsoDate; closesOn: IsoDate
  questions: { kind: QuestionKind; prompt: string; options: string[] }[]
}

function parseDates(v: FormValues, errors: FieldErrors, today: IsoDate, isNew: boolean) {
  if (!errors.date && !isIsoDate(v.date)) errors.date = { key: 'calendar:errors.date' }
  if (!errors.closes && !isIsoDate(v.closes)) errors.closes = { key: 'calendar:errors.date' }
  if (!errors.date && !errors.closes) {
    if ((v.closes as string) < (v.date as string)) errors.closes = { key: 'calendar:errors.closesBeforeDate' }
    else if (isNew && (v.closes as string) < today) errors.closes = { key: 'calendar:errors.closesPast' }
  }
}

export async function parseSurvey(db: Db, clock: Clock, actor: Actor, body: unknown): Promise<Parsed<SurveyInput>> {
  const parsed = parseForm(SurveyForm, body)
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  const v = parsed.values
  const audience = !errors.audience && typeof v.audience === 'string' ? await resolveAudience(db, actor, v.audience) : null
  if (!errors.audience && !audience) errors.audience = { key: 'calendar:errors.audience' }
  parseDates(v, errors, clock.today(), true)
  const questions: SurveyInput['questions'] = []
  for (let i = 1; i <= QUESTION_SLOTS; i++) {
    const prompt = typeof v[`prompt${i}`] === 'string' ? (v[`prompt${i}`] as string) : ''
    if (!prompt || errors[`prompt${i}`]) continue
    const kind = (v[`kind${i}`] || 'single') as QuestionKind
    if (errors[`kind${i}`]) continue
    const options = kind === 'text' ? [] : [...new Set(String(v[`options${i}`] ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean))]
    if (kind !== 'text' && (options.length < 2 || options.length > OPTIONS_PER_QUESTION)) {
      errors[`options${i}`] = { key: 'calendar:errors.options', params: { max: OPTIONS_PER_QUESTION } }
      continue
    }
    if (options.some((o) => o.length > 200)) { errors[`options${i}`] = { key: 'errors.field.tooLong', params: { max: 200 } }; continue }
    questions.push({ kind, prompt, options })
  }
  if (!questions.length && !Object.keys(errors).some((k) => /^(prompt|options|kind)\d$/.test(k))) errors.prompt1 = { key: 'calendar:errors.noQuestions' }
  const fields = ['audience', 'title', 'body', 'date', 'closes', ...Array.from({ length: QUESTION_SLOTS }, (_, i) => [`kind${i + 1}`, `prompt${i + 1}`, `options${i + 1}`]).flat()]
  if (!parsed.ok || Object.keys(errors).length || !audience) return { ok: false, errors: order(errors, fields), values: v }
  return { ok: true, values: v, input: { ...audience, title: parsed.value.title, body: parsed.value.body ?? '', date: parsed.value.date, closesOn: parsed.value.closes, questions } }
}

/**
 * Publishes a survey with its questions in one transaction; the form's key makes a double submit
 * one survey. A new survey notifies each guardian of the children it is for once (bell, and push
 * per their settings) in the same transaction; pupils are not told (guardians answer). A repeated
 * submit, an edit, or publishing a hidden survey again tells nobody again.
 */
export async function createSurvey(db: Db, actor: Pick<Actor, 'id'>, input: SurveyInput, key: unknown, now: Date): Promise<{ id: number; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const survey = await insertSurveyRows(trx, actor, input, validKey(key), now)
    if (survey.created) {
      await createNotifications(trx, {
        recipientIds: await calendarQueries(trx).surveyGuardians(input.unitId, input.groupId), childId: null, area: 'calendar',
        kind: 'surveyPublished', params: { title: excerpt(input.title, 80) }, link: `/calendar/surveys/${survey.id}`, now,
      })
    }
    return survey
  })
}

/** The survey, its questions and options, in the caller's transaction (the demo world's too). */
export async function insertSurvey(trx: Executor, actor: Pick<Actor, 'id'>, input: SurveyInput, publishKey: string | null, now: Date): Promise<number> {
  return (await insertSurveyRows(trx, actor, input, publishKey, now)).id
}

async function insertSurveyRows(trx: Executor, actor: Pick<Actor, 'id'>, input: SurveyInput, publishKey: string | null, now: Date): Promise<{ id: number; created: boolean }> {
  const row = await trx.insertInto('surveys').values({
    unit_id: input.unitId, group_id: input.groupId, title: input.title, body: input.body, date: input.date, closes_on: input.closesOn,
    created_by: actor.id, publish_key: publishKey, created_at: now, updated_at: now,
  }).onConflict((oc) => oc.column('publish_key').doNothing()).returning('id').executeTakeFirst()
  if (!row) return { id: (await calendarQueries(trx).surveyByKey(publishKey!))!.id, created: false }
  for (const [i, q] of input.questions.entries()) {
    const question = await trx.insertInto('survey_questions').values({ survey_id: row.id, position: i + 1, kind: q.kind, prompt: q.prompt }).returning('id').executeTakeFirstOrThrow()
    if (q.options.length) {
      await trx.insertInto('survey_options').values(q.options.map((label, j) => ({ question_id: question.id, position: j + 1, label }))).execute()
    }
  }
  return { id: row.id, created: true }
}

export async function surveyEditValues(db: Db, actor: Actor, surveyId: number): Promise<FormValues | null> {
  const s = await calendarQueries(db).staffSurvey(actor.id, surveyId)
  if (!s) return null
  return { title: s.title, body: s.body, date: s.date, closes: s.closes_on }
}

export async function updateSurvey(db: Db, clock: Clock, actor: Actor, surveyId: number, body: unknown, now: Date):
  Promise<{ ok: true } | { ok: false; reason: 'notFound' } | { ok: false; reason: 'invalid'; errors: FieldErrors; values: FormValues }> {
  if (!(await calendarQueries(db).staffSurvey(actor.id, surveyId))) return { ok: false, reason: 'notFound' }
  const parsed = parseForm(SurveyEditForm, body)
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  parseDates(parsed.values, errors, clock.today(), false)
  if (!parsed.ok || Object.keys(errors).length) return { ok: false, reason: 'invalid', errors: order(errors, ['title', 'body', 'date', 'closes']), values: parsed.values }
  const v = parsed.value
  await db.updateTable('surveys').set({ title: v.title, body: v.body ?? '', date: v.date, closes_on: v.closes, updated_at: now }).where('id', '=', surveyId).execute()
  return { ok: true }
}

export async function setSurveyPublished(db: Db, actor: Actor, surveyId: number, published: boolean, now: Date): Promise<boolean> {
  if (!(await calendarQueries(db).staffSurvey(actor.id, surveyId))) return false
  await db.updateTable('surveys').set({ published, updated_at: now }).where('id', '=', surveyId).execute()
  return true
}

export interface ResultsView {
  id: number; title: string; date: IsoDate; closesOn: IsoDate; open: boolean; published: boolean; audience: string
  questions: { id: number; kind: QuestionKind; prompt: string; options: { label: string; count: number }[]; texts: string[] }[]
  answered: number
  total: number
  notAnswered: string[]
  rows: { child: string; by: string | null; at: Date | null; answers: string[] }[]
}

/** A survey's results for staff who manage it; null for anyone else (404). */
export async function surveyResults(db: Db, clock: Clock, actor: Actor, surveyId: number): Promise<ResultsView | null> {
  const q = calendarQueries(db)
  const s = await q.staffSurvey(actor.id, surveyId)
  if (!s) return null
  const [r, audiences] = await Promise.all([q.results(surveyId), q.audiences(actor.id)])
  const audience = s.group_id ? audiences.groups.find((g) => g.id === s.group_id)?.name ?? '' : audiences.units.find((u) => u.id === s.unit_id)?.name ?? ''
  const labels = new Map(r.questions.flatMap((qq) => qq.options.map((o) => [o.id, o.label] as const)))
  const rows = r.children.map((c) => ({
    child: `${c.given_name} ${c.family_name}`,
    by: c.by_given ? `${c.by_given} ${c.by_family}` : null,
    at: c.answered_at ? new Date(c.answered_at) : null,
    answers: r.questions.map((qq) => c.answers.filter((a) => a.question_id === qq.id)
      .map((a) => (a.option_id !== null ? labels.get(a.option_id) ?? '' : a.text ?? '')).join('; ')),
  }))
  return {
    id: s.id, title: s.title, date: s.date, closesOn: s.closes_on, open: clock.today() <= s.closes_on, published: s.published, audience,
    questions: r.questions.map((qq) => ({ id: qq.id, kind: qq.kind, prompt: qq.prompt, options: qq.options.map((o) => ({ label: o.label, count: Number(o.count) })), texts: qq.texts.map((x) => x.text) })),
    answered: rows.filter((x) => x.at).length,
    total: rows.length,
    notAnswered: rows.filter((x) => !x.at).map((x) => x.child),
    rows,
  }
}

/** A CSV cell: quoted, and a leading =, +, - or @ defused so a spreadsheet does not run it. */
function cell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return `"${safe.replace(/"/g, '""')}"`
}

/** The results as CSV: one row per child of the survey's audience (semicolons, as Swedish spreadsheets expect). */
export function resultsCsv(r: ResultsView, t: (key: string) => string, formatAt: (d: Date) => string): string {
  const head = [t('calendar:results.csv.child'), t('calendar:results.csv.answeredBy'), t('calendar:results.csv.answeredAt'), ...r.questions.map((q) => q.prompt)]
  const lines = [head, ...r.rows.map((x) => [x.child, x.by ?? '', x.at ? formatAt(x.at) : '', ...x.answers])]
  return '\ufeff' + lines.map((l) => l.map(cell).join(';')).join('\r\n') + '\r\n'
}
