import { Forbidden } from '../../web/errors.js'
// The guardian's and pupil's side of absence: reporting (guardians), the history and the details.
import type { Db } from '../../db/index.js'
import { addDaysIso, type Clock, type IsoDate } from '../../clock.js'
import { fullName, isStaff, type Actor, type Child } from '../../people/service.js'
import { asArray, cleanBody, type FieldErrors } from '../../web/forms.js'
import { formatters } from '../../web/format.js'
import { lessonsOn, type LessonView } from '../timetable/service.js'
import { absenceQueries, latestAbsenceDate } from './queries.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import type { AbsenceReason } from './tables.js'
import { COMMENT_MAX, REASONS, hhmm, type AbsenceKind } from './rules.js'

const PAGE_SIZE = 30
const kindOf = (child: Child): AbsenceKind => (child.unitKind === 'school' ? 'school' : 'preschool')

/** Only guardians report (SPEC.md 4.6: pupils see their absences but cannot report). */
function assertGuardian(actor: Actor): void {
  if (actor.role !== 'guardian') throw new Forbidden()
}

/** The days a report may be for: today and tomorrow, in Stockholm. */
export function reportableDates(clock: Clock): IsoDate[] {
  const today = clock.today()
  return [today, addDaysIso(today, 1)]
}

export interface ReportForm {
  kind: AbsenceKind
  dates: { date: IsoDate; which: 'today' | 'tomorrow' }[]
  /** The day the form is for (school: its lessons are listed). */
  date: IsoDate
  lessons: LessonView[]
  reasons: AbsenceReason[]
  commentMax: number
}

export async function reportForm(db: Db, clock: Clock, actor: Actor, child: Child, dateParam: unknown): Promise<ReportForm> {
  assertGuardian(actor)
  const dates = reportableDates(clock)
  const date = typeof dateParam === 'string' && dates.includes(dateParam) ? dateParam : dates[0]!
  const kind = kindOf(child)
  const lessons = kind === 'school' ? (await lessonsOn(db, child, date)).filter((l) => !l.cancelled) : []
  return {
    kind,
    dates: dates.map((d, i) => ({ date: d, which: i === 0 ? 'today' : 'tomorrow' })),
    date,
    lessons,
    reasons: REASONS[kind],
    commentMax: COMMENT_MAX,
  }
}

export type ReportResult =
  | { ok: true; status: 'created' | 'partly' | 'already'; reportId: number }
  | { ok: false; errors: FieldErrors; values: Record<string, unknown>; form: ReportForm }

/**
 * Reports a child absent for today or tomorrow: the whole day or some of that day's
 * lessons. Idempotent per lesson and per whole day: what is already reported is not
 * reported again, and the caller learns that it was.
 */
export async function reportAbsence(db: Db, clock: Clock, actor: Actor, child: Child, body: unknown, now: Date): Promise<ReportResult> {
  assertGuardian(actor)
  const input = cleanBody(body)
  const kind = kindOf(child)
  const errors: FieldErrors = {}
  const dates = reportableDates(clock)
  const date = typeof input.date === 'string' && dates.includes(input.date) ? input.date : null
  if (!date) errors.date = { key: 'absence:errors.date' }

  const scope = kind === 'preschool' ? 'day' : input.scope
  const lessonIds = asArray(input.lessons).map(Number)
  // The form (the day's lessons) checks chosen lessons and is shown again on an error;
  // a whole day needs neither (the morning's most common report: one statement less).
  let form: ReportForm | null = scope === 'lessons' && date ? await reportForm(db, clock, actor, child, date) : null
  if (scope !== 'day' && scope !== 'lessons') errors.scope = { key: 'absence:errors.scope' }
  if (form) {
    const day = form
    if (lessonIds.length === 0) errors.lessons = { key: 'absence:errors.lessonsRequired' }
    else if (!lessonIds.every((id) => day.lessons.some((l) => l.lessonId === id))) errors.lessons = { key: 'absence:errors.lessonNotThatDay' }
  }
  const reason = REASONS[kind].find((r) => r === input.reason)
  if (!reason) errors.reason = { key: 'absence:errors.reason' }
  const comment = kind === 'preschool' && typeof input.comment === 'string' ? input.comment : ''
  if (comment.length > COMMENT_MAX) errors.comment = { key: 'errors.field.tooLong', params: { max: COMMENT_MAX } }

  const values = { ...input, lessons: asArray(input.lessons) }
  if (Object.keys(errors).length > 0 || !date || !reason) {
    form ??= await reportForm(db, clock, actor, child, date ?? dates[0])
    return { ok: false, errors, values, form }
  }

  const wanted = [...new Set(lessonIds)]
  return db.transaction().execute(async (trx) => {
    const q = absenceQueries(trx)
    if (!(await q.lockChildOfGuardian(actor.id, child.id))) throw new Forbidden()
    const done = await q.reportedOn(child.id, date)
    if (done.wholeDay) return { ok: true, status: 'already', reportId: done.wholeDay } as const
    const report = { childId: child.id, date, reason, comment, reportedBy: actor.id, now }
    if (scope === 'day') {
      const id = await q.insertReport({ ...report, wholeDay: true })
      return id ? ({ ok: true, status: 'created', reportId: id } as const) : ({ ok: true, status: 'already', reportId: (await q.reportedOn(child.id, date)).wholeDay! } as const)
    }
    const fresh = wanted.filter((id) => !done.lessons.has(id))
    if (fresh.length === 0) return { ok: true, status: 'already', reportId: done.lessons.get(wanted[0]!)! } as const
    const id = (await q.insertReport({ ...report, wholeDay: false }))!
    await q.insertReportLessons(id, child.id, date, fresh)
    return { ok: true, status: fresh.length < wanted.length ? 'partly' : 'created', reportId: id } as const
  })
}

// ---- History and details -------------------------------------------------------

export interface HistoryItem {
  source: 'guardian' | 'school'
  id: number
  date: IsoDate
  wholeDay: boolean
  lessons: { subject: string; start: string }[]
  valid: boolean
  href: string
}

export interface History {
  kind: AbsenceKind
  items: HistoryItem[]
  page: number
  hasOlder: boolean
  canReport: boolean
}

export async function absenceHistory(db: Db, actor: Actor, child: Child, pageParam: unknown): Promise<History> {
  const page = typeof pageParam === 'string' && /^\d{1,4}$/.test(pageParam) && Number(pageParam) > 0 ? Number(pageParam) : 1
  const rows = await absenceQueries(db).history(child.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
  const base = `/children/${child.id}/absences`
  return {
    kind: kindOf(child),
    page,
    hasOlder: rows.length > PAGE_SIZE,
    canReport: actor.role === 'guardian',
    items: rows.slice(0, PAGE_SIZE).map((r) => ({
      source: r.source,
      id: r.id,
      date: r.date,
      wholeDay: r.whole_day,
      lessons: (r.lessons ?? []).map((l) => ({ subject: l.subject, start: hhmm(l.starts_at) })),
      // Guardians' reports are valid absence; the school decides per lesson.
      valid: r.source === 'guardian' || r.status === 'absent_valid',
      href: r.source === 'guardian' ? `${base}/${r.id}` : `${base}/registered/${r.id}`,
    })),
  }
}

export interface Contact { name: string; href: string }

async function contactFor(db: Db, child: Child): Promise<Contact> {
  const staff = await absenceQueries(db).contactStaff(child.id)
  const href = `/children/${child.id}/messages/new`
  return staff
    ? { name: fullName(staff), href: `${href}?to=${staff.id}` }
    : { name: '', href }
}

export interface ReportDetails {
  kind: AbsenceKind
  id: number
  date: IsoDate
  wholeDay: boolean
  lessons: { subject: string; start: string; end: string }[]
  reason: AbsenceReason
  comment: string
  reportedBy: string | null
  at: Date
  contact: Contact
  canContact: boolean
}

export async function reportDetails(db: Db, actor: Actor, child: Child, id: number): Promise<ReportDetails | null> {
  if (!Number.isSafeInteger(id)) return null
  const [r, contact] = await Promise.all([absenceQueries(db).report(child.id, id), contactFor(db, child)])
  if (!r) return null
  return {
    kind: kindOf(child),
    id: r.id,
    date: r.date,
    wholeDay: r.whole_day,
    lessons: r.lessons.map((l) => ({ subject: l.subject, start: hhmm(l.starts_at), end: hhmm(l.ends_at) })),
    reason: r.reason,
    comment: r.comment,
    reportedBy: r.by_given ? `${r.by_given} ${r.by_family}` : null,
    at: r.created_at,
    contact,
    canContact: !isStaff(actor),
  }
}

export interface RegistrationDetails {
  id: number
  date: IsoDate
  subject: string
  start: string
  end: string
  valid: boolean
  registeredBy: string | null
  at: Date
  contact: Contact
  canContact: boolean
}

export async function registrationDetails(db: Db, actor: Actor, child: Child, id: number): Promise<RegistrationDetails | null> {
  if (!Number.isSafeInteger(id)) return null
  const [r, contact] = await Promise.all([absenceQueries(db).registration(child.id, id), contactFor(db, child)])
  if (!r) return null
  return {
    id: r.id,
    date: r.date,
    subject: r.subject,
    start: hhmm(r.starts_at),
    end: hhmm(r.ends_at),
    valid: r.status === 'absent_valid',
    registeredBy: r.by_given ? `${r.by_given} ${r.by_family}` : null,
    at: r.registered_at,
    contact,
    canContact: !isStaff(actor),
  }
}

/** The start page tile: today's or tomorrow's absence, or the latest one. */
export async function absenceSummary({ db, clock, actor, child }: BoxContext): Promise<BoxSummary> {
  const date = await latestAbsenceDate(db, child.id)
  if (!date) return { key: 'absence:summary.none' }
  const days = reportableDates(clock)
  if (days.includes(date)) return { key: date === days[0] ? 'absence:summary.today' : 'absence:summary.tomorrow' }
  return { key: 'absence:summary.latest', params: { date: formatters(actor.locale).date(date) } }
}
