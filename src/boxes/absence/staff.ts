import { Forbidden } from '../../web/errors.js'
// The staff side of absence: a group's day (reports and lessons) and registering attendance.
import type { Db } from '../../db/index.js'
import { addDaysIso, compareIso, isIsoDate, type Clock, type IsoDate } from '../../clock.js'
import { fullName, isStaff, type Actor } from '../../people/service.js'
import { cleanBody, type FieldErrors } from '../../web/forms.js'
import { translator } from '../../web/i18n.js'
import { formatters } from '../../web/format.js'
import { enqueue } from '../../notify/outbox.js'
import { createNotifications } from '../../notify/notifications.js'
import { toE164 } from '../../notify/sms.js'
import { groupLessonOn, toLessonView, type LessonView } from '../timetable/service.js'
import { absenceQueries, staffGroupDayStatement, staffGroupsStatement } from './queries.js'
import type { AbsenceReason, AttendanceStatus } from './tables.js'
import { ATTENDANCE, hhmm } from './rules.js'

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
    childName: fullName(r),
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
        name: fullName(p),
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
        if (await enqueue(trx, { channel: 'sms', payload: { to, message }, dedupeKey: `sms:${childId}:${date}:${g.id}`, kind: 'absence-sms', recipientId: g.id, now })) sms++
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
