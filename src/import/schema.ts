import { Type, type Static } from '@sinclair/typebox'

/**
 * The import file: a JSON document shaped after SS 12000:2020 (the Swedish school data
 * standard; the objects and field names of Skolverket's reference API). Only what Hubben
 * uses is required; other fields of the standard may be present and are ignored.
 * `docs/ss12000.schema.json` is this schema written out (`npm run import -- --schema`).
 */

const Id = Type.String({ minLength: 1, maxLength: 200, description: 'The source system\'s id (a UUID in SS 12000); kept as the external id.' })
const Ref = Type.Object({ id: Id }, { description: 'A reference to another object in the file.' })
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' })
const DateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'RFC 3339 date and time with an offset',
})

export const SCHOOL_TYPES = ['FS', 'FKLASS', 'FTH', 'OPPFTH', 'GR', 'GRS', 'TR', 'SP', 'SAM', 'GY', 'GYS', 'VUX', 'SFI'] as const
const SchoolType = Type.Union(SCHOOL_TYPES.map((s) => Type.Literal(s)), {
  description: 'FS förskola, FKLASS förskoleklass, FTH fritidshem, GR grundskola, ... (SS 12000 school types)',
})

export const Organisation = Type.Object({
  id: Id,
  displayName: Text(200),
  organisationType: Type.Union(['Huvudman', 'Verksamhetsområde', 'Förvaltning', 'Rektorsområde', 'Skola', 'Skolenhet', 'Varumärke', 'Bolag', 'Övrigt']
    .map((s) => Type.Literal(s))),
  schoolTypes: Type.Optional(Type.Array(SchoolType)),
  parentOrganisation: Type.Optional(Ref),
})

export const Person = Type.Object({
  id: Id,
  givenName: Text(100),
  familyName: Text(100),
  civicNo: Type.Optional(Type.Object({
    value: Type.String({ pattern: '^\\d{12}$', description: 'Personnummer or samordningsnummer, 12 digits (YYYYMMDDNNNN)' }),
    nationality: Type.Optional(Type.String({ maxLength: 2 })),
  })),
  securityMarking: Type.Optional(Type.Union(['Ingen', 'Sekretessmarkering', 'Skyddad folkbokföring'].map((s) => Type.Literal(s)))),
  emails: Type.Optional(Type.Array(Type.Object({
    value: Type.String({ pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', maxLength: 254 }),
    type: Type.Optional(Type.String({ maxLength: 50 })),
  }))),
  phoneNumbers: Type.Optional(Type.Array(Type.Object({
    value: Type.String({ pattern: '^\\+?[0-9 ()-]{5,20}$' }),
    type: Type.Optional(Type.String({ maxLength: 50 })),
    mobile: Type.Optional(Type.Boolean()),
  }))),
  addresses: Type.Optional(Type.Array(Type.Object({
    type: Type.Optional(Type.String({ maxLength: 50 })),
    streetAddress: Type.Optional(Type.String({ maxLength: 120 })),
    postalCode: Type.Optional(Type.String({ pattern: '^\\d{3} ?\\d{2}$' })),
    locality: Type.Optional(Type.String({ maxLength: 60 })),
  }))),
  responsibles: Type.Optional(Type.Array(Type.Object({
    person: Ref,
    relationType: Type.Union(['Vårdnadshavare', 'Annan ansvarig', 'God man', 'Kontaktperson'].map((s) => Type.Literal(s))),
  }))),
  enrolments: Type.Optional(Type.Array(Type.Object({
    enroledAt: Ref,
    schoolType: SchoolType,
    schoolYear: Type.Optional(Type.Integer({ minimum: -1, maximum: 13 })),
    startDate: Type.Optional(IsoDate),
    endDate: Type.Optional(IsoDate),
  }))),
})

export const Group = Type.Object({
  id: Id,
  displayName: Text(100),
  groupType: Type.Union(['Undervisning', 'Klass', 'Mentor', 'Provgrupp', 'Schema', 'Avdelning', 'Personalgrupp', 'Övrigt'].map((s) => Type.Literal(s))),
  schoolType: Type.Optional(SchoolType),
  organisation: Ref,
  groupMemberships: Type.Optional(Type.Array(Type.Object({
    person: Ref,
    startDate: Type.Optional(IsoDate),
    endDate: Type.Optional(IsoDate),
  }))),
})

export const Duty = Type.Object({
  id: Id,
  person: Ref,
  dutyAt: Ref,
  dutyRole: Text(100),
  assignmentRole: Type.Optional(Type.Array(Type.Object({
    group: Ref,
    assignmentRoleType: Text(100),
  }))),
})

export const Activity = Type.Object({
  id: Id,
  displayName: Text(100),
  organisation: Ref,
  groups: Type.Array(Ref, { minItems: 1 }),
  teachers: Type.Optional(Type.Array(Type.Object({ duty: Ref }))),
  syllabus: Type.Optional(Type.Object({ subjectCode: Type.Optional(Type.String({ maxLength: 20 })) })),
  startDate: IsoDate,
  endDate: Type.Optional(IsoDate),
})

export const CalendarEvent = Type.Object({
  id: Id,
  activity: Ref,
  startTime: DateTime,
  endTime: DateTime,
  rooms: Type.Optional(Type.Array(Type.Object({ displayName: Type.String({ maxLength: 60 }) }))),
})

export const ImportDocument = Type.Object({
  organisations: Type.Array(Organisation),
  persons: Type.Array(Person),
  groups: Type.Optional(Type.Array(Group)),
  duties: Type.Optional(Type.Array(Duty)),
  activities: Type.Optional(Type.Array(Activity)),
  calendarEvents: Type.Optional(Type.Array(CalendarEvent)),
}, {
  $id: 'https://hubben.example/schemas/ss12000-import.json',
  title: 'Hubben import file (SS 12000:2020 shapes)',
})

export type ImportDocument = Static<typeof ImportDocument>
export type PersonDoc = Static<typeof Person>

/** The schema as plain JSON Schema (TypeBox's own markers are symbols and drop out). */
export function jsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(ImportDocument)) }
}
