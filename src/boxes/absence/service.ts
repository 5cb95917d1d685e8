import type { Db } from '../../db/index.js'
import { addDaysIso, compareIso, isIsoDate, type Clock, type IsoDate } from '../../clock.js'
import { isStaff, type Actor, type Child } from '../../people/service.js'
import { asArray, cleanBody, type FieldErrors } from '../../web/forms.js'
import { translator } from '../../web/i18n.js'
import { formatters } from '../../web/format.js'
import { enqueue } from '../../notify/outbox.js'
import { createNotifications } from '../../notify/notifications.js'
import { toE164 } from '../../notify/sms.js'
import { groupLessonOn, lessonsOn, toLessonView, type LessonView } from '../timetable/service.js'
import { absenceQueries, staffGroupDayStatement, staffGroupsStatement } from './queries.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import type { AbsenceReason, AttendanceStatus } from './tables.js'

/** The action is not this person's to take (pupils and staff may not report): 403. */
export class Forbidden extends Error {
  constructor() { super('forbidden') }
}

export type AbsenceKind = 'school' | 'preschool'
export const REASONS: Record<AbsenceKind, AbsenceReason[]> = { school: ['illness', 'other'], preschool: ['illness', 'leave'] }
export const COMMENT_MAX = 300
export const ATTENDANCE: AttendanceStatus[] = ['present', 'absent_valid', 'absent_invalid']
const PAGE_SIZE = 30

const hhmm = (t: string) => t.slice(0, 5)
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
    ? { name: `${staff.given_name} ${staff.family_name}`, href: `${href}?to=${staff.id}` }
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

/** The start page tile. */
/** The start page tile: today's or tomorrow's absence, or the latest one. */
export async function absenceSummary({ db, clock, actor, child }: BoxContext): Promise<BoxSummary> {
  const row = await absenceQueries(db).latestDate(child.id).executeTakeFirst()
  if (!row?.date) return { key: 'absence:summary.none' }
  const days = reportableDates(clock)
  if (days.includes(row.date)) return { key: row.date === days[0] ? 'absence:summary.today' : 'absence:summary.tomorrow' }
  return { key: 'absence:summary.latest', params: { date: formatters(actor.locale).date(row.date) } }
}

// ---- Staff ------------------------------------------------------------------------

const staffRef = (actor: Actor) => ({ id: actor.id, admin: actor.role === 'admin' })

export interface StaffReport {
  id: number
  childName: string
  wholeDay: boolean
  lessons: { id: number; subject: string; start: string; end: string }[]
  reason: AbsenceReason
  comment: string
  reportedBy: string | null
  at: Date
}

export interface StaffDay {
  groups: { id: number; name: string; unitName: string; mine: boolean }[]
  group: { id: number; name: string; unitName: string; unitKind: 'school' | 'preschool' } | null
  date: IsoDate
  today: IsoDate
  prev: IsoDate
  next: IsoDate
  reports: StaffReport[]
  lessons: (LessonView & { registered: number; absent: number })[]
}

/**
 * The staff's absence page: the groups of their units, and for a chosen group and date
 * the reported absences and the lessons to register attendance for. Null: the group
 * is not in the person's units (404).
 */
export async function staffDay(db: Db, clock: Clock, actor: Actor, groupParam: unknown, dateParam: unknown): Promise<StaffDay | null> {
  if (!isStaff(actor)) throw new Forbidden()
  const today = clock.today()
  const date = isIsoDate(dateParam) ? dateParam : today
  const groupId = typeof groupParam === 'string' && /^\d{1,9}$/.test(groupParam) ? Number(groupParam) : null
  if (groupParam !== undefined && groupParam !== '' && groupId === null) return null
  const staff = staffRef(actor)
  const { rows: [chosen] } = await staffGroupsStatement({ admin: staff.admin, chosen: groupId !== null }, db, staff.id, groupId ?? 0)
  const groups = chosen!.groups
  const group = chosen!.group ?? undefined
  if (groupId && !group) return null
  const base: StaffDay = {
    groups: groups.map((g) => ({ id: g.id, name: g.name, unitName: g.unit_name, mine: Boolean(g.mine) })),
    group: group ? { id: group.id, name: group.name, unitName: group.unit_name, unitKind: group.unit_kind } : null,
    date, today, prev: addDaysIso(date, -1), next: addDaysIso(date, 1),
    reports: [], lessons: [],
  }
  if (!group) return base
  const { rows: [day] } = await staffGroupDayStatement(group.unit_kind === 'school', db, group.id, date)
  const { reports, counts } = day!
  const lessons = day!.lessons.map(toLessonView)
  base.reports = reports.map((r) => ({
    id: r.id,
    childName: `${r.given_name} ${r.family_name}`,
    wholeDay: r.whole_day,
    lessons: r.lessons.map((l) => ({ id: l.id, subject: l.subject, start: hhmm(l.starts_at), end: hhmm(l.ends_at) })),
    reason: r.reason,
    comment: r.comment,
    reportedBy: r.by_given ? `${r.by_given} ${r.by_family}` : null,
    // Read through JSON: the time is a string.
    at: new Date(r.created_at),
  }))
  base.lessons = lessons.map((l) => {
    const c = counts.find((x) => x.lesson_id === l.lessonId)
    return { ...l, registered: Number(c?.registered ?? 0), absent: Number(c?.absent ?? 0) }
  })
  return base
}

export interface AttendanceForm {
  group: { id: number; name: string }
  lesson: LessonView
  date: IsoDate
  /** False for a future date or a cancelled lesson. */
  canRegister: boolean
  pupils: { id: number; name: string; status: AttendanceStatus; registered: boolean; reported: boolean }[]
}

/** The register for one lesson of a group on a date; null when the person may not see it (404). */
export async function attendanceForm(db: Db, clock: Clock, actor: Actor, groupId: number, lessonId: number, dateParam: unknown): Promise<AttendanceForm | null> {
  if (!isStaff(actor)) throw new Forbidden()
  if (!Number.isSafeInteger(groupId) || !Number.isSafeInteger(lessonId) || !isIsoDate(dateParam)) return null
  const date = dateParam
  const q = absenceQueries(db)
  const group = await q.groupForStaff(staffRef(actor), groupId)
  if (!group || group.unit_kind !== 'school') return null
  const [lesson, pupils, reports] = await Promise.all([
    groupLessonOn(db, groupId, lessonId, date),
    q.groupPupils(groupId),
    q.groupReportsOn(groupId, date),
  ])
  if (!lesson) return null
  const existing = await q.attendanceFor(lessonId, date, pupils.map((p) => p.id))
  return {
    group: { id: group.id, name: group.name },
    lesson,
    date,
    canRegister: !lesson.cancelled && compareIso(date, clock.today()) <= 0,
    pupils: pupils.map((p) => {
      const reported = reports.some((r) => r.child_id === p.id && (r.whole_day || r.lessons.some((l) => l.id === lessonId)))
      const row = existing.find((e) => e.child_id === p.id)
      return {
        id: p.id,
        name: `${p.given_name} ${p.family_name}`,
        status: row?.status ?? (reported ? 'absent_valid' : 'present'),
        registered: Boolean(row),
        reported,
      }
    }),
  }
}

export type RegisterResult =
  | { ok: true; invalid: number; sms: number }
  | { ok: false; errors: FieldErrors; formError?: string; form: AttendanceForm; values: Record<string, unknown> }

/**
 * Saves a lesson's attendance. An invalid absence sends each guardian with a mobile
 * number one SMS per child and day (the outbox's dedupe key holds that under races),
 * and notifies guardians and the pupil at the day's first invalid lesson and again
 * when there is more than one.
 */
export async function registerAttendance(
  db: Db, clock: Clock, actor: Actor, groupId: number, lessonId: number, dateParam: unknown, body: unknown, now: Date,
): Promise<RegisterResult | null> {
  const form = await attendanceForm(db, clock, actor, groupId, lessonId, dateParam)
  if (!form) return null
  const input = cleanBody(body)
  const errors: FieldErrors = {}
  const statuses = new Map<number, AttendanceStatus>()
  for (const p of form.pupils) {
    const v = ATTENDANCE.find((s) => s === input[`p${p.id}`])
    if (v) statuses.set(p.id, v)
    else errors[`p${p.id}`] = { key: 'absence:staff.errors.status', params: { name: p.name } }
  }
  if (!form.canRegister) {
    return { ok: false, errors: {}, formError: form.lesson.cancelled ? 'absence:staff.cancelled' : 'absence:staff.future', form, values: input }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, form, values: input }

  const date = form.date
  const invalid = [...statuses].filter(([, s]) => s === 'absent_invalid').map(([id]) => id)
  return db.transaction().execute(async (trx) => {
    const q = absenceQueries(trx)
    // Two teachers registering the same pupil at once must still count to two.
    await q.lockChildren(invalid)
    await q.upsertAttendance([...statuses].map(([childId, status]) => ({ childId, lessonId, date, status, by: actor.id, now })))
    if (invalid.length === 0) return { ok: true, invalid: 0, sms: 0 }

    const [counts, guardians, children] = await Promise.all([
      q.invalidLessonCounts(invalid, date),
      q.guardiansOf(invalid),
      q.childrenInfo(invalid),
    ])
    const stages = invalid.flatMap((childId) => {
      const n = counts.get(childId) ?? 0
      return [...(n >= 1 ? [{ childId, date, stage: 1 as const }] : []), ...(n >= 2 ? [{ childId, date, stage: 2 as const }] : [])]
    })
    const claimed = await q.claimAlerts(stages, now)

    let sms = 0
    for (const childId of invalid) {
      const child = children.find((c) => c.id === childId)!
      for (const g of guardians.filter((x) => x.child_id === childId)) {
        const to = toE164(g.mobile)
        if (!to) continue
        const t = translator(g.locale)
        // The child's first name and the date only: no identity number, no reason, no health information.
        const message = t('absence:sms.invalid', { name: child.given_name, date: formatters(g.locale).weekdayDate(date) })
        if (await enqueue(trx, { channel: 'sms', payload: { to, message }, dedupeKey: `sms:${childId}:${date}:${g.id}`, now })) sms++
      }
    }
    for (const a of claimed) {
      const child = children.find((c) => c.id === a.child_id)!
      const recipients = guardians.filter((g) => g.child_id === a.child_id).map((g) => g.id)
      if (child.has_login) recipients.push(child.id)
      await createNotifications(trx, {
        recipientIds: recipients,
        childId: child.id,
        area: 'absence',
        kind: a.stage === 1 ? 'invalidAbsenceFirst' : 'invalidAbsenceMore',
        params: { name: child.given_name },
        link: `/children/${child.id}/absences`,
        now,
      })
    }
    return { ok: true, invalid: invalid.length, sms }
  })
}
