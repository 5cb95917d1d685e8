import type { Db } from '../../db/index.js'
import { addDaysIso, mondayOf, type Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'

const SLOTS = [['08:10', '09:00'], ['09:10', '10:00'], ['10:20', '11:10'], ['11:20', '12:00'], ['12:40', '13:30'], ['13:40', '14:30']] as const

type Who = 'karin' | 'per'
const SUBJECTS: Record<string, { code: string; room: string }> = {
  Svenska: { code: 'SVE', room: 'Sal 12' },
  Matematik: { code: 'MA', room: 'Sal 12' },
  Engelska: { code: 'ENG', room: 'Sal 12' },
  SO: { code: 'SO', room: 'Sal 12' },
  NO: { code: 'NO', room: 'NO-salen' },
  'Idrott och hälsa': { code: 'IDH', room: 'Idrottshallen' },
  Bild: { code: 'BL', room: 'Bildsalen' },
  Musik: { code: 'MU', room: 'Musiksalen' },
  Slöjd: { code: 'SL', room: 'Slöjdsalen' },
  'Klassens tid': { code: '', room: 'Sal 12' },
}

// Class 4B's week: [subject, teacher] per slot, Monday to Friday.
const WEEK: [string, Who][][] = [
  [['Svenska', 'karin'], ['Matematik', 'per'], ['Engelska', 'per'], ['SO', 'karin'], ['Idrott och hälsa', 'per'], ['Musik', 'karin']],
  [['Matematik', 'per'], ['Svenska', 'karin'], ['NO', 'per'], ['Bild', 'karin'], ['SO', 'karin'], ['Engelska', 'per']],
  [['Svenska', 'karin'], ['Matematik', 'per'], ['Musik', 'per'], ['SO', 'karin'], ['Slöjd', 'karin']],
  [['NO', 'per'], ['Svenska', 'karin'], ['Matematik', 'per'], ['Engelska', 'per'], ['Bild', 'karin'], ['Idrott och hälsa', 'per']],
  [['Matematik', 'per'], ['Svenska', 'karin'], ['Idrott och hälsa', 'per'], ['SO', 'karin'], ['Klassens tid', 'karin']],
]

/** Class 4B's weekly timetable since the start of term, with two changes near today. */
export async function seedTimetableDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const monday = mondayOf(clock.today())
  const termStart = addDaysIso(monday, -7 * 15)
  const teacher = { karin: world.karin, per: world.per }
  const rows = WEEK.flatMap((day, d) => day.map(([subject, who], slot) => ({
    group_id: world.class4B,
    weekday: d + 1,
    starts_at: SLOTS[slot]![0],
    ends_at: SLOTS[slot]![1],
    subject,
    subject_code: SUBJECTS[subject]!.code || null,
    teacher_id: teacher[who],
    room: SUBJECTS[subject]!.room,
    valid_from: termStart,
    valid_to: null,
    external_id: null,
  })))
  const lessons = await db.insertInto('timetable_lessons').values(rows).returning(['id', 'weekday', 'subject']).execute()
  const find = (weekday: number, subject: string) => lessons.find((l) => l.weekday === weekday && l.subject === subject)!.id
  await db.insertInto('timetable_exceptions').values([
    // This Thursday English is in the library; next Wednesday's music is cancelled.
    { lesson_id: find(4, 'Engelska'), date: addDaysIso(monday, 3), room: 'Biblioteket', teacher_id: null, starts_at: null, ends_at: null, note: 'Vi läser i biblioteket.', external_id: null },
    { lesson_id: find(3, 'Musik'), date: addDaysIso(monday, 9), cancelled: true, teacher_id: null, room: null, starts_at: null, ends_at: null, note: 'Studiedag för lärarna.', external_id: null },
  ]).execute()
}
