import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ImportDocument, type PersonDoc } from './schema.js'
import type { ImportError } from './tables.js'

/** A file with thousands of mistakes is reported by its first ones, and how many there were. */
export const MAX_REPORTED_ERRORS = 500

const checker = TypeCompiler.Compile(ImportDocument)

export class ErrorList {
  items: ImportError[] = []
  count = 0
  add(e: ImportError) {
    this.count++
    if (this.items.length < MAX_REPORTED_ERRORS) this.items.push(e)
  }
}

export type Role = 'child' | 'guardian' | 'staff'

/** What the import reads from a valid file, with the roles and references resolved. */
export interface CheckedDocument {
  doc: ImportDocument
  /** Organisations that are school units (a school or preschool type), by id. */
  units: Map<string, { name: string; kind: 'school' | 'preschool'; hasFritids: boolean }>
  /** Each person's role, by id; people with none (neither enrolled, on duty nor a guardian) are not imported. */
  roles: Map<string, Role>
  skipped: number
}

const SCHOOL = new Set(['FKLASS', 'GR', 'GRS', 'TR', 'SP', 'SAM', 'GY', 'GYS'])

/**
 * Parses and checks a file: JSON syntax, then the JSON Schema, then what the schema
 * cannot say (unique ids, references that point somewhere). Every problem is reported
 * with its JSON path; no value from the file goes into a message (it may be a civic number).
 */
export function checkDocument(text: string): { ok: true; checked: CheckedDocument } | { ok: false; errors: ErrorList } {
  const errors = new ErrorList()
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    const position = /position (\d+)/.exec((err as Error).message)?.[1]
    errors.add({ path: '', key: 'json', params: { position: position ?? '?' } })
    return { ok: false, errors }
  }
  if (!checker.Check(value)) {
    for (const e of checker.Errors(value)) {
      // A union's message names each branch; one line per place is enough.
      errors.add({ path: e.path, key: 'schema', params: { message: e.message } })
    }
    return { ok: false, errors }
  }
  const doc = value as ImportDocument
  const units: CheckedDocument['units'] = new Map()
  const orgIds = new Set<string>()
  doc.organisations.forEach((o, i) => {
    if (orgIds.has(o.id)) errors.add({ path: `/organisations/${i}/id`, key: 'duplicateId' })
    orgIds.add(o.id)
    const types = new Set(o.schoolTypes ?? [])
    if (o.organisationType !== 'Skolenhet') return
    const school = [...types].some((t) => SCHOOL.has(t))
    if (school || types.has('FS')) units.set(o.id, { name: o.displayName, kind: school ? 'school' : 'preschool', hasFritids: types.has('FTH') })
  })

  const personIndex = new Map<string, number>()
  const civicNos = new Set<string>()
  doc.persons.forEach((p, i) => {
    if (personIndex.has(p.id)) errors.add({ path: `/persons/${i}/id`, key: 'duplicateId' })
    personIndex.set(p.id, i)
    if (p.civicNo) {
      if (civicNos.has(p.civicNo.value)) errors.add({ path: `/persons/${i}/civicNo/value`, key: 'duplicateCivicNo' })
      civicNos.add(p.civicNo.value)
    }
  })
  const refPerson = (id: string, path: string) => {
    if (!personIndex.has(id)) errors.add({ path, key: 'unknownRef', params: { collection: 'persons' } })
  }
  const refUnit = (id: string, path: string) => {
    if (!orgIds.has(id)) errors.add({ path, key: 'unknownRef', params: { collection: 'organisations' } })
    else if (!units.has(id)) errors.add({ path, key: 'notAUnit' })
  }

  const roles = new Map<string, Role>()
  const onDuty = new Set<string>()
  const guardians = new Set<string>()
  doc.persons.forEach((p, i) => {
    p.responsibles?.forEach((r, j) => {
      refPerson(r.person.id, `/persons/${i}/responsibles/${j}/person/id`)
      if (r.relationType === 'Vårdnadshavare') guardians.add(r.person.id)
    })
    p.enrolments?.forEach((e, j) => refUnit(e.enroledAt.id, `/persons/${i}/enrolments/${j}/enroledAt/id`))
    if (p.enrolments?.length && !p.enrolments.some((e) => e.schoolType !== 'FTH')) {
      errors.add({ path: `/persons/${i}/enrolments`, key: 'onlyFritids' })
    }
  })

  const groupIds = new Set<string>()
  doc.groups?.forEach((g, i) => {
    if (groupIds.has(g.id)) errors.add({ path: `/groups/${i}/id`, key: 'duplicateId' })
    groupIds.add(g.id)
    refUnit(g.organisation.id, `/groups/${i}/organisation/id`)
    g.groupMemberships?.forEach((m, j) => {
      const at = personIndex.get(m.person.id)
      if (at === undefined) refPerson(m.person.id, `/groups/${i}/groupMemberships/${j}/person/id`)
      else if (!doc.persons[at]!.enrolments?.length) errors.add({ path: `/groups/${i}/groupMemberships/${j}/person/id`, key: 'notEnrolled' })
    })
  })
  const dutyIds = new Set<string>()
  doc.duties?.forEach((d, i) => {
    if (dutyIds.has(d.id)) errors.add({ path: `/duties/${i}/id`, key: 'duplicateId' })
    dutyIds.add(d.id)
    refPerson(d.person.id, `/duties/${i}/person/id`)
    refUnit(d.dutyAt.id, `/duties/${i}/dutyAt/id`)
    d.assignmentRole?.forEach((a, j) => {
      if (!groupIds.has(a.group.id)) errors.add({ path: `/duties/${i}/assignmentRole/${j}/group/id`, key: 'unknownRef', params: { collection: 'groups' } })
    })
    onDuty.add(d.person.id)
  })
  const activityIds = new Set<string>()
  doc.activities?.forEach((a, i) => {
    if (activityIds.has(a.id)) errors.add({ path: `/activities/${i}/id`, key: 'duplicateId' })
    activityIds.add(a.id)
    a.groups.forEach((g, j) => {
      if (!groupIds.has(g.id)) errors.add({ path: `/activities/${i}/groups/${j}/id`, key: 'unknownRef', params: { collection: 'groups' } })
    })
    a.teachers?.forEach((t, j) => {
      if (!dutyIds.has(t.duty.id)) errors.add({ path: `/activities/${i}/teachers/${j}/duty/id`, key: 'unknownRef', params: { collection: 'duties' } })
    })
    if (a.endDate && a.endDate < a.startDate) errors.add({ path: `/activities/${i}/endDate`, key: 'endBeforeStart' })
  })
  const eventIds = new Set<string>()
  doc.calendarEvents?.forEach((e, i) => {
    if (eventIds.has(e.id)) errors.add({ path: `/calendarEvents/${i}/id`, key: 'duplicateId' })
    eventIds.add(e.id)
    if (!activityIds.has(e.activity.id)) errors.add({ path: `/calendarEvents/${i}/activity/id`, key: 'unknownRef', params: { collection: 'activities' } })
    const start = Date.parse(e.startTime)
    const end = Date.parse(e.endTime)
    if (Number.isNaN(start)) errors.add({ path: `/calendarEvents/${i}/startTime`, key: 'badTime' })
    else if (Number.isNaN(end)) errors.add({ path: `/calendarEvents/${i}/endTime`, key: 'badTime' })
    else if (end <= start || end - start > 12 * 3_600_000) errors.add({ path: `/calendarEvents/${i}/endTime`, key: 'endBeforeStart' })
  })

  let skipped = 0
  for (const p of doc.persons) {
    const role: Role | undefined = p.enrolments?.length ? 'child' : onDuty.has(p.id) ? 'staff' : guardians.has(p.id) ? 'guardian' : undefined
    if (role) roles.set(p.id, role)
    else skipped++
  }
  if (errors.count) return { ok: false, errors }
  return { ok: true, checked: { doc, units, roles, skipped } }
}

/** The e-mail address Hubben writes to: the first one the file gives. */
export function emailOf(p: PersonDoc): string | null {
  return p.emails?.[0]?.value.toLowerCase() ?? null
}

export function isProtected(p: PersonDoc): boolean {
  return p.securityMarking !== undefined && p.securityMarking !== 'Ingen'
}
