// The guardian's side of the care schedule: the week, the day, and saving them.
import type { Db } from '../../db/index.js'
import { addDaysIso, isoWeekOf, isoWeekday, mondayOf, type IsoDate } from '../../clock.js'
import type { Actor, Child } from '../../people/service.js'
import type { FieldErrors } from '../../web/forms.js'
import * as q from './queries.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { formatters } from '../../web/format.js'
import {
  COMMENT_MAX, CareError, WEEKDAYS, checkTimes, checkWeek, copyPattern, dayState, firstEditableMonday, hhmm, hoursOf, oneYearAfter,
  planCopyWrite, planWeekWrite, todayOf, weekDates, weekEditable, weekParam, weekStateOf,
  type CopyRefusal, type DayState, type OpeningHours, type SaveResult, type WeekInput, type Weekday,
} from './rules.js'

/** Pupils never see this box (SPEC.md section 1); the routes' requireBox says so first. */
function assertReader(actor: Actor): void {
  if (actor.role === 'pupil') throw new CareError(403, 'pupils do not see care schedules')
}

/** Only the child's guardians register times. */
function canRegister(actor: Actor): boolean {
  return actor.role === 'guardian'
}

const personName = (g: string | null, f: string | null) => (g ? `${g} ${f ?? ''}`.trim() : null)

export interface WeekDayView {
  date: IsoDate
  weekday: number
  start: string | null
  end: string | null
  hasComment: boolean
  state: DayState
  isToday: boolean
}

export interface CareWeekView {
  monday: IsoDate
  friday: IsoDate
  week: number
  year: number
  param: string
  prev: string
  next: string
  isCurrent: boolean
  currentParam: string
  days: WeekDayView[]
  canEdit: boolean
  weekEditable: boolean
  /** Why a week cannot be entered as a whole: it has started, or it lies more than a year ahead. */
  weekState: 'open' | 'started' | 'tooFar'
  firstEditable: string
  limit: IsoDate
}

/** Hela veckan: Monday to Friday with times and comment bubbles. One query. */
export async function careScheduleWeek(db: Db, actor: Actor, child: Child, monday: IsoDate, now: Date): Promise<CareWeekView> {
  assertReader(actor)
  const today = todayOf(now)
  const friday = addDaysIso(monday, 4)
  const rows = await q.daysInRange(db, child.id, monday, friday)
  const byDay = new Map(rows.map((r) => [r.day, r]))
  const { year, week } = isoWeekOf(monday)
  return {
    monday, friday, year, week,
    param: weekParam(monday),
    prev: weekParam(addDaysIso(monday, -7)),
    next: weekParam(addDaysIso(monday, 7)),
    isCurrent: monday === mondayOf(today),
    currentParam: weekParam(today),
    days: weekDates(monday).map((date) => {
      const r = byDay.get(date)
      return {
        date, weekday: isoWeekday(date),
        start: hhmm(r?.starts_at ?? null), end: hhmm(r?.ends_at ?? null), hasComment: Boolean(r?.has_comment),
        state: dayState(date, today), isToday: date === today,
      }
    }),
    canEdit: canRegister(actor),
    weekEditable: canRegister(actor) && weekEditable(monday, today),
    weekState: weekStateOf(monday, today),
    firstEditable: weekParam(firstEditableMonday(today)),
    limit: oneYearAfter(today),
  }
}

export interface ChangeView { action: 'set' | 'removed'; start: string | null; end: string | null; comment: string | null; at: Date; by: string | null }

export interface CareDayView {
  date: IsoDate
  weekParam: string
  state: DayState
  canEdit: boolean
  start: string | null
  end: string | null
  comment: string | null
  commentNew: boolean
  staffComment: { body: string; by: string | null; at: Date } | null
  changedBy: string | null
  changedAt: Date | null
  history: ChangeView[]
  hours: OpeningHours
  /** The last day that can be registered (a year ahead). */
  limit: IsoDate
}

/** One day of the child: the guardian's page, and the same day read-only for staff (staff.ts). */
export async function loadDay(db: Db, child: Child, date: IsoDate, today: IsoDate, editor: boolean): Promise<CareDayView> {
  const [d, log, unit] = await Promise.all([q.dayDetail(db, child.id, date), q.dayLog(db, child.id, date), q.unitHours(db, child.unitId)])
  return {
    date, weekParam: weekParam(date), state: dayState(date, today), canEdit: editor,
    start: hhmm(d.starts_at), end: hhmm(d.ends_at), comment: d.comment,
    commentNew: d.comment !== null && d.comment_seen_at === null,
    staffComment: d.staff_comment ? { body: d.staff_comment, by: personName(d.staff_given, d.staff_family), at: d.staff_comment_at! } : null,
    changedBy: personName(d.updater_given, d.updater_family), changedAt: d.updated_at,
    history: log.map((l) => ({
      action: l.action, start: hhmm(l.starts_at), end: hhmm(l.ends_at), comment: l.comment, at: l.changed_at,
      by: personName(l.given_name, l.family_name),
    })),
    hours: hoursOf(unit ?? { opens_at: '06:30', closes_at: '18:30' }),
    limit: oneYearAfter(today),
  }
}

/** One day as the guardian sees it: times, both comments, who changed it and when. */
export async function careScheduleDay(db: Db, actor: Actor, child: Child, date: IsoDate, now: Date): Promise<CareDayView> {
  assertReader(actor)
  return loadDay(db, child, date, todayOf(now), canRegister(actor))
}

export interface DayInput { start: string; end: string; comment: string; remove?: boolean }

function lockedResult(date: IsoDate, today: IsoDate): { ok: false; status: 403 | 422; errors: FieldErrors } {
  const state = dayState(date, today)
  return state === 'tooFar'
    ? { ok: false, status: 422, errors: { _form: { key: 'care:errors.dayTooFar', params: { date: oneYearAfter(today) } } } }
    : { ok: false, status: 403, errors: { _form: { key: 'care:errors.dayLocked' } } }
}

/**
 * Lägg till/Ändra dag. Empty times remove the day. Today and earlier days are locked
 * whatever the form says; the write itself repeats that rule in SQL.
 */
export async function saveCareDay(db: Db, actor: Actor, child: Child, date: IsoDate, input: DayInput, now: Date):
  Promise<SaveResult<{ action: 'set' | 'removed' | 'unchanged' }>> {
  assertReader(actor)
  if (!canRegister(actor)) throw new CareError(403, 'only guardians register care times')
  const today = todayOf(now)
  if (dayState(date, today) !== 'open') return lockedResult(date, today)
  return db.transaction().execute(async (trx) => {
    const ctx = await q.careContext(trx, child.id, actor.id, { lock: true })
    if (!ctx?.is_guardian) throw new CareError(404, 'not a guardian of this child')
    const comment = input.comment.trim()
    let start: string | null = null
    let end: string | null = null
    if (!input.remove) {
      const errors: FieldErrors = {}
      if (comment.length > COMMENT_MAX) errors.comment = { key: 'care:errors.commentTooLong', params: { max: COMMENT_MAX } }
      const r = checkTimes({ start: input.start, end: input.end }, hoursOf(ctx), { start: 'start', end: 'end' })
      Object.assign(errors, r.errors)
      if (!r.times && !Object.keys(r.errors).length && comment) errors.start = { key: 'care:errors.commentWithoutTimes' }
      if (Object.keys(errors).length) return { ok: false as const, status: 422 as const, errors }
      start = r.times?.start ?? null
      end = r.times?.end ?? null
    }
    const written = await q.writeDay(trx, { childId: child.id, actorId: actor.id, now, today, day: date, start, end, comment: comment || null })
    return { ok: true as const, action: written[0]?.action ?? ('unchanged' as const) }
  })
}

export interface WeekFormView {
  monday: IsoDate
  param: string
  week: number
  editable: boolean
  weekState: 'open' | 'started' | 'tooFar'
  limit: IsoDate
  firstEditable: string
  days: { weekday: Weekday; date: IsoDate; state: DayState; start: string; end: string; hasComment: boolean }[]
  /** A recent week with registrations to fill this one from. */
  fillFrom: { param: string; week: number } | null
  hours: OpeningHours
  /** The guardian's other children in care: "Samma tider även för" (issue 18). */
  siblings: CareSibling[]
}

export interface CareSibling { id: number; givenName: string; unitName: string; place: 'school' | 'preschool'; hours: OpeningHours }

/** Lägg till/Ändra vecka: the form, filled with the week's registrations (or another week's). */
export async function careWeekForm(db: Db, actor: Actor, child: Child, monday: IsoDate, now: Date, fillFromMonday?: IsoDate | null): Promise<WeekFormView> {
  assertReader(actor)
  if (!canRegister(actor)) throw new CareError(403, 'only guardians register care times')
  const today = todayOf(now)
  const source = fillFromMonday ?? monday
  const [rows, comments, last, unit] = await Promise.all([
    q.daysInRange(db, child.id, source, addDaysIso(source, 4)),
    source === monday ? Promise.resolve(null) : q.daysInRange(db, child.id, monday, addDaysIso(monday, 4)),
    q.lastRegisteredDayBefore(db, child.id, monday),
    q.weekFormContext(db, child.unitId, actor.id, child.id),
  ])
  const byWeekday = new Map(rows.map((r) => [isoWeekday(r.day), r]))
  const commented = new Set((comments ?? rows).filter((r) => r.has_comment).map((r) => isoWeekday(r.day)))
  const lastMonday = last ? mondayOf(last) : null
  return {
    monday, param: weekParam(monday), week: isoWeekOf(monday).week,
    editable: weekEditable(monday, today),
    weekState: weekStateOf(monday, today),
    limit: oneYearAfter(today),
    firstEditable: weekParam(firstEditableMonday(today)),
    days: WEEKDAYS.map((wd) => {
      const date = addDaysIso(monday, wd - 1)
      const r = byWeekday.get(wd)
      return { weekday: wd, date, state: dayState(date, today), start: hhmm(r?.starts_at ?? null) ?? '', end: hhmm(r?.ends_at ?? null) ?? '', hasComment: commented.has(wd) }
    }),
    fillFrom: lastMonday && lastMonday !== source ? { param: weekParam(lastMonday), week: isoWeekOf(lastMonday).week } : null,
    hours: hoursOf(unit ?? { opens_at: '06:30', closes_at: '18:30' }),
    siblings: (unit?.siblings ?? []).map((r) => ({ id: r.id, givenName: r.given_name, unitName: r.unit_name, place: r.unit_kind, hours: hoursOf(r) })),
  }
}

/** What a copy to one sibling did: the days written, and the weekdays the sibling's own rules refused (left as they were). */
export interface CopyResult { childId: number; givenName: string; copied: number; refused: (CopyRefusal & { date: IsoDate })[] }

/**
 * Saves a week, and with a repetition every N-th week up to the limit, in one statement.
 * Locked days (today and earlier) are skipped and reported, never written.
 */
export async function saveCareWeek(db: Db, actor: Actor, child: Child, monday: IsoDate, input: WeekInput, now: Date, copyTo: readonly string[] = []):
  Promise<SaveResult<{ mondays: IsoDate[]; skipped: IsoDate[]; changed: number; copies: CopyResult[] }>> {
  assertReader(actor)
  if (!canRegister(actor)) throw new CareError(403, 'only guardians register care times')
  const today = todayOf(now)
  // The siblings to copy to: ids as sent; anything but another child of this guardian in care is 404, before anything is written.
  const siblingIds = [...new Set(copyTo)].map((raw) => (/^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : NaN))
  if (siblingIds.some((id) => !Number.isSafeInteger(id) || id === child.id)) throw new CareError(404, 'not a sibling in care')
  return db.transaction().execute(async (trx) => {
    const ctx = await q.careContext(trx, child.id, actor.id, { lock: true })
    if (!ctx?.is_guardian) throw new CareError(404, 'not a guardian of this child')
    // Locked in id order, so two guardians copying between the same children never wait on each other in a circle.
    const siblings: { id: number; ctx: q.CareContextRow }[] = []
    for (const id of [...siblingIds].sort((a, b) => a - b)) {
      const sctx = await q.careContext(trx, id, actor.id, { lock: true })
      if (!sctx?.is_guardian) throw new CareError(404, 'not a sibling in care')
      siblings.push({ id, ctx: sctx })
    }
    const checked = checkWeek(input, hoursOf(ctx), monday, today)
    if (!checked.ok) return { ok: false as const, status: 422 as const, errors: checked.errors }
    const plan = planWeekWrite(monday, checked.pattern, checked.rep, today)
    if (!plan.writes.length) return { ok: false as const, status: 403 as const, errors: { _form: { key: 'care:errors.weekLocked' } } }
    const written = await q.writeDays(trx, { childId: child.id, actorId: actor.id, now, today, days: plan.writes })
    const openWeekdays = new Set(plan.writes.map((w) => isoWeekday(w.day)))
    const copies: CopyResult[] = []
    // In the order the form lists them (by name).
    siblings.sort((a, b) => a.ctx.given_name.localeCompare(b.ctx.given_name, 'sv') || a.id - b.id)
    for (const s of siblings) {
      const copy = copyPattern(checked.pattern, hoursOf(s.ctx))
      const copyPlan = planCopyWrite(monday, copy.pattern, checked.rep, today)
      await q.writeDays(trx, { childId: s.id, actorId: actor.id, now, today, days: copyPlan.writes })
      copies.push({
        childId: s.id, givenName: s.ctx.given_name, copied: copyPlan.writes.length,
        refused: copy.refused.filter((r) => openWeekdays.has(r.weekday)).map((r) => ({ ...r, date: addDaysIso(monday, r.weekday - 1) })),
      })
    }
    return { ok: true as const, mondays: plan.mondays, skipped: plan.skipped, changed: written.length, copies }
  })
}

/** The start page tile: the next registered day from today. */
export async function careSummary({ db, clock, actor, child }: BoxContext): Promise<BoxSummary> {
  const r = await q.nextRegisteredDay(db, child.id, clock.today())
  if (!r) return { key: 'care:summary.none' }
  const start = hhmm(r.starts_at)!
  const end = hhmm(r.ends_at)!
  if (r.day === clock.today()) return { key: 'care:summary.today', params: { start, end } }
  return { key: 'care:summary.next', params: { date: formatters(actor.locale).weekdayDate(r.day), start, end } }
}
