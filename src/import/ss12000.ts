// Over 350 lines: one import is one transaction through its steps (persons, groups, duties, lessons, endings) in order; each step is a function here, kept together so the order is read in one place.
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db, Executor } from '../db/index.js'
import { addDaysIso, isoWeekday, toIsoDate, toLocalTime, type Clock } from '../clock.js'
import { normalizeMobile } from '../boxes/settings/service.js'
import { checkDocument, emailOf, isProtected, type CheckedDocument } from './validate.js'
import { issueActivations } from './activation.js'
import { logRun } from './runs.js'
import type { ImportError } from './tables.js'

/** Rows per statement: large enough to be quick, small enough to keep memory and parameters bounded. */
const BATCH = 1000

export interface ImportCounts { [what: string]: number }
export interface ImportReport {
  created: ImportCounts
  updated: ImportCounts
  ended: ImportCounts
  activations: number
  /** Persons in the file that are neither enrolled, on duty nor anyone's guardian. */
  skipped: number
}

export type ImportOutcome =
  | { ok: true; runId: number; report: ImportReport }
  | { ok: false; runId: number; errors: ImportError[]; errorCount: number }

/** What the report counts, in the order the admin page lists it. */
export const REPORT_KEYS = ['units', 'groups', 'pupils', 'guardians', 'staff', 'guardianships', 'memberships', 'staffUnits', 'staffGroups', 'lessons'] as const

function* chunks<T>(rows: T[], size = BATCH): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size)
}

const textArray = (xs: string[]) => sql`cast(${xs} as text[])`
const intArray = (xs: number[]) => sql`cast(${xs} as integer[])`

/**
 * Imports an SS 12000 file: checks it whole first (nothing is written when anything is
 * wrong), then writes everything in one transaction, matched by the file's ids (kept
 * as external ids), so that a second run of the same file changes nothing. Rows made
 * by hand before the first import are adopted by their natural key (a unit's or
 * group's name, a person's civic number or e-mail address, a lesson's group and time).
 */
export async function importDocument(db: Db, clock: Clock, input: {
  text: string; source: string; baseUrl: string; startedBy?: number | null
}): Promise<ImportOutcome> {
  const startedAt = clock.now()
  const checksum = createHash('sha256').update(input.text).digest('hex')
  const checked = checkDocument(input.text)
  const base = { kind: 'ss12000' as const, source: input.source, checksum, startedBy: input.startedBy ?? null, startedAt }
  if (!checked.ok) {
    const runId = await logRun(db, { ...base, status: 'rejected', finishedAt: clock.now(), counts: {}, errors: checked.errors.items, errorCount: checked.errors.count })
    return { ok: false, runId, errors: checked.errors.items, errorCount: checked.errors.count }
  }
  const report = await db.transaction().execute((trx) => writeDocument(trx, clock.now(), checked.checked, input.baseUrl))
  const counts = flatten(report)
  const runId = await logRun(db, { ...base, status: 'ok', finishedAt: clock.now(), counts, errors: [], errorCount: 0 })
  return { ok: true, runId, report }
}

export function flatten(r: ImportReport): Record<string, number> {
  const out: Record<string, number> = { activations: r.activations, skipped: r.skipped }
  for (const k of ['created', 'updated', 'ended'] as const) for (const [what, n] of Object.entries(r[k])) if (n) out[`${k}.${what}`] = n
  return out
}

export function unflatten(counts: Record<string, number>): ImportReport {
  const zero = () => Object.fromEntries(REPORT_KEYS.map((k) => [k, 0]))
  const r: ImportReport = { created: zero(), updated: zero(), ended: zero(), activations: counts.activations ?? 0, skipped: counts.skipped ?? 0 }
  for (const [k, n] of Object.entries(counts)) {
    const [kind, what] = k.split('.')
    if (what && (kind === 'created' || kind === 'updated' || kind === 'ended')) r[kind][what] = n
  }
  return r
}

async function idMap(trx: Executor, table: 'units' | 'groups' | 'persons'): Promise<Map<string, number>> {
  const rows = await trx.selectFrom(table).select(['id', 'external_id']).where('external_id', 'is not', null).execute()
  return new Map(rows.map((r) => [r.external_id!, r.id]))
}

async function writeDocument(trx: Executor, now: Date, c: CheckedDocument, baseUrl: string): Promise<ImportReport> {
  const zero = () => Object.fromEntries(REPORT_KEYS.map((k) => [k, 0]))
  const report: ImportReport = { created: zero(), updated: zero(), ended: zero(), activations: 0, skipped: c.skipped }
  const tally = (kind: 'created' | 'updated' | 'ended', what: string, n: number) => { report[kind][what] = (report[kind][what] ?? 0) + n }
  const { doc } = c

  // ---- units ----
  const unitRows = [...c.units].map(([ext, u]) => ({ external_id: ext, name: u.name, kind: u.kind, has_fritids: u.hasFritids }))
  await sql`update units u set external_id = v.ext from (
      select distinct on (v.name) v.ext, v.name from unnest(${textArray(unitRows.map((u) => u.external_id))}, ${textArray(unitRows.map((u) => u.name))}) as v(ext, name)
      where not exists (select 1 from units x where x.external_id = v.ext)) v
    where u.external_id is null and u.name = v.name`.execute(trx)
  for (const rows of chunks(unitRows)) {
    const res = await trx.insertInto('units').values(rows)
      .onConflict((oc) => oc.column('external_id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'), kind: eb.ref('excluded.kind'), has_fritids: eb.ref('excluded.has_fritids'),
      })).where(sql<boolean>`(units.name, units.kind, units.has_fritids) is distinct from (excluded.name, excluded.kind, excluded.has_fritids)`))
      .returning(sql<boolean>`xmax = 0`.as('inserted')).execute()
    tally('created', 'units', res.filter((r) => r.inserted).length)
    tally('updated', 'units', res.filter((r) => !r.inserted).length)
  }
  const unitIds = await idMap(trx, 'units')

  // ---- groups ----
  const groupKind = (g: NonNullable<typeof doc.groups>[number]): 'class' | 'teaching' | 'department' | 'fritids' | null =>
    g.groupType === 'Klass' ? 'class' : g.groupType === 'Undervisning' ? 'teaching'
      : g.groupType === 'Avdelning' ? (g.schoolType === 'FTH' ? 'fritids' : 'department') : null
  const groupRows = (doc.groups ?? []).flatMap((g) => {
    const kind = groupKind(g)
    return kind ? [{ external_id: g.id, unit_id: unitIds.get(g.organisation.id)!, name: g.displayName, kind, ended_at: null }] : []
  })
  await sql`update groups g set external_id = v.ext from (
      select distinct on (v.unit_id, v.name) v.ext, v.unit_id, v.name
      from unnest(${textArray(groupRows.map((g) => g.external_id))}, ${intArray(groupRows.map((g) => g.unit_id))}, ${textArray(groupRows.map((g) => g.name))}) as v(ext, unit_id, name)
      where not exists (select 1 from groups x where x.external_id = v.ext)) v
    where g.external_id is null and g.unit_id = v.unit_id and g.name = v.name`.execute(trx)
  for (const rows of chunks(groupRows)) {
    const res = await trx.insertInto('groups').values(rows)
      .onConflict((oc) => oc.column('external_id').doUpdateSet((eb) => ({
        unit_id: eb.ref('excluded.unit_id'), name: eb.ref('excluded.name'), kind: eb.ref('excluded.kind'), ended_at: null,
      })).where(sql<boolean>`(groups.unit_id, groups.name, groups.kind, groups.ended_at is null) is distinct from (excluded.unit_id, excluded.name, excluded.kind, true)`))
      .returning(sql<boolean>`xmax = 0`.as('inserted')).execute()
    tally('created', 'groups', res.filter((r) => r.inserted).length)
    tally('updated', 'groups', res.filter((r) => !r.inserted).length)
  }
  const endedGroups = await trx.updateTable('groups').set({ ended_at: now })
    .where('external_id', 'is not', null).where('ended_at', 'is', null)
    .where(sql<boolean>`external_id <> all(${textArray(groupRows.map((g) => g.external_id))})`)
    .executeTakeFirst()
  tally('ended', 'groups', Number(endedGroups.numUpdatedRows))
  const groupIds = await idMap(trx, 'groups')

  // ---- persons ----
  const personRows = doc.persons.flatMap((p) => {
    const role = c.roles.get(p.id)
    if (!role) return []
    const enrolment = p.enrolments?.find((e) => e.schoolType !== 'FTH')
    const phone = p.phoneNumbers?.find((n) => n.mobile) ?? p.phoneNumbers?.[0]
    const address = p.addresses?.find((a) => a.type === 'Folkbokföring') ?? p.addresses?.[0]
    const hidden = isProtected(p)
    const postal = address?.postalCode?.replace(/\s/g, '')
    return [{
      external_id: p.id,
      role,
      given_name: p.givenName,
      family_name: p.familyName,
      email: emailOf(p),
      mobile: phone ? normalizeMobile(phone.value) ?? phone.value.replace(/[\s()-]/g, '') : null,
      personal_number: p.civicNo?.value ?? null,
      unit_id: role === 'child' && enrolment ? unitIds.get(enrolment.enroledAt.id)! : null,
      in_fritids: role === 'child' && !!p.enrolments?.some((e) => e.schoolType === 'FTH'),
      protected_identity: hidden,
      // The address on the first import only: after that, the nightly transfer owns it.
      street: hidden ? null : address?.streetAddress ?? null,
      postal_code: hidden || !postal ? null : `${postal.slice(0, 3)} ${postal.slice(3)}`,
      city: hidden ? null : address?.locality ?? null,
      address_edited_at: null,
      ended_at: null,
    }]
  })
  // Adopt people made before the first import: by civic number, else by e-mail address.
  await sql`update persons p set external_id = v.ext from (
      select distinct on (v.pnr) v.ext, v.pnr from unnest(${textArray(personRows.filter((p) => p.personal_number).map((p) => p.external_id))},
        ${textArray(personRows.filter((p) => p.personal_number).map((p) => p.personal_number!))}) as v(ext, pnr)
      where not exists (select 1 from persons x where x.external_id = v.ext)) v
    where p.external_id is null and p.personal_number = v.pnr`.execute(trx)
  await sql`update persons p set external_id = v.ext from (
      select distinct on (v.email) v.ext, v.email, v.role from unnest(${textArray(personRows.filter((p) => p.email).map((p) => p.external_id))},
        ${textArray(personRows.filter((p) => p.email).map((p) => p.email!))}, ${textArray(personRows.filter((p) => p.email).map((p) => p.role))}) as v(ext, email, role)
      where not exists (select 1 from persons x where x.external_id = v.ext)) v
    where p.external_id is null and lower(p.email) = v.email and (p.role = v.role or (p.role = 'admin' and v.role = 'staff'))
      and not exists (select 1 from persons y where y.external_id is null and y.id <> p.id and lower(y.email) = v.email)`.execute(trx)
  for (const rows of chunks(personRows, 500)) {
    const res = await trx.insertInto('persons').values(rows)
      .onConflict((oc) => oc.column('external_id').doUpdateSet((eb) => ({
        // An administrator stays one when the file lists them as staff.
        role: sql`case when persons.role = 'admin' then 'admin' else excluded.role end`,
        given_name: eb.ref('excluded.given_name'),
        family_name: eb.ref('excluded.family_name'),
        email: eb.ref('excluded.email'),
        mobile: eb.ref('excluded.mobile'),
        personal_number: eb.ref('excluded.personal_number'),
        unit_id: eb.ref('excluded.unit_id'),
        in_fritids: eb.ref('excluded.in_fritids'),
        protected_identity: eb.ref('excluded.protected_identity'),
        street: sql`case when excluded.protected_identity then null else persons.street end`,
        postal_code: sql`case when excluded.protected_identity then null else persons.postal_code end`,
        city: sql`case when excluded.protected_identity then null else persons.city end`,
        ended_at: null,
      })).where(sql<boolean>`(case when persons.role = 'admin' then 'staff' else persons.role end, persons.given_name, persons.family_name,
          persons.email, persons.mobile, persons.personal_number, persons.unit_id, persons.in_fritids, persons.protected_identity,
          persons.ended_at is null, persons.protected_identity and persons.street is not null)
        is distinct from (excluded.role, excluded.given_name, excluded.family_name, excluded.email, excluded.mobile,
          excluded.personal_number, excluded.unit_id, excluded.in_fritids, excluded.protected_identity, true, false)`))
      .returning(['role', sql<boolean>`xmax = 0`.as('inserted')]).execute()
    for (const r of res) tally(r.inserted ? 'created' : 'updated', r.role === 'child' ? 'pupils' : r.role === 'guardian' ? 'guardians' : 'staff', 1)
  }

  // People who left the file lose access now; their rows (and so their history) stay.
  const left = await trx.updateTable('persons')
    .set({ ended_at: now, password_hash: null, unit_id: sql`case when role = 'child' then null else unit_id end` })
    .where('external_id', 'is not', null).where('ended_at', 'is', null)
    .where(sql<boolean>`external_id <> all(${textArray(personRows.map((p) => p.external_id))})`)
    .returning(['id', 'role']).execute()
  for (const r of left) tally('ended', r.role === 'child' ? 'pupils' : r.role === 'guardian' ? 'guardians' : 'staff', 1)
  for (const ids of chunks(left.map((r) => r.id))) {
    await trx.deleteFrom('sessions').where(sql<boolean>`(data->>'personId')::int = any(${intArray(ids)})`).execute()
    await trx.updateTable('account_tokens').set({ used_at: now }).where('person_id', 'in', ids).where('used_at', 'is', null).execute()
  }
  const personIds = await idMap(trx, 'persons')
  const pid = (ext: string) => personIds.get(ext)!

  // ---- relations: what the file says, for the people and places it manages ----
  const wanted = {
    guardianships: new Set<string>(),
    memberships: new Set<string>(),
    staffUnits: new Set<string>(),
    staffGroups: new Map<string, 'mentor' | 'teacher' | 'fritids' | 'preschool'>(),
  }
  for (const p of doc.persons) {
    if (c.roles.get(p.id) !== 'child') continue
    for (const r of p.responsibles ?? []) {
      if (r.relationType === 'Vårdnadshavare' && c.roles.has(r.person.id)) wanted.guardianships.add(`${pid(r.person.id)}:${pid(p.id)}`)
    }
  }
  const kindOfGroup = new Map(groupRows.map((g) => [g.external_id, g.kind]))
  for (const g of doc.groups ?? []) {
    if (!kindOfGroup.has(g.id)) continue
    for (const m of g.groupMemberships ?? []) wanted.memberships.add(`${groupIds.get(g.id)}:${pid(m.person.id)}`)
  }
  for (const d of doc.duties ?? []) {
    if (c.roles.get(d.person.id) !== 'staff') continue
    wanted.staffUnits.add(`${pid(d.person.id)}:${unitIds.get(d.dutyAt.id)}`)
    for (const a of d.assignmentRole ?? []) {
      const kind = kindOfGroup.get(a.group.id)
      if (!kind) continue
      const duty = a.assignmentRoleType === 'Mentor' ? 'mentor' : kind === 'department' ? 'preschool' : kind === 'fritids' ? 'fritids' : 'teacher'
      const key = `${pid(d.person.id)}:${groupIds.get(a.group.id)}`
      // Mentor outranks teacher when a file lists both.
      if (wanted.staffGroups.get(key) !== 'mentor') wanted.staffGroups.set(key, duty)
    }
  }

  const pairsOf = (set: Iterable<string>) => [...set].map((k) => k.split(':').map(Number) as [number, number])
  const sync = async (
    what: string, table: 'guardianships' | 'group_memberships' | 'staff_units',
    cols: [string, string], current: { a: number; b: number }[], want: Set<string>,
  ) => {
    const have = new Set(current.map((r) => `${r.a}:${r.b}`))
    const add = pairsOf([...want].filter((k) => !have.has(k)))
    const remove = pairsOf([...have].filter((k) => !want.has(k)))
    for (const rows of chunks(add)) {
      await trx.insertInto(table).values(rows.map(([a, b]) => ({ [cols[0]]: a, [cols[1]]: b }) as never)).execute()
    }
    for (const rows of chunks(remove)) {
      await sql`delete from ${sql.table(table)} where (${sql.ref(cols[0])}, ${sql.ref(cols[1])}) in
        (select * from unnest(${intArray(rows.map((r) => r[0]))}, ${intArray(rows.map((r) => r[1]))}))`.execute(trx)
    }
    tally('created', what, add.length)
    tally('ended', what, remove.length)
  }
  await sync('guardianships', 'guardianships', ['guardian_id', 'child_id'], await trx.selectFrom('guardianships as r')
    .innerJoin('persons as g', 'g.id', 'r.guardian_id').innerJoin('persons as c', 'c.id', 'r.child_id')
    .select(['r.guardian_id as a', 'r.child_id as b']).where('g.external_id', 'is not', null).where('c.external_id', 'is not', null).execute(),
  wanted.guardianships)
  await sync('memberships', 'group_memberships', ['group_id', 'child_id'], await trx.selectFrom('group_memberships as r')
    .innerJoin('groups as g', 'g.id', 'r.group_id').innerJoin('persons as c', 'c.id', 'r.child_id')
    .select(['r.group_id as a', 'r.child_id as b']).where('g.external_id', 'is not', null).where('c.external_id', 'is not', null).execute(),
  wanted.memberships)
  await sync('staffUnits', 'staff_units', ['staff_id', 'unit_id'], await trx.selectFrom('staff_units as r')
    .innerJoin('persons as s', 's.id', 'r.staff_id').innerJoin('units as u', 'u.id', 'r.unit_id')
    .select(['r.staff_id as a', 'r.unit_id as b']).where('s.external_id', 'is not', null).where('u.external_id', 'is not', null).execute(),
  wanted.staffUnits)

  const currentDuties = await trx.selectFrom('staff_groups as r')
    .innerJoin('persons as s', 's.id', 'r.staff_id').innerJoin('groups as g', 'g.id', 'r.group_id')
    .select(['r.staff_id', 'r.group_id', 'r.duty']).where('s.external_id', 'is not', null).where('g.external_id', 'is not', null).execute()
  const haveDuty = new Map(currentDuties.map((r) => [`${r.staff_id}:${r.group_id}`, r.duty]))
  const dutyRows = [...wanted.staffGroups].filter(([k, duty]) => haveDuty.get(k) !== duty)
    .map(([k, duty]) => { const [staff_id, group_id] = k.split(':').map(Number); return { staff_id: staff_id!, group_id: group_id!, duty } })
  for (const rows of chunks(dutyRows)) {
    await trx.insertInto('staff_groups').values(rows).onConflict((oc) => oc.columns(['staff_id', 'group_id']).doUpdateSet((eb) => ({ duty: eb.ref('excluded.duty') }))).execute()
  }
  tally('created', 'staffGroups', dutyRows.filter((r) => !haveDuty.has(`${r.staff_id}:${r.group_id}`)).length)
  tally('updated', 'staffGroups', dutyRows.filter((r) => haveDuty.has(`${r.staff_id}:${r.group_id}`)).length)
  const dropDuties = pairsOf([...haveDuty.keys()].filter((k) => !wanted.staffGroups.has(k)))
  for (const rows of chunks(dropDuties)) {
    await sql`delete from staff_groups where (staff_id, group_id) in
      (select * from unnest(${intArray(rows.map((r) => r[0]))}, ${intArray(rows.map((r) => r[1]))}))`.execute(trx)
  }
  tally('ended', 'staffGroups', dropDuties.length)

  // ---- the timetable ----
  await writeLessons(trx, now, c, groupIds, personIds, tally)

  // ---- activation links for new guardians and pupils with an e-mail address ----
  report.activations = await issueActivations(trx, now, baseUrl)
  return report
}

/**
 * Hubben keeps a timetable as weekly lessons. Each distinct weekday and time of an
 * activity's calendar events becomes a lesson of each of its groups, valid from the
 * activity's start date to its end date.
 */
async function writeLessons(
  trx: Executor, now: Date, c: CheckedDocument, groupIds: Map<string, number>, personIds: Map<string, number>,
  tally: (kind: 'created' | 'updated' | 'ended', what: string, n: number) => void,
) {
  const activities = new Map((c.doc.activities ?? []).map((a) => [a.id, a]))
  const dutyPerson = new Map((c.doc.duties ?? []).map((d) => [d.id, d.person.id]))
  const lessons = new Map<string, {
    external_id: string; group_id: number; weekday: number; starts_at: string; ends_at: string; subject: string
    subject_code: string | null; teacher_id: number | null; room: string; valid_from: string; valid_to: string | null
  }>()
  for (const e of c.doc.calendarEvents ?? []) {
    const a = activities.get(e.activity.id)!
    const start = new Date(e.startTime)
    const date = toIsoDate(start)
    const weekday = isoWeekday(date)
    const from = toLocalTime(start)
    const to = toLocalTime(new Date(e.endTime))
    const teacherExt = a.teachers?.[0] ? dutyPerson.get(a.teachers[0].duty.id) : undefined
    for (const g of a.groups) {
      const groupId = groupIds.get(g.id)
      if (groupId === undefined) continue
      const key = `${a.id}|${g.id}|${weekday}|${from}`
      if (lessons.has(key)) continue
      lessons.set(key, {
        external_id: key, group_id: groupId, weekday, starts_at: from, ends_at: to, subject: a.displayName,
        subject_code: a.syllabus?.subjectCode ?? null,
        teacher_id: teacherExt && c.roles.get(teacherExt) === 'staff' ? personIds.get(teacherExt) ?? null : null,
        room: e.rooms?.[0]?.displayName ?? '', valid_from: a.startDate, valid_to: a.endDate ?? null,
      })
    }
  }
  const rows = [...lessons.values()]
  await sql`update timetable_lessons l set external_id = v.ext from (
      select distinct on (v.group_id, v.weekday, v.starts_at, v.subject) v.*
      from unnest(${textArray(rows.map((r) => r.external_id))}, ${intArray(rows.map((r) => r.group_id))}, ${intArray(rows.map((r) => r.weekday))},
        ${textArray(rows.map((r) => r.starts_at))}, ${textArray(rows.map((r) => r.subject))}) as v(ext, group_id, weekday, starts_at, subject)
      where not exists (select 1 from timetable_lessons x where x.external_id = v.ext)) v
    where l.external_id is null and l.group_id = v.group_id and l.weekday = v.weekday and l.starts_at = v.starts_at::time and l.subject = v.subject`.execute(trx)
  for (const batch of chunks(rows)) {
    const res = await trx.insertInto('timetable_lessons').values(batch)
      .onConflict((oc) => oc.column('external_id').doUpdateSet((eb) => ({
        group_id: eb.ref('excluded.group_id'), weekday: eb.ref('excluded.weekday'), starts_at: eb.ref('excluded.starts_at'),
        ends_at: eb.ref('excluded.ends_at'), subject: eb.ref('excluded.subject'), subject_code: eb.ref('excluded.subject_code'),
        teacher_id: eb.ref('excluded.teacher_id'), room: eb.ref('excluded.room'), valid_from: eb.ref('excluded.valid_from'),
        valid_to: eb.ref('excluded.valid_to'),
      })).where(sql<boolean>`(timetable_lessons.group_id, timetable_lessons.weekday, timetable_lessons.starts_at, timetable_lessons.ends_at,
          timetable_lessons.subject, timetable_lessons.subject_code, timetable_lessons.teacher_id, timetable_lessons.room,
          timetable_lessons.valid_from, timetable_lessons.valid_to)
        is distinct from (excluded.group_id, excluded.weekday, excluded.starts_at, excluded.ends_at, excluded.subject,
          excluded.subject_code, excluded.teacher_id, excluded.room, excluded.valid_from, excluded.valid_to)`))
      .returning(sql<boolean>`xmax = 0`.as('inserted')).execute()
    tally('created', 'lessons', res.filter((r) => r.inserted).length)
    tally('updated', 'lessons', res.filter((r) => !r.inserted).length)
  }
  // Lessons that left the file end yesterday (their past stays); future ones go.
  const today = toIsoDate(now)
  const yesterday = addDaysIso(today, -1)
  const gone = sql<boolean>`external_id is not null and external_id <> all(${textArray(rows.map((r) => r.external_id))})`
  const removed = await trx.deleteFrom('timetable_lessons').where(gone).where('valid_from', '>=', today).executeTakeFirst()
  const ended = await trx.updateTable('timetable_lessons').set({ valid_to: yesterday }).where(gone)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', yesterday)])).executeTakeFirst()
  tally('ended', 'lessons', Number(removed.numDeletedRows) + Number(ended.numUpdatedRows))
}
