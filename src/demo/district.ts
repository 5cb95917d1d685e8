import { assertDemoAllowed } from './seed.js'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { addDaysIso, mondayOf, toIsoDate, type IsoDate } from '../clock.js'

/**
 * A district-size dataset for benchmarks: about 40 units (schools with fritids, and
 * preschools) for 20,000 pupils, classes of 25, two guardians per pupil (siblings share
 * them), staff, and a year of each box's content. Deterministic: the same --seed and
 * --now give the same rows (ids included, on an empty database).
 *
 * People are generated in TypeScript with a seeded PRNG and inserted in multi-row
 * batches; each box's content is generated in SQL (generate_series and a seeded hash),
 * so a year of 20,000 pupils takes minutes, not hours.
 *
 * Accounts (every password is DISTRICT_PASSWORD):
 *   g00001a, g00001b  the two guardians of family 1 (every family has an a and a b)
 *   p00001            a pupil with a login (grades 4 to 9)
 *   s00001            staff
 *   district.admin    an administrator
 */

export const DISTRICT_PASSWORD = 'hubbendemo'
/** Tuesday 1 December 2026, 07:10 in Stockholm: a school morning (the bench freezes the clock here too). */
export const DISTRICT_NOW = '2026-12-01T07:10:00+01:00'

export interface DistrictOptions {
  pupils: number
  seed: number
  now: Date
  passwordHash: string
  log?: (line: string) => void
}

/** What a box's district seeder gets: the generated world is already in the database. */
export interface DistrictContext {
  db: Db
  seed: number
  now: Date
  today: IsoDate
  /** SQL for a deterministic number in [0, 1) from a text expression (seeded). */
  r(expr: string): string
  log(line: string): void
}

/**
 * One entry per box: set-based SQL that fills the box's tables for the whole district.
 * A box that lands later adds its seeder here (after the boxes it builds on).
 */
export const DISTRICT_BOX_SEEDERS: { box: string; seed(ctx: DistrictContext): Promise<void> }[] = [
  { box: 'timetable', seed: seedTimetable },
  { box: 'messages', seed: seedMessages },
  { box: 'absence', seed: seedAbsence },
  { box: 'care-schedule', seed: seedCareSchedule },
]

// ---- deterministic randomness ----------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const GIVEN = [
  'Alice', 'Alva', 'Astrid', 'Ebba', 'Elsa', 'Freja', 'Hedda', 'Ines', 'Klara', 'Leah', 'Lilly', 'Maja', 'Moa', 'Nora',
  'Olivia', 'Saga', 'Selma', 'Signe', 'Stella', 'Vera', 'Wilma', 'Agnes', 'Ella', 'Edith', 'Alma', 'Iris', 'Juni', 'Tyra',
  'Adam', 'Alexander', 'Arvid', 'August', 'Elias', 'Emil', 'Erik', 'Frans', 'Gustav', 'Hugo', 'Isak', 'Leo', 'Liam', 'Loke',
  'Lucas', 'Ludvig', 'Melvin', 'Nils', 'Noah', 'Oliver', 'Olle', 'Oscar', 'Sam', 'Theo', 'Valter', 'Viggo', 'William', 'Vincent',
  'Ali', 'Amir', 'Yusuf', 'Mohammed', 'Sara', 'Fatima', 'Maryam', 'Noor', 'Aya', 'Elin', 'Mira', 'Ronja', 'Tove', 'Otto',
]
const ADULT_GIVEN = [
  'Anna', 'Maria', 'Karin', 'Sara', 'Emma', 'Johanna', 'Linda', 'Sofia', 'Malin', 'Jenny', 'Hanna', 'Elin', 'Camilla', 'Ida',
  'Lena', 'Frida', 'Amanda', 'Jessica', 'Therese', 'Petra', 'Erik', 'Johan', 'Anders', 'Lars', 'Per', 'Mikael', 'Daniel',
  'Fredrik', 'Andreas', 'Martin', 'Magnus', 'Jonas', 'Henrik', 'Niklas', 'Mattias', 'Stefan', 'Marcus', 'Tobias', 'David', 'Ahmed',
  'Omar', 'Leila', 'Nadia', 'Samir', 'Yasmin', 'Karim', 'Maja', 'Oskar', 'Viktor', 'Jesper',
]
const FAMILY = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson',
  'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Jönsson', 'Lindberg', 'Jakobsson', 'Magnusson', 'Lindström',
  'Olofsson', 'Lindqvist', 'Lindgren', 'Berg', 'Axelsson', 'Bergström', 'Lundberg', 'Lind', 'Lundgren', 'Lundqvist', 'Mattsson',
  'Berglund', 'Fredriksson', 'Sandberg', 'Henriksson', 'Forsberg', 'Sjöberg', 'Ali', 'Wallin', 'Mohammed', 'Engström', 'Eklund',
  'Danielsson', 'Lundin', 'Håkansson', 'Björk', 'Bergman', 'Gunnarsson', 'Holm', 'Wikström', 'Samuelsson', 'Isaksson', 'Fransson',
  'Bergqvist', 'Nyström', 'Holmberg', 'Arvidsson', 'Löfgren', 'Söderberg', 'Nyberg', 'Blomqvist', 'Claesson', 'Nordström', 'Ahmed',
]
const PLACES = ['Solbacka', 'Ekdalen', 'Björkhagen', 'Granby', 'Lindås', 'Sjöviken', 'Tallmon', 'Ängsvik', 'Hagaberg', 'Rosendal',
  'Kvarnbo', 'Lövsta', 'Norrmalm', 'Söderby', 'Västerås', 'Östergård', 'Backa', 'Bäckby', 'Furuhöjd', 'Stenhaga']
const DEPARTMENTS = ['Blåklockan', 'Smörblomman', 'Vitsippan', 'Prästkragen', 'Maskrosen', 'Linnean', 'Solrosen', 'Kastanjen',
  'Ekollonet', 'Myran', 'Humlan', 'Nyckelpigan', 'Fjärilen', 'Igelkotten', 'Ugglan', 'Räven', 'Ekorren', 'Haren']
const STREETS = ['Björkvägen', 'Ekgatan', 'Granstigen', 'Lindallén', 'Tallvägen', 'Aspgatan', 'Rönnvägen', 'Hasselstigen', 'Almgatan', 'Lönnvägen']

const pad = (n: number, w = 5) => String(n).padStart(w, '0')

// ---- the world -------------------------------------------------------------------

interface UnitSpec { key: string; name: string; kind: 'school' | 'preschool'; hasFritids: boolean; opens: string; closes: string }
interface GroupSpec { key: string; unit: string; name: string; kind: 'class' | 'department' | 'fritids' }
interface PersonSpec {
  key: string; role: 'guardian' | 'child' | 'staff' | 'admin'; given: string; family: string; username: string | null
  email: string | null; mobile: string | null; pnr: string | null; unit: string | null; inFritids: boolean
  street: string | null; postal: string | null; city: string | null
}

export interface DistrictSummary {
  units: number
  schools: number
  preschools: number
  classes: number
  pupils: number
  families: number
  guardians: number
  staff: number
  rows: Record<string, number>
  seconds: number
}

async function insertBatches<T extends Record<string, unknown>>(db: Db, table: string, rows: T[], size = 1000): Promise<{ id: number; external_id: string }[]> {
  const out: { id: number; external_id: string }[] = []
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size)
    // The table names come from this file only.
    const q = (db as unknown as Db).insertInto(table as 'persons').values(chunk as never)
    if ('external_id' in chunk[0]!) out.push(...((await q.returning(['id', 'external_id']).execute()) as { id: number; external_id: string }[]))
    else await q.execute()
  }
  return out
}

/** Fills an empty database with a district. Everything in one transaction. */
export async function seedDistrict(db: Db, opts: DistrictOptions): Promise<DistrictSummary> {
  assertDemoAllowed()
  const started = performance.now()
  const log = opts.log ?? (() => {})
  const rnd = mulberry32(opts.seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!
  const today = toIsoDate(opts.now)
  const year = Number(today.slice(0, 4))

  const P = Math.max(50, Math.floor(opts.pupils))
  const unitCount = Math.max(2, Math.round(P / 500))
  const preschools = Math.max(1, Math.round(unitCount / 4))
  const schools = unitCount - preschools
  const schoolPupils = Math.round(P * 0.85)
  const preschoolKids = P - schoolPupils

  const units: UnitSpec[] = []
  const groups: GroupSpec[] = []
  const persons: PersonSpec[] = []
  const memberships: { group: string; child: string }[] = []
  const staffUnits: { staff: string; unit: string }[] = []
  const staffGroups: { staff: string; group: string; duty: 'mentor' | 'teacher' | 'fritids' | 'preschool' }[] = []
  const children: { key: string; grade: number | null; unit: string }[] = []
  let staffN = 0
  let pupilLoginN = 0

  const share = (total: number, parts: number, i: number) => Math.floor(total / parts) + (i < total % parts ? 1 : 0)
  const addStaff = (unit: string, domain: string) => {
    staffN++
    const key = `d:s:${staffN}`
    const given = pick(ADULT_GIVEN)
    const family = pick(FAMILY)
    persons.push({
      key, role: 'staff', given, family, username: `s${pad(staffN)}`, email: `s${pad(staffN)}@${domain}.example`, mobile: null,
      pnr: null, unit: null, inFritids: false, street: null, postal: null, city: null,
    })
    staffUnits.push({ staff: key, unit })
    return key
  }

  for (let s = 0; s < schools; s++) {
    const place = PLACES[s % PLACES.length]! + (s >= PLACES.length ? ` ${Math.floor(s / PLACES.length) + 1}` : '')
    const unit = `d:u:${units.length + 1}`
    units.push({ key: unit, name: `${place}skolan`, kind: 'school', hasFritids: true, opens: '06:30', closes: '18:00' })
    const domain = `skola${s + 1}`
    const n = share(schoolPupils, schools, s)
    const classCount = Math.max(1, Math.ceil(n / 25))
    const fritids = `d:g:${groups.length + 1}`
    groups.push({ key: fritids, unit, name: `Fritids ${place}`, kind: 'fritids' })
    const teachers = Array.from({ length: Math.max(2, Math.ceil(classCount / 2)) }, () => addStaff(unit, domain))
    let fritidsKids = 0
    const perGrade = new Map<number, number>()
    for (let c = 0; c < classCount; c++) {
      const grade = Math.min(9, Math.floor((c * 10) / classCount))
      const letter = String.fromCharCode(65 + (perGrade.get(grade) ?? 0))
      perGrade.set(grade, (perGrade.get(grade) ?? 0) + 1)
      const group = `d:g:${groups.length + 1}`
      groups.push({ key: group, unit, name: `${grade === 0 ? 'F' : grade}${letter}`, kind: 'class' })
      staffGroups.push({ staff: addStaff(unit, domain), group, duty: 'mentor' })
      staffGroups.push({ staff: teachers[c % teachers.length]!, group, duty: 'teacher' })
      staffGroups.push({ staff: teachers[(c + 1) % teachers.length]!, group, duty: 'teacher' })
      const size = c < classCount - 1 ? 25 : n - 25 * (classCount - 1)
      for (let i = 0; i < size; i++) {
        const key = `d:c:${children.length + 1}`
        const inFritids = grade <= 3 && rnd() < 0.7
        children.push({ key, grade, unit })
        memberships.push({ group, child: key })
        if (inFritids) {
          memberships.push({ group: fritids, child: key })
          fritidsKids++
        }
        persons.push({
          key, role: 'child', given: '', family: '', username: grade >= 4 ? `p${pad(++pupilLoginN)}` : null, email: null, mobile: null,
          pnr: `${year - 7 - grade}${pad(1 + Math.floor(rnd() * 12), 2)}${pad(1 + Math.floor(rnd() * 28), 2)}${pad(Math.floor(rnd() * 10000), 4)}`,
          unit, inFritids, street: null, postal: null, city: null,
        })
      }
    }
    for (let i = 0; i < Math.max(1, Math.ceil(fritidsKids / 15)); i++) staffGroups.push({ staff: addStaff(unit, domain), group: fritids, duty: 'fritids' })
  }

  for (let s = 0; s < preschools; s++) {
    const place = PLACES[(s + 7) % PLACES.length]!
    const unit = `d:u:${units.length + 1}`
    units.push({ key: unit, name: `Förskolan ${DEPARTMENTS[s % DEPARTMENTS.length]} ${place}`, kind: 'preschool', hasFritids: false, opens: '06:30', closes: '18:30' })
    const domain = `forskola${s + 1}`
    const n = share(preschoolKids, preschools, s)
    const deps = Math.max(1, Math.ceil(n / 20))
    for (let d = 0; d < deps; d++) {
      const group = `d:g:${groups.length + 1}`
      groups.push({ key: group, unit, name: DEPARTMENTS[(d + s) % DEPARTMENTS.length]! + (d >= DEPARTMENTS.length ? ` ${Math.floor(d / DEPARTMENTS.length) + 1}` : ''), kind: 'department' })
      for (let i = 0; i < 3; i++) staffGroups.push({ staff: addStaff(unit, domain), group, duty: 'preschool' })
      const size = d < deps - 1 ? 20 : n - 20 * (deps - 1)
      for (let i = 0; i < size; i++) {
        const key = `d:c:${children.length + 1}`
        children.push({ key, grade: null, unit })
        memberships.push({ group, child: key })
        persons.push({
          key, role: 'child', given: '', family: '', username: null, email: null, mobile: null,
          pnr: `${year - 1 - Math.floor(rnd() * 5)}${pad(1 + Math.floor(rnd() * 12), 2)}${pad(1 + Math.floor(rnd() * 28), 2)}${pad(Math.floor(rnd() * 10000), 4)}`,
          unit, inFritids: false, street: null, postal: null, city: null,
        })
      }
    }
  }

  // Families: children in a deterministic shuffled order; about one in seven joins the
  // family before it (siblings, often at different units), at most three children.
  const order = children.map((_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  const childPerson = new Map(persons.filter((p) => p.role === 'child').map((p) => [p.key, p]))
  const guardianships: { guardian: string; child: string }[] = []
  let families = 0
  let current: { a: string; b: string; size: number; family: string; street: string; postal: string; city: string } | null = null
  for (const i of order) {
    const child = children[i]!
    if (!current || current.size >= 3 || rnd() >= 0.15) {
      families++
      const family = pick(FAMILY)
      const street = `${pick(STREETS)} ${1 + Math.floor(rnd() * 60)}`
      const postal = `${120 + Math.floor(rnd() * 80)} ${pad(Math.floor(rnd() * 100), 2)}`
      const city = pick(PLACES)
      const guardian = (suffix: 'a' | 'b'): string => {
        const key = `d:g${suffix}:${families}`
        const username = `g${pad(families)}${suffix}`
        persons.push({
          key, role: 'guardian', given: pick(ADULT_GIVEN), family: suffix === 'b' && rnd() < 0.3 ? pick(FAMILY) : family, username,
          email: `${username}@example.com`, mobile: suffix === 'a' || rnd() < 0.5 ? `+4670${pad(families * 2 + (suffix === 'a' ? 0 : 1), 7)}` : null,
          pnr: `${year - 30 - Math.floor(rnd() * 20)}${pad(1 + Math.floor(rnd() * 12), 2)}${pad(1 + Math.floor(rnd() * 28), 2)}${pad(Math.floor(rnd() * 10000), 4)}`,
          unit: null, inFritids: false, street, postal, city,
        })
        return key
      }
      current = { a: guardian('a'), b: guardian('b'), size: 0, family, street, postal, city }
    }
    current.size++
    const p = childPerson.get(child.key)!
    p.given = pick(GIVEN)
    p.family = current.family
    p.street = current.street
    p.postal = current.postal
    p.city = current.city
    guardianships.push({ guardian: current.a, child: child.key }, { guardian: current.b, child: child.key })
  }
  persons.push({
    key: 'd:admin', role: 'admin', given: 'Distrikt', family: 'Admin', username: 'district.admin', email: 'admin@kommun.example', mobile: null,
    pnr: null, unit: null, inFritids: false, street: null, postal: null, city: null,
  })
  log(`world: ${units.length} units (${schools} schools, ${preschools} preschools), ${groups.filter((g) => g.kind === 'class').length} classes, ` +
    `${children.length} pupils, ${families} families, ${staffN} staff`)

  const rows: Record<string, number> = {}
  await db.transaction().execute(async (trx) => {
    const tx = trx as unknown as Db
    const unitIds = new Map((await insertBatches(tx, 'units', units.map((u) => ({
      name: u.name, kind: u.kind, has_fritids: u.hasFritids, opens_at: u.opens, closes_at: u.closes, external_id: u.key,
    })))).map((r) => [r.external_id, r.id]))
    const groupIds = new Map((await insertBatches(tx, 'groups', groups.map((g) => ({
      unit_id: unitIds.get(g.unit)!, name: g.name, kind: g.kind, external_id: g.key,
    })))).map((r) => [r.external_id, r.id]))
    const personIds = new Map((await insertBatches(tx, 'persons', persons.map((p) => ({
      role: p.role, given_name: p.given, family_name: p.family, username: p.username,
      password_hash: p.username ? opts.passwordHash : null, activated_at: p.username ? opts.now : null,
      email: p.email, mobile: p.mobile, personal_number: p.pnr, street: p.street, postal_code: p.postal, city: p.city,
      unit_id: p.unit ? unitIds.get(p.unit)! : null, in_fritids: p.inFritids, external_id: p.key, address_edited_at: null,
    })))).map((r) => [r.external_id, r.id]))
    await insertBatches(tx, 'guardianships', guardianships.map((g) => ({ guardian_id: personIds.get(g.guardian)!, child_id: personIds.get(g.child)! })))
    await insertBatches(tx, 'group_memberships', memberships.map((m) => ({ group_id: groupIds.get(m.group)!, child_id: personIds.get(m.child)! })))
    await insertBatches(tx, 'staff_units', staffUnits.map((s) => ({ staff_id: personIds.get(s.staff)!, unit_id: unitIds.get(s.unit)! })))
    await insertBatches(tx, 'staff_groups', staffGroups.map((s) => ({ staff_id: personIds.get(s.staff)!, group_id: groupIds.get(s.group)!, duty: s.duty })))
    log(`people inserted (${Math.round(performance.now() - started)} ms)`)

    const seed = Math.floor(opts.seed)
    const ctx: DistrictContext = {
      db: tx, seed, now: opts.now, today,
      r: (expr) => `(abs(hashtextextended('${seed}:' || (${expr}), 0)) % 1000000) / 1000000.0`,
      log,
    }
    for (const s of DISTRICT_BOX_SEEDERS) {
      const t0 = performance.now()
      await s.seed(ctx)
      log(`${s.box} seeded (${Math.round(performance.now() - t0)} ms)`)
    }
  })
  await sql`analyze`.execute(db)

  for (const t of ['persons', 'guardianships', 'timetable_lessons', 'timetable_exceptions', 'conversations', 'messages', 'notifications',
    'absence_reports', 'absence_report_lessons', 'lesson_attendance', 'care_days', 'care_day_log']) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db)
    rows[t] = Number(r.rows[0]!.n)
  }
  return {
    units: units.length, schools, preschools, classes: groups.filter((g) => g.kind === 'class').length,
    pupils: children.length, families, guardians: families * 2, staff: staffN, rows,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  }
}

// ---- the boxes ---------------------------------------------------------------------

/** School days of the last year: weekdays outside the usual holiday weeks. */
function schoolDaysSql(from: IsoDate, to: IsoDate): string {
  return `select d::date as day from generate_series('${from}'::date, '${to}'::date, interval '1 day') d
    where extract(isodow from d) < 6 and extract(week from d) not in (1, 8, 15, 26, 27, 28, 29, 30, 31, 32, 44, 52)`
}

const run = (db: Db, text: string) => sql.raw(text).execute(db)

/** Every class has a weekly timetable (five or six lessons a day) for the year, and changes week by week. */
async function seedTimetable({ db, today, r }: DistrictContext): Promise<void> {
  const validFrom = addDaysIso(today, -400)
  const subjects = `(values (0, 'Svenska', 'SVE', 'Sal 1'), (1, 'Matematik', 'MA', 'Sal 1'), (2, 'Engelska', 'ENG', 'Sal 2'),
    (3, 'SO', 'SO', 'Sal 2'), (4, 'NO', 'NO', 'NO-salen'), (5, 'Idrott och hälsa', 'IDH', 'Idrottshallen'), (6, 'Bild', 'BL', 'Bildsalen'),
    (7, 'Musik', 'MU', 'Musiksalen'), (8, 'Slöjd', 'SL', 'Slöjdsalen'), (9, 'Matematik', 'MA', 'Sal 1')) as s(i, name, code, room)`
  await run(db, `
    insert into timetable_lessons (group_id, weekday, starts_at, ends_at, subject, subject_code, teacher_id, room, valid_from, valid_to, external_id)
    select x.gid, x.d, x.starts, x.ends, s.name, s.code,
      (select sg.staff_id from staff_groups sg where sg.group_id = x.gid order by ${r(`sg.staff_id || ':' || x.gid || ':' || x.d || ':' || x.slot`)} limit 1),
      s.room, '${validFrom}'::date, null, null
    from (
      select g.id as gid, d, slot.n as slot, slot.starts::time as starts, slot.ends::time as ends, floor(${r(`g.id || ':' || d || ':' || slot.n`)} * 10)::int as si
      from groups g
      cross join generate_series(1, 5) d
      cross join (values (1, '08:10', '09:00'), (2, '09:10', '10:00'), (3, '10:20', '11:10'), (4, '11:20', '12:00'),
                         (5, '12:40', '13:30'), (6, '13:40', '14:30')) as slot(n, starts, ends)
      where g.kind = 'class' and (slot.n <= 5 or d % 2 = 0)
    ) x join ${subjects} on s.i = x.si
    order by x.gid, x.d, x.slot`)
  // Each class: one change a week (room, or a cancelled lesson every few weeks), from 20 weeks back to 4 ahead.
  const monday = mondayOf(today)
  await run(db, `
    insert into timetable_exceptions (lesson_id, date, cancelled, teacher_id, room, starts_at, ends_at, note, external_id)
    select id, '${monday}'::date + w * 7 + (weekday - 1), cancelled, null, case when cancelled then null else 'Biblioteket' end, null, null,
      case when cancelled then 'Studiedag för lärarna.' else 'Vi är i biblioteket.' end, null
    from (
      select distinct on (l.group_id, w) l.id, l.weekday, w, ${r(`l.group_id || ':x:' || w`)} < 0.25 as cancelled
      from timetable_lessons l cross join generate_series(-20, 4) w
      order by l.group_id, w, ${r(`l.id || ':' || w`)}
    ) x
    order by id, w`)
}

/**
 * About five conversations per child over the year (a third started by staff to both
 * guardians), one to four messages each, recent answers unread, and the bell entries
 * that the staff's messages made.
 */
async function seedMessages({ db, today, now, r }: DistrictContext): Promise<void> {
  const nowSql = `'${now.toISOString()}'::timestamptz`
  const titles = `array['Utflykten på torsdag', 'Fråga om läxan', 'Sjukanmälan och läxor', 'Utvecklingssamtal', 'Hämtning på fredag',
    'Glömda kläder', 'Idrottskläder', 'Matsedel och allergi', 'Föräldramöte', 'Skolfotografering', 'Ledighet', 'Tack för terminen']`
  const bodies = `array['Hej!\n\nJag undrar om ni kan ge mig lite mer information om det här? Tack på förhand.\n\nHälsningar',
    'Hej!\n\nTack för informationen, det låter bra. Vi hör av oss om något ändras.',
    'Hej,\n\nJag har lagt in det i kalendern. Säg till om ni behöver något mer från oss.\n\nVänliga hälsningar',
    'Hej!\n\nVi har pratat om det hemma och tycker att det fungerar fint. Hör gärna av er igen.',
    'Hej,\n\nBra att veta! Vi skickar med det som behövs på måndag.']`
  // Each child's contact (the class mentor, or the department's first member of staff), once.
  await run(db, `create temp table district_contact (child_id integer primary key, staff_id integer not null) on commit drop`)
  await run(db, `
    insert into district_contact
    select distinct on (gm.child_id) gm.child_id, sg.staff_id from group_memberships gm join staff_groups sg on sg.group_id = gm.group_id
    where sg.duty in ('mentor', 'preschool') order by gm.child_id, sg.staff_id`)
  const contactOf = (child: string) => `(select staff_id from district_contact where child_id = ${child})`
  await run(db, `
    insert into conversations (child_id, title, created_by, created_at, last_message_at, idempotency_key)
    select id, (${titles})[1 + floor(${r(`id || ':t:' || k`)} * 12)::int], coalesce(author, ${contactOf('id')}), at, at, null
    from (
      select c.id, k,
        case when ${r(`c.id || ':s:' || k`)} < 0.33 then null
             when ${r(`c.id || ':g:' || k`)} < 0.6 then (select min(guardian_id) from guardianships where child_id = c.id)
             else (select max(guardian_id) from guardianships where child_id = c.id) end as author,
        (('${today}'::date - 1 - floor(${r(`c.id || ':d:' || k`)} * 364)::int) + time '07:30' + floor(${r(`c.id || ':h:' || k`)} * 600) * interval '1 minute')
          at time zone 'Europe/Stockholm' as at
      from persons c cross join generate_series(1, 9) k
      where c.role = 'child' and k <= 1 + floor(${r(`c.id || ':n'`)} * 9)
    ) x
    where coalesce(author, ${contactOf('id')}) is not null
    order by at, id, k`)
  await run(db, `
    insert into conversation_participants (conversation_id, person_id, side, unread_count, last_read_at)
    select cv.id, cv.created_by, case when p.role = 'guardian' then 'family' else 'staff' end, 0, null::timestamptz
    from conversations cv join persons p on p.id = cv.created_by
    union all
    select cv.id, ${contactOf('cv.child_id')}, 'staff', 0, null
    from conversations cv join persons p on p.id = cv.created_by and p.role = 'guardian'
    where ${contactOf('cv.child_id')} is not null
    union all
    select cv.id, g.guardian_id, 'family', 0, null
    from conversations cv join persons p on p.id = cv.created_by and p.role = 'staff'
    join guardianships g on g.child_id = cv.child_id`)
  await run(db, `
    insert into messages (conversation_id, author_id, body, created_at, idempotency_key)
    select cv.id, case when j % 2 = 1 then cv.created_by else other.id end,
      (${bodies})[1 + floor(${r(`cv.id || ':b:' || j`)} * 5)::int],
      least(cv.created_at + (j - 1) * interval '10 hours' + sign(j - 1) * floor(${r(`cv.id || ':w:' || j`)} * 300) * interval '1 minute',
        ${nowSql} - interval '10 minutes' + j * interval '1 second'),
      null
    from conversations cv
    cross join generate_series(1, 4) j
    join lateral (select person_id as id from conversation_participants where conversation_id = cv.id and person_id <> cv.created_by
      order by person_id limit 1) other on true
    where j <= 1 + floor(${r(`cv.id || ':m'`)} * 4)
    order by cv.id, j`)
  await run(db, `
    update conversations c set last_message_at = m.at
    from (select conversation_id, max(created_at) as at from messages group by conversation_id) m
    where m.conversation_id = c.id`)
  // Read up to the last message, except recent answers: the family has not read about half of those.
  await run(db, `
    update conversation_participants cp set last_read_at = c.last_message_at,
      unread_count = case when c.last_message_at > ${nowSql} - interval '14 days' and last.side <> cp.side
        and ${r(`cp.conversation_id || ':u:' || cp.person_id`)} < 0.5 then 1 else 0 end
    from conversations c,
      lateral (select p2.side from messages m join conversation_participants p2 on p2.conversation_id = m.conversation_id and p2.person_id = m.author_id
               where m.conversation_id = c.id order by m.id desc limit 1) last
    where c.id = cp.conversation_id`)
  await run(db, `update conversation_participants set last_read_at = null where unread_count > 0`)
  await run(db, `
    insert into notifications (recipient_id, child_id, area, kind, params, link, created_at, read_at)
    select fp.person_id, c.child_id, 'messages', 'messageReceived', jsonb_build_object('from', a.given_name || ' ' || a.family_name),
      '/children/' || c.child_id || '/messages/' || c.id, m.created_at,
      case when fp.unread_count > 0 and m.created_at = c.last_message_at then null else m.created_at + interval '2 hours' end
    from messages m
    join conversations c on c.id = m.conversation_id
    join persons a on a.id = m.author_id and a.role = 'staff'
    join conversation_participants fp on fp.conversation_id = c.id and fp.side = 'family'
    order by m.created_at, m.id`)
}

/**
 * Guardians' reports on about 4.5% of a year's school days (a fifth of them for two
 * lessons, the rest whole days), the school's absent registrations for reported lessons
 * and some unexcused ones, and the attendance of every lesson of the last week.
 */
async function seedAbsence({ db, today, r }: DistrictContext): Promise<void> {
  const days = schoolDaysSql(addDaysIso(today, -365), addDaysIso(today, -1))
  await run(db, `
    insert into absence_reports (child_id, date, whole_day, reason, comment, reported_by, created_at)
    select x.id, x.day, x.kind = 'preschool' or x.rr < 0.036,
      case when x.kind = 'preschool' then (case when ${r(`x.id || ':q:' || x.day`)} < 0.8 then 'illness' else 'leave' end)
           else (case when ${r(`x.id || ':q:' || x.day`)} < 0.9 then 'illness' else 'other' end) end,
      '', (select min(guardian_id) from guardianships where child_id = x.id),
      ((x.day + time '06:40') + floor(${r(`x.id || ':m:' || x.day`)} * 90) * interval '1 minute') at time zone 'Europe/Stockholm'
    from (
      select c.id, u.kind, d.day, ${r(`c.id || ':r:' || d.day`)} as rr
      from persons c join units u on u.id = c.unit_id cross join (${days}) d
      where c.role = 'child' offset 0
    ) x
    where x.rr < 0.045
    order by x.day, x.id`)
  await run(db, `
    insert into absence_report_lessons (report_id, child_id, date, lesson_id)
    select id, child_id, date, lesson_id from (
      select r.id, r.child_id, r.date, l.id as lesson_id,
        row_number() over (partition by r.id order by ${r(`r.id || ':' || l.id`)}) as n
      from absence_reports r
      join group_memberships gm on gm.child_id = r.child_id
      join groups g on g.id = gm.group_id and g.kind = 'class'
      join timetable_lessons l on l.group_id = g.id and l.weekday = extract(isodow from r.date)
      where not r.whole_day
    ) x where n <= 2
    order by id, lesson_id`)
  // The school's registrations: reported lessons absent with a valid reason...
  await run(db, `
    insert into lesson_attendance (child_id, lesson_id, date, status, registered_by, registered_at)
    select rl.child_id, rl.lesson_id, rl.date, 'absent_valid', l.teacher_id, (rl.date + l.ends_at) at time zone 'Europe/Stockholm'
    from absence_report_lessons rl join timetable_lessons l on l.id = rl.lesson_id
    order by rl.date, rl.child_id, rl.lesson_id`)
  // ...an unexcused lesson on about 0.4% of school days...
  await run(db, `
    insert into lesson_attendance (child_id, lesson_id, date, status, registered_by, registered_at)
    select distinct on (x.id, x.day) x.id, l.id, x.day, 'absent_invalid', l.teacher_id, (x.day + l.ends_at) at time zone 'Europe/Stockholm'
    from (
      select c.id, d.day from persons c cross join (${days}) d
      where c.role = 'child' and ${r(`c.id || ':i:' || d.day`)} < 0.004
    ) x
    join group_memberships gm on gm.child_id = x.id
    join groups g on g.id = gm.group_id and g.kind = 'class'
    join timetable_lessons l on l.group_id = g.id and l.weekday = extract(isodow from x.day)
    where not exists (select 1 from absence_reports ar where ar.child_id = x.id and ar.date = x.day)
    order by x.id, x.day, ${r(`l.id || ':' || x.id`)}
    on conflict do nothing`)
  // ...and every lesson of the last five school days registered (present unless registered otherwise).
  const lastWeek = schoolDaysSql(addDaysIso(today, -7), addDaysIso(today, -1))
  await run(db, `
    insert into lesson_attendance (child_id, lesson_id, date, status, registered_by, registered_at)
    select gm.child_id, l.id, d.day, 'present', l.teacher_id, (d.day + l.starts_at + interval '5 minutes') at time zone 'Europe/Stockholm'
    from groups g
    join group_memberships gm on gm.group_id = g.id
    join timetable_lessons l on l.group_id = g.id
    join (${lastWeek}) d on extract(isodow from d.day) = l.weekday
    where g.kind = 'class'
      and not exists (select 1 from absence_reports ar where ar.child_id = gm.child_id and ar.date = d.day and ar.whole_day)
    order by d.day, l.id, gm.child_id
    on conflict do nothing`)
}

/**
 * Every child in care (preschool, or fritids) has times on about 95% of the weekdays
 * from a year back to four weeks ahead, from a weekly pattern of its own; a few days
 * carry a guardian's comment or a staff comment; the last weeks' changes are logged.
 */
async function seedCareSchedule({ db, today, now, r }: DistrictContext): Promise<void> {
  const nowSql = `'${now.toISOString()}'::timestamptz`
  const from = addDaysIso(today, -365)
  const to = addDaysIso(mondayOf(today), 7 * 5 - 3)
  const comments = `array['Morfar hämtar', 'Hämtas av mormor', 'Går hem med en kompis', 'Tandläkare på eftermiddagen', 'Hämtas tidigt']`
  const noon = (day: string) => `((${day} + time '12:00') at time zone 'Europe/Stockholm')`
  await run(db, `
    insert into care_days (child_id, day, starts_at, ends_at, comment, comment_changed_at, comment_seen_at, updated_by, updated_at)
    select k.id, x.day,
      k.st + case when extract(isodow from x.day) = 1 then interval '15 minutes' else interval '0' end,
      k.en - case when extract(isodow from x.day) = 5 then interval '60 minutes' else interval '0' end,
      case when x.rc < 0.02 then (${comments})[1 + floor(${r(`k.id || ':t:' || x.day`)} * 5)::int] end,
      case when x.rc < 0.02 then least(${nowSql}, ${noon('x.day')} - interval '3 days') end,
      case when x.rc < 0.02 and x.day <= '${today}'::date then ${noon('x.day')} - interval '2 days' end,
      k.guardian,
      least(${nowSql} - interval '1 hour', ${noon('x.day')} - interval '7 days')
    from (
      select c.id,
        time '06:30' + floor(${r(`c.id || ':s'`)} * 8) * interval '15 minutes' as st,
        time '14:00' + floor(${r(`c.id || ':e'`)} * 11) * interval '15 minutes' as en,
        (select min(guardian_id) from guardianships where child_id = c.id) as guardian
      from persons c join units u on u.id = c.unit_id
      where c.role = 'child' and (u.kind = 'preschool' or (u.has_fritids and c.in_fritids))
      offset 0
    ) k
    cross join lateral (
      select dd.day, ${r(`k.id || ':c:' || dd.day`)} as rc, ${r(`k.id || ':x:' || dd.day`)} as rx
      from (select d::date as day from generate_series('${from}'::date, '${to}'::date, interval '1 day') d) dd
      where extract(isodow from dd.day) < 6
      offset 0
    ) x
    where x.rx >= 0.05
    order by k.id, x.day`)
  await run(db, `
    insert into care_day_log (child_id, day, action, starts_at, ends_at, comment, changed_by, changed_at)
    select child_id, day, 'set', starts_at, ends_at, comment, updated_by, updated_at
    from care_days where day >= '${addDaysIso(today, -14)}'::date
    order by updated_at, child_id, day`)
  await run(db, `
    insert into care_staff_comments (child_id, day, body, author_id, updated_at)
    select d.child_id, d.day, 'Vi går till skogen på förmiddagen. Ta gärna med regnkläder.',
      (select sg.staff_id from group_memberships gm join staff_groups sg on sg.group_id = gm.group_id
        where gm.child_id = d.child_id and sg.duty in ('fritids', 'preschool') order by sg.staff_id limit 1),
      least(${nowSql}, ${noon('d.day')} - interval '1 day')
    from care_days d where ${r(`d.child_id || ':k:' || d.day`)} < 0.01
    order by d.day, d.child_id`)
}
