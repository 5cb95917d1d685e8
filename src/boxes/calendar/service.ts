import { Forbidden } from '../../web/errors.js'
// Over 350 lines: the guardian month/list, the survey answers and the feed share one set of reads of events and surveys; split it (guardian/feed) when it grows further.
import { randomBytes } from 'node:crypto'
import ical from 'ical-generator'
import { Type, type TSchema } from '@sinclair/typebox'
import type { Db } from '../../db/index.js'
import { addDaysIso, isIsoDate, isoWeekday, stockholmInstant, toIsoDate, toLocalTime, type Clock, type IsoDate } from '../../clock.js'
import { childForActor, childrenOfActor, fullName, loadActor, type Actor, type Child } from '../../people/service.js'
import type { BookedTalkRow } from '../../people/talk-bookings.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { formatters } from '../../web/format.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { calendarQueries, calendarTileFacts, type EventRow } from './queries.js'
import { ANSWER_MAX } from './schemas.js'
import type { EventKind, QuestionKind } from './tables.js'

/** Pupils read surveys; guardians answer them (SPEC.md 4.12). */

const hhmm = (t: string | null) => (t ? t.slice(0, 5) : null)

// ---- Months -------------------------------------------------------------------------

/** '2026-12' */
export type MonthKey = string

export function monthOf(date: IsoDate): MonthKey { return date.slice(0, 7) }

/** The first day of a month written as '2026-12', or null when it is no month we show. */
export function parseMonth(raw: unknown): IsoDate | null {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}$/.test(raw)) return null
  const year = Number(raw.slice(0, 4))
  const month = Number(raw.slice(5, 7))
  if (year < 2000 || year > 2100 || month < 1 || month > 12) return null
  return `${raw}-01`
}

function addMonths(first: IsoDate, n: number): IsoDate {
  const total = Number(first.slice(0, 4)) * 12 + Number(first.slice(5, 7)) - 1 + n
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01`
}

function lastOfMonth(first: IsoDate): IsoDate { return addDaysIso(addMonths(first, 1), -1) }

// ---- What a day holds ---------------------------------------------------------------

export interface CalendarItem {
  type: 'event' | 'survey' | 'talk'
  /** Translation key of its kind ("Prov", "Enkät", "Utvecklingssamtal"). */
  kindKey: string
  /** CSS modifier of its kind. */
  kind: EventKind | 'survey' | 'talk'
  title: string
  href: string
  start: string | null
  end: string | null
  /** Surveys: answered for this child, and open. */
  answered?: boolean
  open?: boolean
}

export interface DayCell { date: IsoDate; inMonth: boolean; isToday: boolean; items: CalendarItem[] }

export interface MonthView {
  key: MonthKey
  year: number
  month: number
  prevKey: MonthKey
  nextKey: MonthKey
  todayKey: MonthKey
  isThisMonth: boolean
  /** 'auto' (no choice in the URL: the grid on wide screens, the list on small ones), 'month' or 'list'. */
  view: 'auto' | 'month' | 'list'
  weeks: DayCell[][]
  /** The days of the month that hold something, for the list. */
  days: DayCell[]
  count: number
}

function eventItem(base: string, e: Pick<EventRow, 'id' | 'kind' | 'title' | 'starts_at' | 'ends_at'>): CalendarItem {
  return { type: 'event', kind: e.kind, kindKey: `calendar:kinds.${e.kind}`, title: e.title, href: `${base}/events/${e.id}`, start: hhmm(e.starts_at), end: hhmm(e.ends_at) }
}

function talkItem(childId: number, t: BookedTalkRow): CalendarItem & { date: IsoDate } {
  const start = new Date(t.starts_at)
  return {
    type: 'talk', kind: 'talk', kindKey: 'calendar:kinds.talk', title: `${t.staff_given} ${t.staff_family}`,
    href: `/children/${childId}/talks`, start: toLocalTime(start), end: toLocalTime(new Date(t.ends_at)), date: toIsoDate(start),
  }
}

/**
 * The child's month: events of the child's groups and unit, surveys on their dates and the
 * booked development talks. `monthParam` absent means this month; one that is not a month
 * gives null (the page does not exist).
 */
export async function monthPage(db: Db, clock: Clock, child: Child, monthParam: string | undefined, view: 'month' | 'list' | undefined): Promise<MonthView | null> {
  const today = clock.today()
  const first = monthParam === undefined || monthParam === '' ? `${monthOf(today)}-01` : parseMonth(monthParam)
  if (!first) return null
  const last = lastOfMonth(first)
  const base = `/children/${child.id}/calendar`
  const { events, surveys, talks } = await calendarQueries(db).range(child.id, first, last)
  const byDate = new Map<IsoDate, CalendarItem[]>()
  const add = (date: IsoDate, item: CalendarItem) => { const l = byDate.get(date); if (l) l.push(item); else byDate.set(date, [item]) }
  for (const s of surveys) {
    add(s.date, { type: 'survey', kind: 'survey', kindKey: 'calendar:kinds.survey', title: s.title, href: `${base}/surveys/${s.id}`, start: null, end: null, answered: s.answered, open: today <= s.closes_on })
  }
  for (const e of events) add(e.date, eventItem(base, e))
  for (const t of talks) { const { date, ...item } = talkItem(child.id, t); add(date, item) }
  // Whole-day items first, then by time.
  for (const items of byDate.values()) items.sort((a, b) => (a.start ?? '') < (b.start ?? '') ? -1 : (a.start ?? '') > (b.start ?? '') ? 1 : 0)

  const weeks: DayCell[][] = []
  let day = addDaysIso(first, 1 - isoWeekday(first))
  while (day <= last) {
    const week: DayCell[] = []
    for (let i = 0; i < 7; i++, day = addDaysIso(day, 1)) {
      const inMonth = day >= first && day <= last
      week.push({ date: day, inMonth, isToday: day === today, items: inMonth ? byDate.get(day) ?? [] : [] })
    }
    weeks.push(week)
  }
  const days = weeks.flat().filter((d) => d.inMonth && d.items.length > 0)
  const key = monthOf(first)
  return {
    key, year: Number(key.slice(0, 4)), month: Number(key.slice(5, 7)),
    prevKey: monthOf(addMonths(first, -1)), nextKey: monthOf(addMonths(first, 1)), todayKey: monthOf(today),
    isThisMonth: key === monthOf(today), view: view ?? 'auto', weeks, days,
    count: days.reduce((n, d) => n + d.items.length, 0),
  }
}

export interface EventView {
  id: number; kind: EventKind; kindKey: string; title: string; body: string; date: IsoDate; start: string | null; end: string | null
  audience: string; monthKey: MonthKey
}

export async function eventPage(db: Db, child: Child, eventId: number): Promise<EventView | null> {
  const e = await calendarQueries(db).eventForChild(child.id, eventId)
  if (!e) return null
  return {
    id: e.id, kind: e.kind, kindKey: `calendar:kinds.${e.kind}`, title: e.title, body: e.body, date: e.date,
    start: hhmm(e.starts_at), end: hhmm(e.ends_at), audience: e.group_name ?? e.unit_name, monthKey: monthOf(e.date),
  }
}

// ---- Surveys --------------------------------------------------------------------------

export interface QuestionView {
  id: number
  field: string
  kind: QuestionKind
  prompt: string
  options: { id: number; label: string; chosen: boolean }[]
  text: string
}

export interface SurveyView {
  id: number
  title: string
  body: string
  date: IsoDate
  closesOn: IsoDate
  audience: string
  monthKey: MonthKey
  open: boolean
  /** Guardians answer while it is open; pupils and staff read. */
  canAnswer: boolean
  isGuardian: boolean
  answered: { by: string; byYou: boolean; at: Date } | null
  questions: QuestionView[]
}

const questionField = (id: number) => `q${id}`

/** The survey as the child's guardian (or the pupil) sees it; `values` are a re-rendered form's input. */
export async function surveyPage(db: Db, clock: Clock, actor: Actor, child: Child, surveyId: number, values?: FormValues): Promise<SurveyView | null> {
  const s = await calendarQueries(db).surveyForChild(child.id, surveyId)
  if (!s) return null
  const open = clock.today() <= s.closes_on
  const isGuardian = actor.role === 'guardian'
  // Pupils see the questions, not what their guardians answered.
  const answers = isGuardian || actor.role !== 'pupil' ? s.answers : []
  const chosenOptions = new Set(values ? [] : answers.filter((a) => a.option_id !== null).map((a) => a.option_id))
  if (values) {
    for (const q of s.questions) {
      const v = q.kind === 'multiple' ? values.options : values[questionField(q.id)]
      for (const x of Array.isArray(v) ? v : v ? [v] : []) chosenOptions.add(Number(x))
    }
  }
  return {
    id: s.id, title: s.title, body: s.body, date: s.date, closesOn: s.closes_on, audience: s.group_name ?? s.unit_name, monthKey: monthOf(s.date),
    open, canAnswer: open && isGuardian, isGuardian,
    answered: s.response && actor.role !== 'pupil'
      ? { by: `${s.response.given_name} ${s.response.family_name}`, byYou: s.response.answered_by === actor.id, at: new Date(s.response.answered_at) }
      : null,
    questions: s.questions.map((q) => ({
      id: q.id, field: questionField(q.id), kind: q.kind, prompt: q.prompt,
      options: q.options.map((o) => ({ id: o.id, label: o.label, chosen: chosenOptions.has(o.id) })),
      text: values ? String(values[questionField(q.id)] ?? '') : answers.find((a) => a.question_id === q.id && a.text !== null)?.text ?? '',
    })),
  }
}

export type AnswerResult =
  | { ok: true; changed: boolean }
  | { ok: false; reason: 'invalid'; errors: FieldErrors; values: FormValues }
  | { ok: false; reason: 'closed' }
  | { ok: false; reason: 'notFound' }

/**
 * A guardian's answer for the child: one per child, replaced when sent again while the
 * survey is open (either guardian may change it); after it closes, nothing changes.
 * Checked again here: pupils and staff cannot answer (Forbidden), other families' children
 * never reach this (the route's guard), and a survey not for this child is notFound.
 */
export async function answerSurvey(db: Db, clock: Clock, actor: Actor, child: Child, surveyId: number, body: unknown, now: Date): Promise<AnswerResult> {
  if (actor.role !== 'guardian') throw new Forbidden()
  const q = calendarQueries(db)
  const s = await q.surveyForChild(child.id, surveyId)
  if (!s) return { ok: false, reason: 'notFound' }
  const shape: Record<string, TSchema> = { options: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{1,9}$' }))) }
  for (const question of s.questions) {
    if (question.kind !== 'multiple') shape[questionField(question.id)] = Type.Optional(Type.String({ maxLength: ANSWER_MAX }))
  }
  const parsed = parseForm(Type.Object(shape), body)
  const values = parsed.values
  const errors: FieldErrors = parsed.ok ? {} : parsed.errors
  if (errors.options) { delete errors.options; errors._form = { key: 'errors.field.invalid' } }
  const chosen = new Set(((values.options ?? []) as string[]).map(Number))
  const answers: { questionId: number; optionId: number | null; text: string | null }[] = []
  const known = new Set<number>()
  for (const question of s.questions) {
    const field = questionField(question.id)
    for (const o of question.options) known.add(o.id)
    if (question.kind === 'text') {
      const text = typeof values[field] === 'string' ? (values[field] as string) : ''
      if (text && !errors[field]) answers.push({ questionId: question.id, optionId: null, text })
    } else if (question.kind === 'single') {
      const v = values[field]
      const option = question.options.find((o) => String(o.id) === v)
      if (!v) errors[field] = { key: 'calendar:errors.chooseOne' }
      else if (!option) errors[field] = { key: 'errors.field.invalid' }
      else answers.push({ questionId: question.id, optionId: option.id, text: null })
    } else {
      const mine = question.options.filter((o) => chosen.has(o.id))
      if (!mine.length) errors[field] = { key: 'calendar:errors.chooseSome' }
      for (const o of mine) answers.push({ questionId: question.id, optionId: o.id, text: null })
    }
  }
  if ([...chosen].some((id) => !known.has(id))) errors._form = { key: 'errors.field.invalid' }
  if (Object.keys(errors).length) {
    if (errors._form) { const { _form, ...rest } = errors; return { ok: false, reason: 'invalid', errors: { ...rest, [s.questions[0] ? questionField(s.questions[0].id) : 'title']: _form }, values } }
    return { ok: false, reason: 'invalid', errors, values }
  }
  return db.transaction().execute(async (trx) => {
    const tq = calendarQueries(trx)
    // The row lock orders two guardians' answers; the date is read again under it.
    const locked = await tq.lockSurvey(surveyId)
    if (!locked || !locked.published) return { ok: false as const, reason: 'notFound' as const }
    if (toIsoDate(now) > locked.closes_on) return { ok: false as const, reason: 'closed' as const }
    const changed = !sameAnswers(s.answers, answers) || !s.response
    if (changed) await tq.saveResponse(surveyId, child.id, actor.id, now, answers)
    return { ok: true as const, changed }
  })
}

function sameAnswers(a: { question_id: number; option_id: number | null; text: string | null }[], b: { questionId: number; optionId: number | null; text: string | null }[]): boolean {
  const key = (q: number, o: number | null, t: string | null) => `${q}:${o ?? ''}:${t ?? ''}`
  const x = a.map((r) => key(r.question_id, r.option_id, r.text)).sort()
  const y = b.map((r) => key(r.questionId, r.optionId, r.text)).sort()
  return x.length === y.length && x.every((v, i) => v === y[i])
}

// ---- The tile -------------------------------------------------------------------------

/** The next thing in the calendar, or the surveys waiting for the guardian's answer. */
export async function calendarSummary({ db, clock, actor, child }: BoxContext): Promise<BoxSummary | null> {
  const today = clock.today()
  const { waiting, next } = await calendarTileFacts(db, child.id, today, addDaysIso(today, 30))
  if (actor.role === 'guardian' && waiting > 0) return { key: 'calendar:summary.surveys', params: { count: waiting } }
  if (!next) return { key: 'calendar:summary.none' }
  return { key: next.date === today ? 'calendar:summary.today' : 'calendar:summary.next', params: { title: next.title, date: formatters(actor.locale).weekdayDate(next.date) } }
}

// ---- The feed -------------------------------------------------------------------------

const FEED_DAYS_BACK = 31
const FEED_DAYS_AHEAD = 366

export function calendarFeedUrl(baseUrl: string, token: string, childId: number): string {
  return `${baseUrl}/feeds/calendar/${token}/${childId}.ics`
}

export interface FeedSettings { children: { id: number; name: string; url: string | null }[]; hasToken: boolean }

export async function calendarFeedSettings(db: Db, actor: Actor, baseUrl: string): Promise<FeedSettings> {
  const [children, token] = await Promise.all([childrenOfActor(db, actor), calendarQueries(db).feedToken(actor.id)])
  return {
    hasToken: token !== null,
    children: children.map((c) => ({ id: c.id, name: fullName(c), url: token ? calendarFeedUrl(baseUrl, token, c.id) : null })),
  }
}

/** Creates the person's calendar feed secret, or replaces it: the old addresses stop working. */
export async function renewCalendarFeedToken(db: Db, actor: Actor, now: Date): Promise<void> {
  await calendarQueries(db).setFeedToken(actor.id, randomBytes(24).toString('base64url'), now)
}

/**
 * The iCalendar text of a child's calendar for the person who owns the secret, or null
 * when the secret is unknown or the person may not see the child (404 either way).
 */
export async function calendarFeed(db: Db, clock: Clock, token: string, childId: number, baseUrl: string,
  t: (key: string, params?: Record<string, unknown>) => string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null
  const q = calendarQueries(db)
  const personId = await q.personByFeedToken(token)
  if (!personId) return null
  const actor = await loadActor(db, personId)
  if (!actor) return null
  const child = await childForActor(db, actor, childId)
  if (!child) return null
  const today = clock.today()
  const { events, surveys, talks } = await q.range(child.id, addDaysIso(today, -FEED_DAYS_BACK), addDaysIso(today, FEED_DAYS_AHEAD))
  const cal = ical({ name: t('calendar:feed.calendarName', { name: child.givenName }), prodId: { company: 'Hubben', product: 'calendar', language: 'SV' }, ttl: 60 * 60 })
  const base = `${baseUrl}/children/${child.id}/calendar`
  // A date without a time is a whole day: noon UTC is that date wherever the reader is.
  const day = (d: IsoDate) => new Date(`${d}T12:00:00Z`)
  for (const e of events) {
    const start = hhmm(e.starts_at)
    const end = hhmm(e.ends_at)
    cal.createEvent({
      id: `calendar-event-${e.id}@hubben`,
      ...(start ? { start: stockholmInstant(e.date, start), end: stockholmInstant(e.date, end ?? start) } : { start: day(e.date), allDay: true }),
      summary: `${t(`calendar:kinds.${e.kind}`)}: ${e.title}`,
      description: e.body || null,
      url: `${base}/events/${e.id}`,
      stamp: clock.now(),
    })
  }
  for (const s of surveys) {
    cal.createEvent({
      id: `calendar-survey-${s.id}@hubben`, start: day(s.date), allDay: true,
      summary: `${t('calendar:kinds.survey')}: ${s.title}`,
      description: t('calendar:survey.closesOn', { date: s.closes_on }),
      url: `${base}/surveys/${s.id}`, stamp: clock.now(),
    })
  }
  for (const b of talks) {
    cal.createEvent({
      id: `talk-${b.slot_id}@hubben`, start: new Date(b.starts_at), end: new Date(b.ends_at),
      summary: t('calendar:feed.talk', { name: `${b.staff_given} ${b.staff_family}` }),
      location: b.digital ? b.meeting_link : b.place || null, stamp: clock.now(),
    })
  }
  return cal.toString()
}

export { isIsoDate }

/** Where a survey's notice leads a guardian: the survey as the first of their children it is for sees it. */
export async function surveyLinkFor(db: Db, actor: Actor, surveyId: number): Promise<string | null> {
  const child = await calendarQueries(db).guardianChildForSurvey(actor.id, surveyId)
  return child ? `/children/${child.id}/calendar/surveys/${surveyId}` : null
}
