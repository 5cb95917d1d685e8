import { assertDemoAllowed } from './seed.js'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { toIsoDate, type IsoDate } from '../clock.js'
import { BOXES } from '../boxes/index.js'

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
  /**
   * Boxes seeded side by side, each lane in a transaction of its own on its own connection
   * (PostgreSQL runs one statement on one core: two lanes use both of a small machine's).
   * 1 on PGlite (one connection).
   */
  lanes?: number
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

/** Fills an empty database with a district: the people in one transaction, then the boxes' content in `lanes`. */
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
  // Statistics as the rows go in: without them the planner takes the new tables for empty and
  // picks plans that are quadratic at a city's size (min(guardian_id) by walking the primary
  // key, child after child: 4 minutes for the conversations of 100,000 pupils).
  const analyze = (tx: Db, tables: string[]) => sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(tx)
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
    await analyze(tx, ['units', 'groups', 'persons', 'guardianships', 'group_memberships', 'staff_units', 'staff_groups'])
  })
  log(`people inserted (${Math.round(performance.now() - started)} ms)`)

  // Each box's content. A lane takes the next box in the list's order that it may run: any box
  // whose `after` boxes it ran itself (their rows are in its transaction). The people are
  // committed above; a lane that fails leaves the district half made (the command says so).
  const seed = Math.floor(opts.seed)
  const base = {
    seed, now: opts.now, today, log,
    r: (expr: string) => `(abs(hashtextextended('${seed}:' || (${expr}), 0)) % 1000000) / 1000000.0`,
  }
  const pending = BOXES.filter((b) => b.district)
  const ranIn = new Map<string, number>()
  const lane = (n: number) => db.transaction().execute(async (trx) => {
    const tx = trx as unknown as Db
    for (;;) {
      const i = pending.findIndex((b) => (b.district!.after ?? []).every((k) => ranIn.get(k) === n))
      if (i < 0) return
      const box = pending.splice(i, 1)[0]!
      const t0 = performance.now()
      await box.district!.seed({ ...base, db: tx })
      await analyze(tx, box.district!.tables)
      ranIn.set(box.key, n)
      log(`${box.key} seeded (${Math.round(performance.now() - t0)} ms${(opts.lanes ?? 1) > 1 ? `, lane ${n + 1}` : ''})`)
    }
  })
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, opts.lanes ?? 1) }, (_, n) => lane(n)))
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw new Error(`A box's district content failed; the database is partly filled: drop it and create it again. ${String(failed.reason)}`, { cause: failed.reason })
  if (pending.length) throw new Error(`Boxes not seeded (their \`after\` boxes ran in different lanes): ${pending.map((b) => b.key).join(', ')}`)
  await sql`analyze`.execute(db)

  for (const t of ['persons', 'guardianships', ...BOXES.flatMap((b) => b.district?.tables ?? [])]) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db)
    rows[t] = Number(r.rows[0]!.n)
  }
  return {
    units: units.length, schools, preschools, classes: groups.filter((g) => g.kind === 'class').length,
    pupils: children.length, families, guardians: families * 2, staff: staffN, rows,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  }
}
