// The staff side of the care schedule: groups of the staff member's own units only.
import type { Db } from '../../db/index.js'
import { addDaysIso, isoWeekOf, type IsoDate } from '../../clock.js'
import { childForActor, fullName, isStaff, type Actor, type Child } from '../../people/service.js'
import * as q from './queries.js'
import {
  COMMENT_MAX, CareError, halfHourCounts, hhmm, hoursOf, isWeekday, todayOf, weekDates, weekParam,
  type HalfHour, type OpeningHours, type SaveResult,
} from './rules.js'
import { loadDay, type CareDayView } from './guardian.js'

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
        id: r.child_id, name: fullName(r),
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
