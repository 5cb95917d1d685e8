import type { Db } from '../../db/index.js'
import {
  addDaysIso, compareIso, isIsoDate, isoWeekKey, isoWeekOf, isoWeekday, mondayOf, parseIsoWeekKey, toIsoDate, type IsoDate,
} from '../../clock.js'
import { childForActor, isStaff, type Actor, type Child } from '../../people/service.js'
import type { FieldError, FieldErrors } from '../../web/forms.js'
import * as q from './queries.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { formatters } from '../../web/format.js'

// ---------------------------------------------------------------------------
// The rules, as plain functions (unit-tested without a database).
// ---------------------------------------------------------------------------

export const COMMENT_MAX = 300
export const WEEKDAYS = [1, 2, 3, 4, 5] as const
export type Weekday = (typeof WEEKDAYS)[number]

/**
 * A wall-clock time as people type it on a phone: "7", "7.30", "7,30", "07:30", "730",
 * "0730" (and "07:30:00" from some browsers' time inputs). Returns "HH:MM" or null.
 */
export function parseTime(raw: string): string | null {
  const s = raw.trim().replace(/\s+/g, '')
  const m = /^(\d{1,2})(?:[:.,](\d{2}))?(?::00)?$/.exec(s) ?? /^(\d{1,2})(\d{2})$/.exec(s)
  if (!m) return null
  const h = Number(m[1])
  const min = m[2] === undefined ? 0 : Number(m[2])
  if (h > 23 || min > 59) return null
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`
}

/** "YYYY-MM-DD" (also with one-digit month or day) or null. */
export function parseDate(raw: string): IsoDate | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw.trim())
  if (!m) return null
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`
  return isIsoDate(iso) ? iso : null
}

/** Week URLs ('2026-W49'): one implementation for every box, in src/clock.ts. */
export const weekParam = isoWeekKey
export const parseWeekParam = parseIsoWeekKey

/** Monday to Friday of the week that starts on `monday`. */
export function weekDates(monday: IsoDate): IsoDate[] {
  return WEEKDAYS.map((d) => addDaysIso(monday, d - 1))
}

export function isWeekday(date: IsoDate): boolean {
  return isoWeekday(date) <= 5
}

/** The same calendar date a year later (29 February becomes 28 February). */
export function oneYearAfter(date: IsoDate): IsoDate {
  const [y, m, d] = date.split('-')
  const candidate = `${Number(y) + 1}-${m}-${d}`
  return isIsoDate(candidate) ? candidate : `${Number(y) + 1}-${m}-28`
}

/**
 * Whether guardians may change a day. Today and earlier days (Stockholm) are locked:
 * the unit plans its staffing from them. Registrations reach at most a year ahead.
 */
export type DayState = 'locked' | 'open' | 'tooFar'
export function dayState(date: IsoDate, today: IsoDate): DayState {
  if (compareIso(date, today) <= 0) return 'locked'
  if (compareIso(date, oneYearAfter(today)) > 0) return 'tooFar'
  return 'open'
}

export function todayOf(now: Date): IsoDate {
  return toIsoDate(now)
}

/** Is the week starting on `monday` offered for "Lägg till/Ändra vecka"? Its Monday must still be open. */
export function weekEditable(monday: IsoDate, today: IsoDate): boolean {
  return dayState(monday, today) === 'open'
}

export function weekStateOf(monday: IsoDate, today: IsoDate): 'open' | 'started' | 'tooFar' {
  const state = dayState(monday, today)
  return state === 'locked' ? 'started' : state
}

/** The first week whose Monday can still be changed. */
export function firstEditableMonday(today: IsoDate): IsoDate {
  return addDaysIso(mondayOf(today), 7)
}

export interface OpeningHours { opens: string; closes: string }

export function hoursOf(row: { opens_at: string; closes_at: string }): OpeningHours {
  return { opens: row.opens_at.slice(0, 5), closes: row.closes_at.slice(0, 5) }
}

export interface TimePair { start: string; end: string }

/**
 * Checks one day's start and end as typed. Both empty means "not there". Errors are
 * keyed by the given field names so they land at the right inputs.
 */
export function checkTimes(
  raw: { start: string; end: string }, hours: OpeningHours, fields: { start: string; end: string },
): { times: TimePair | null; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const startRaw = raw.start.trim()
  const endRaw = raw.end.trim()
  if (!startRaw && !endRaw) return { times: null, errors }
  const start = startRaw ? parseTime(startRaw) : null
  const end = endRaw ? parseTime(endRaw) : null
  if (!startRaw) errors[fields.start] = { key: 'care:errors.startMissing' }
  else if (!start) errors[fields.start] = { key: 'care:errors.timeInvalid' }
  else if (start < hours.opens) errors[fields.start] = { key: 'care:errors.beforeOpening', params: { time: hours.opens } }
  else if (start >= hours.closes) errors[fields.start] = { key: 'care:errors.afterClosing', params: { time: hours.closes } }
  if (!endRaw) errors[fields.end] = { key: 'care:errors.endMissing' }
  else if (!end) errors[fields.end] = { key: 'care:errors.timeInvalid' }
  else if (end > hours.closes) errors[fields.end] = { key: 'care:errors.afterClosing', params: { time: hours.closes } }
  else if (end <= hours.opens) errors[fields.end] = { key: 'care:errors.beforeOpening', params: { time: hours.opens } }
  else if (start && !errors[fields.start] && end <= start) errors[fields.end] = { key: 'care:errors.endBeforeStart' }
  if (Object.keys(errors).length || !start || !end) return { times: null, errors }
  return { times: { start, end }, errors }
}

export interface Repetition {
  /** Every N-th week: 1 = every week, 2 = every other week. */
  every: number
  /** The span, counted in weeks from the first one. */
  weeks?: number
  /** The last day to write. */
  until?: IsoDate
}

/** The Mondays that a week written from `monday` with this repetition reaches. */
export function repetitionMondays(monday: IsoDate, rep: Repetition | null): IsoDate[] {
  if (!rep) return [monday]
  const out: IsoDate[] = []
  for (let k = 0; k < 60 * rep.every; k += rep.every) {
    if (rep.weeks !== undefined && k >= rep.weeks) break
    const m = addDaysIso(monday, 7 * k)
    if (rep.until !== undefined && compareIso(m, rep.until) > 0) break
    out.push(m)
  }
  return out
}

export type WeekPattern = Record<Weekday, TimePair | null>

export interface WeekPlan {
  /** Days to write (times, or null to remove), all changeable. */
  writes: q.DayWrite[]
  /** Days the pattern covers that are today or earlier, so were left as they are. */
  skipped: IsoDate[]
  /** The Mondays of the weeks written. */
  mondays: IsoDate[]
}

/**
 * Spreads a week's pattern over the repeated weeks. Weeks between the repeated ones are
 * not in the plan at all, so a co-parent's registrations there are never overwritten.
 */
export function planWeekWrite(monday: IsoDate, pattern: WeekPattern, rep: Repetition | null, today: IsoDate): WeekPlan {
  const writes: q.DayWrite[] = []
  const skipped: IsoDate[] = []
  const mondays: IsoDate[] = []
  for (const m of repetitionMondays(monday, rep)) {
    let any = false
    for (const wd of WEEKDAYS) {
      const day = addDaysIso(m, wd - 1)
      if (rep?.until !== undefined && compareIso(day, rep.until) > 0) continue
      if (dayState(day, today) !== 'open') {
        if (compareIso(day, today) <= 0) skipped.push(day)
        continue
      }
      const t = pattern[wd]
      writes.push({ day, start: t?.start ?? null, end: t?.end ?? null })
      any = true
    }
    if (any) mondays.push(m)
  }
  return { writes, skipped, mondays }
}

/** How many weeks from `monday` fit before the one-year limit. */
export function maxWeeksFrom(monday: IsoDate, today: IsoDate): number {
  const limit = oneYearAfter(today)
  let n = 0
  while (compareIso(addDaysIso(monday, 7 * n + 4), limit) <= 0) n++
  return n
}

export interface WeekInput {
  days: Record<Weekday, { start: string; end: string }>
  repeat: boolean
  every: string
  weeks: string
  until: string
  /** Days left empty take Monday's times (a quick week on a phone). */
  sameAsMonday?: boolean
}

export const dayField = (wd: Weekday, part: 'start' | 'end') => `${part}${wd}`

/** Validates the week form: times per weekday, and the repetition with its one-year bound. */
export function checkWeek(input: WeekInput, hours: OpeningHours, monday: IsoDate, today: IsoDate):
  { ok: true; pattern: WeekPattern; rep: Repetition | null } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const pattern = {} as WeekPattern
  const mondayTimes = input.days[1] ?? { start: '', end: '' }
  for (const wd of WEEKDAYS) {
    let raw = input.days[wd] ?? { start: '', end: '' }
    if (input.sameAsMonday && wd !== 1 && !raw.start.trim() && !raw.end.trim()) raw = mondayTimes
    const r = checkTimes(raw, hours, { start: dayField(wd, 'start'), end: dayField(wd, 'end') })
    Object.assign(errors, r.errors)
    pattern[wd] = r.times
  }
  const limit = oneYearAfter(today)
  let rep: Repetition | null = null
  if (input.repeat) {
    const every = /^\d{1,3}$/.test(input.every.trim()) ? Number(input.every.trim()) : input.every.trim() === '' ? 1 : NaN
    if (!(every >= 1 && every <= 52)) errors.every = { key: 'care:errors.everyInvalid' }
    const weeksRaw = input.weeks.trim()
    const untilRaw = input.until.trim()
    rep = { every: Number.isNaN(every) ? 1 : every }
    if (!weeksRaw && !untilRaw) errors.weeks = { key: 'care:errors.limitMissing' }
    else if (weeksRaw && untilRaw) errors.weeks = { key: 'care:errors.limitBoth' }
    else if (weeksRaw) {
      const weeks = /^\d{1,3}$/.test(weeksRaw) ? Number(weeksRaw) : NaN
      const max = maxWeeksFrom(monday, today)
      if (!(weeks >= 1)) errors.weeks = { key: 'care:errors.weeksInvalid' }
      else if (weeks > max) errors.weeks = { key: 'care:errors.weeksTooMany', params: { max, date: limit } }
      else rep.weeks = weeks
    } else {
      const until = parseDate(untilRaw)
      if (!until) errors.until = { key: 'care:errors.untilInvalid' }
      else if (compareIso(until, monday) < 0) errors.until = { key: 'care:errors.untilBeforeWeek' }
      else if (compareIso(until, limit) > 0) errors.until = { key: 'care:errors.untilTooFar', params: { date: limit } }
      else rep.until = until
    }
  }
  // Days of the week past the limit are skipped like locked days; a week that starts past it is refused.
  if (compareIso(monday, limit) > 0) errors._form = { key: 'care:errors.weekTooFar', params: { date: limit } }
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, pattern, rep }
}

export interface HalfHour { from: string; to: string; count: number }

const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))
const fromMinutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

/**
 * How many children are expected in each half hour of the opening hours: a child counts
 * in a slot when present at any moment of it (06:30-07:00 counts a child arriving 06:45).
 */
export function halfHourCounts(intervals: { start: string; end: string }[], hours: OpeningHours): HalfHour[] {
  const out: HalfHour[] = []
  const close = toMinutes(hours.closes)
  for (let m = toMinutes(hours.opens); m < close; m += 30) {
    const to = Math.min(m + 30, close)
    const count = intervals.filter((i) => toMinutes(i.start) < to && toMinutes(i.end) > m).length
    out.push({ from: fromMinutes(m), to: fromMinutes(to), count })
  }
  return out
}

// ---------------------------------------------------------------------------
// The box's operations: (db, actor, child, input, now) -> view model or result.
// ---------------------------------------------------------------------------

export class CareError extends Error {
  constructor(public statusCode: 403 | 404, message: string) {
    super(message)
  }
}

/** Pupils never see this box (SPEC.md section 1); the routes' requireBox says so first. */
function assertReader(actor: Actor): void {
  if (actor.role === 'pupil') throw new CareError(403, 'pupils do not see care schedules')
}

/** Only the child's guardians register times. */
function canRegister(actor: Actor): boolean {
  return actor.role === 'guardian'
}

const hhmm = (t: string | null) => (t ? t.slice(0, 5) : null)
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

async function loadDay(db: Db, child: Child, date: IsoDate, today: IsoDate, editor: boolean): Promise<CareDayView> {
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

export type SaveResult<T> = ({ ok: true } & T) | { ok: false; status: 403 | 422; errors: FieldErrors }

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
}

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
    q.unitHours(db, child.unitId),
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
  }
}

/**
 * Saves a week, and with a repetition every N-th week up to the limit, in one statement.
 * Locked days (today and earlier) are skipped and reported, never written.
 */
export async function saveCareWeek(db: Db, actor: Actor, child: Child, monday: IsoDate, input: WeekInput, now: Date):
  Promise<SaveResult<{ mondays: IsoDate[]; skipped: IsoDate[]; changed: number }>> {
  assertReader(actor)
  if (!canRegister(actor)) throw new CareError(403, 'only guardians register care times')
  const today = todayOf(now)
  return db.transaction().execute(async (trx) => {
    const ctx = await q.careContext(trx, child.id, actor.id, { lock: true })
    if (!ctx?.is_guardian) throw new CareError(404, 'not a guardian of this child')
    const checked = checkWeek(input, hoursOf(ctx), monday, today)
    if (!checked.ok) return { ok: false as const, status: 422 as const, errors: checked.errors }
    const plan = planWeekWrite(monday, checked.pattern, checked.rep, today)
    if (!plan.writes.length) return { ok: false as const, status: 403 as const, errors: { _form: { key: 'care:errors.weekLocked' } } }
    const written = await q.writeDays(trx, { childId: child.id, actorId: actor.id, now, today, days: plan.writes })
    return { ok: true as const, mondays: plan.mondays, skipped: plan.skipped, changed: written.length }
  })
}

/** The start page tile: the next registered day from today. */
export async function careSummary({ db, clock, actor, child }: BoxContext): Promise<BoxSummary> {
  const r = await q.nextRegisteredDay(db, child.id, clock.today()).executeTakeFirst()
  if (!r) return { key: 'care:summary.none' }
  const start = hhmm(r.starts_at)!
  const end = hhmm(r.ends_at)!
  if (r.day === clock.today()) return { key: 'care:summary.today', params: { start, end } }
  return { key: 'care:summary.next', params: { date: formatters(actor.locale).weekdayDate(r.day), start, end } }
}

// ---------------------------------------------------------------------------
// Staff side: groups of the staff member's own units only.
// ---------------------------------------------------------------------------

function assertStaff(actor: Actor): void {
  if (!isStaff(actor)) throw new CareError(404, 'staff only')
}

export interface StaffGroupView {
  id: number
  name: string
  unitName: string
  unitKind: 'school' | 'preschool'
  own: boolean
  unseen: number
  hours: OpeningHours
}

const toGroupView = (g: q.CareGroupRow): StaffGroupView => ({
  id: g.id, name: g.name, unitName: g.unit_name, unitKind: g.unit_kind, own: g.own, unseen: g.unseen, hours: hoursOf(g),
})

/** The care groups a staff member may open, their own groups first. */
export async function staffCareGroups(db: Db, actor: Actor, now: Date): Promise<StaffGroupView[]> {
  assertStaff(actor)
  const rows = await q.careGroupsForStaff(db, actor, todayOf(now))
  return rows.map(toGroupView).sort((a, b) => Number(b.own) - Number(a.own))
}

async function staffGroup(db: Db, actor: Actor, groupId: number, today: IsoDate): Promise<StaffGroupView> {
  assertStaff(actor)
  const g = (await q.careGroupsForStaff(db, actor, today, groupId))[0]
  if (!g) throw new CareError(404, 'no such group for this staff member')
  return toGroupView(g)
}

export interface StaffChildDayCell {
  date: IsoDate
  start: string | null
  end: string | null
  hasComment: boolean
  commentNew: boolean
  hasStaffComment: boolean
}

export interface StaffChildRow { id: number; name: string; cells: StaffChildDayCell[] }

function childRows(rows: q.GroupDayRow[], dates: IsoDate[]): StaffChildRow[] {
  const out = new Map<number, StaffChildRow>()
  for (const r of rows) {
    let c = out.get(r.child_id)
    if (!c) {
      c = {
        id: r.child_id, name: `${r.given_name} ${r.family_name}`,
        cells: dates.map((date) => ({ date, start: null, end: null, hasComment: false, commentNew: false, hasStaffComment: false })),
      }
      out.set(r.child_id, c)
    }
    const cell = r.day ? c.cells.find((x) => x.date === r.day) : undefined
    if (cell) {
      cell.start = hhmm(r.starts_at)
      cell.end = hhmm(r.ends_at)
      cell.hasComment = r.comment !== null
      cell.commentNew = r.comment_new
      cell.hasStaffComment = r.staff_comment !== null
    }
  }
  return [...out.values()]
}

export interface StaffGroupDayView {
  group: StaffGroupView
  date: IsoDate
  weekParam: string
  prev: IsoDate
  next: IsoDate
  isToday: boolean
  children: (StaffChildRow & { cell: StaffChildDayCell })[]
  expected: number
  counts: HalfHour[]
}

const previousWeekday = (d: IsoDate) => { let x = addDaysIso(d, -1); while (!isWeekday(x)) x = addDaysIso(x, -1); return x }
const nextWeekday = (d: IsoDate) => { let x = addDaysIso(d, 1); while (!isWeekday(x)) x = addDaysIso(x, 1); return x }

/** A group's day: who comes when, comment markers, and the head count per half hour. */
export async function staffGroupDay(db: Db, actor: Actor, groupId: number, date: IsoDate, now: Date): Promise<StaffGroupDayView> {
  const today = todayOf(now)
  const group = await staffGroup(db, actor, groupId, today)
  const rows = await q.groupDays(db, groupId, date, date)
  const children = childRows(rows, [date]).map((c) => ({ ...c, cell: c.cells[0]! }))
  // Children with times first, in order of arrival; then those not coming.
  children.sort((a, b) => (a.cell.start ?? '99') .localeCompare(b.cell.start ?? '99') || a.name.localeCompare(b.name, 'sv'))
  const intervals = children.filter((c) => c.cell.start && c.cell.end).map((c) => ({ start: c.cell.start!, end: c.cell.end! }))
  return {
    group, date, weekParam: weekParam(date), prev: previousWeekday(date), next: nextWeekday(date), isToday: date === today,
    children, expected: intervals.length, counts: halfHourCounts(intervals, group.hours),
  }
}

export interface StaffGroupWeekView {
  group: StaffGroupView
  monday: IsoDate
  param: string
  week: number
  prev: string
  next: string
  dates: IsoDate[]
  children: StaffChildRow[]
  expectedPerDay: number[]
}

/** The week overview: each child's times Monday to Friday. */
export async function staffGroupWeek(db: Db, actor: Actor, groupId: number, monday: IsoDate, now: Date): Promise<StaffGroupWeekView> {
  const group = await staffGroup(db, actor, groupId, todayOf(now))
  const dates = weekDates(monday)
  const rows = await q.groupDays(db, groupId, monday, dates[4]!)
  const children = childRows(rows, dates)
  return {
    group, monday, param: weekParam(monday), week: isoWeekOf(monday).week,
    prev: weekParam(addDaysIso(monday, -7)), next: weekParam(addDaysIso(monday, 7)), dates, children,
    expectedPerDay: dates.map((_, i) => children.filter((c) => c.cells[i]!.start).length),
  }
}

/** The child's care data, as staff may see it: only a child in care of the staff member's own units. */
async function staffChild(db: Db, actor: Actor, childId: number): Promise<Child> {
  assertStaff(actor)
  const child = await childForActor(db, actor, childId)
  if (!child || !(child.unitKind === 'preschool' || child.inFritids)) throw new CareError(404, 'no such child for this staff member')
  return child
}

/** Staff open a child's day; a new guardian comment counts as seen from now on. */
export async function staffChildDay(db: Db, actor: Actor, childId: number, date: IsoDate, now: Date): Promise<{ child: Child; day: CareDayView }> {
  const child = await staffChild(db, actor, childId)
  const day = await loadDay(db, child, date, todayOf(now), false)
  if (day.commentNew) await q.markCommentSeen(db, child.id, date, now)
  return { child, day }
}

/** Staff comment on a child's day; guardians see it when they open the day (no notification). */
export async function saveStaffComment(db: Db, actor: Actor, childId: number, date: IsoDate, body: string, now: Date):
  Promise<SaveResult<{ child: Child; removed: boolean }>> {
  const child = await staffChild(db, actor, childId)
  const text = body.trim()
  if (text.length > COMMENT_MAX) return { ok: false, status: 422, errors: { staffComment: { key: 'care:errors.commentTooLong', params: { max: COMMENT_MAX } } } }
  await q.upsertStaffComment(db, { childId: child.id, day: date, body: text || null, authorId: actor.id, now })
  return { ok: true, child, removed: !text }
}

export type { FieldError }
