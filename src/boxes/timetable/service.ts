import { randomBytes } from 'node:crypto'
import ical, { ICalEventStatus } from 'ical-generator'
import type { Db } from '../../db/index.js'
import type { Executor } from '../../db/index.js'
import { addDaysIso, isIsoDate, isoWeekKey, isoWeekOf, mondayOf, parseIsoWeekKey, stockholmInstant, type Clock, type IsoDate } from '../../clock.js'
import { childrenOfActor, loadActor, childForActor, type Actor, type Child, fullName } from '../../people/service.js'
import { lessonsOnDay, timetableQueries } from './queries.js'
import type { OccurrenceRow } from '../../people/lessons.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'

/** A lesson as the pages show it. */
export interface LessonView {
  lessonId: number
  date: IsoDate
  subject: string
  /** 'HH:mm' in Stockholm. */
  start: string
  end: string
  teacher: string | null
  teacherId: number | null
  room: string
  group: string
  groupId: number
  cancelled: boolean
  roomChanged: boolean
  teacherChanged: boolean
  timeChanged: boolean
  note: string
}

export interface DayView { date: IsoDate; isToday: boolean; lessons: LessonView[] }

export interface WeekView {
  year: number
  week: number
  /** '2026-W49', the value of ?week= */
  key: string
  monday: IsoDate
  friday: IsoDate
  prevKey: string
  nextKey: string
  thisKey: string
  isThisWeek: boolean
  days: DayView[]
  /** The child's classes (the page's heading). */
  classes: string[]
}

const hhmm = (t: string) => t.slice(0, 5)

export function toLessonView(r: OccurrenceRow): LessonView {
  return {
    lessonId: r.lesson_id,
    date: r.date,
    subject: r.subject,
    start: hhmm(r.starts_at),
    end: hhmm(r.ends_at),
    teacher: r.teacher_given ? `${r.teacher_given} ${r.teacher_family}` : null,
    teacherId: r.teacher_id,
    room: r.room,
    group: r.group_name,
    groupId: r.group_id,
    cancelled: r.cancelled,
    roomChanged: r.room !== r.planned_room,
    teacherChanged: r.teacher_id !== r.planned_teacher_id,
    timeChanged: r.starts_at !== r.planned_starts_at,
    note: r.note,
  }
}

/** Week URLs ('2026-W49'): one implementation for every box, in src/clock.ts. */
export const weekKey = isoWeekKey
export const parseWeekKey = parseIsoWeekKey

/** Timetables exist for school children only (SPEC.md section 1). */
function hasTimetable(child: Child): boolean {
  return child.unitKind === 'school'
}

/**
 * The child's week, Monday to Friday. `weekParam` absent means this week; a value that
 * is not an ISO week gives null (the page does not exist).
 */
export async function timetableWeek(db: Executor, clock: Clock, child: Child, weekParam: unknown): Promise<WeekView | null> {
  if (!hasTimetable(child)) return null
  const today = clock.today()
  const monday = weekParam === undefined || weekParam === '' ? mondayOf(today) : parseWeekKey(weekParam)
  if (!monday) return null
  const friday = addDaysIso(monday, 4)
  const { lessons: rows, classes } = await timetableQueries(db).weekForChild(child.id, monday, friday)
  const days: DayView[] = [0, 1, 2, 3, 4].map((i) => {
    const date = addDaysIso(monday, i)
    return { date, isToday: date === today, lessons: [] }
  })
  for (const r of rows) days.find((d) => d.date === r.date)?.lessons.push(toLessonView(r))
  const { year, week } = isoWeekOf(monday)
  const thisKey = weekKey(today)
  const key = weekKey(monday)
  return {
    year, week, key, monday, friday,
    prevKey: weekKey(addDaysIso(monday, -7)),
    nextKey: weekKey(addDaysIso(monday, 7)),
    thisKey,
    isThisWeek: key === thisKey,
    days,
    classes,
  }
}

/** One lesson on one date, if the child has it then. */
export async function lessonOn(db: Executor, child: Child, lessonId: number, date: unknown): Promise<LessonView | null> {
  if (!hasTimetable(child) || !Number.isSafeInteger(lessonId) || !isIsoDate(date)) return null
  const row = await timetableQueries(db).occurrenceForChild(child.id, lessonId, date)
  return row ? toLessonView(row) : null
}

/** The child's lessons on a date (absence reports list them). */
export async function lessonsOn(db: Executor, child: Child, date: IsoDate): Promise<LessonView[]> {
  if (!hasTimetable(child)) return []
  return (await timetableQueries(db).occurrencesForChild(child.id, date, date)).map(toLessonView)
}

export async function groupLessonOn(db: Executor, groupId: number, lessonId: number, date: IsoDate): Promise<LessonView | null> {
  const row = await timetableQueries(db).occurrenceForGroup(groupId, lessonId, date)
  return row ? toLessonView(row) : null
}

/** The start page tile: how many lessons today and when the first starts. */
export async function todaySummary({ db, clock, child }: BoxContext): Promise<BoxSummary> {
  const { count, first } = await lessonsOnDay(db, child.id, clock.today())
  if (count === 0 || !first) return { key: 'timetable:summary.none' }
  return { key: 'timetable:summary.today', params: { count, start: hhmm(first) } }
}

// ---- The calendar feed ----------------------------------------------------------

/** Weeks before and after today that the feed carries. */
const FEED_WEEKS_BACK = 4
const FEED_WEEKS_AHEAD = 16

export function feedUrl(baseUrl: string, token: string, childId: number): string {
  return `${baseUrl}/feeds/timetable/${token}/${childId}.ics`
}

export interface FeedSettings {
  /** School children whose timetable the person can subscribe to. */
  children: { id: number; name: string; url: string | null }[]
  hasToken: boolean
}

export async function feedSettings(db: Db, actor: Actor, baseUrl: string): Promise<FeedSettings> {
  const [children, token] = await Promise.all([childrenOfActor(db, actor), timetableQueries(db).feedToken(actor.id)])
  return {
    hasToken: token !== null,
    children: children.filter(hasTimetable).map((c) => ({
      id: c.id,
      name: fullName(c),
      url: token ? feedUrl(baseUrl, token, c.id) : null,
    })),
  }
}

/** Creates the person's feed secret, or replaces it: every old address stops working. */
export async function renewFeedToken(db: Db, actor: Actor, now: Date): Promise<void> {
  await timetableQueries(db).setFeedToken(actor.id, randomBytes(24).toString('base64url'), now)
}

/**
 * The iCalendar text of a child's lessons for the person who owns the token, or null
 * when the token is unknown or the person may not see the child (404 either way).
 */
export async function timetableFeed(
  db: Db, clock: Clock, token: string, childId: number,
  t: (key: string, params?: Record<string, unknown>) => string,
): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null
  const q = timetableQueries(db)
  const personId = await q.personByFeedToken(token)
  if (!personId) return null
  const actor = await loadActor(db, personId)
  if (!actor) return null
  const child = await childForActor(db, actor, childId)
  if (!child || !hasTimetable(child)) return null
  const monday = mondayOf(clock.today())
  const rows = await q.occurrencesForChild(child.id, addDaysIso(monday, -7 * FEED_WEEKS_BACK), addDaysIso(monday, 7 * FEED_WEEKS_AHEAD - 1))
  const cal = ical({
    name: t('timetable:feed.calendarName', { name: child.givenName }),
    prodId: { company: 'Hubben', product: 'timetable', language: 'SV' },
    ttl: 60 * 60,
  })
  for (const r of rows.map(toLessonView)) {
    cal.createEvent({
      id: `lesson-${r.lessonId}-${r.date}@hubben`,
      // Wall-clock times become instants here, so DST weeks land right in every calendar.
      start: stockholmInstant(r.date, r.start),
      end: stockholmInstant(r.date, r.end),
      summary: r.cancelled ? t('timetable:feed.cancelledSummary', { subject: r.subject }) : r.subject,
      location: r.room || null,
      description: [r.teacher ? t('timetable:lesson.teacher') + ': ' + r.teacher : '', r.note].filter(Boolean).join('\n') || null,
      status: r.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      stamp: clock.now(),
    })
  }
  return cal.toString()
}
