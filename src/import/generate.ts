/**
 * A made-up district in the import file's shape, for tests and for measuring
 * (`npm run import:district`). Written as a stream of JSON pieces, so a file of
 * any size is generated without holding it in memory.
 */
export interface DistrictSize {
  pupils: number
  /** Pupils per class. */
  classSize?: number
  /** Classes per school unit. */
  classesPerSchool?: number
  /** Every n-th pupil leaves out of this file (to test leaving). */
  leaveEvery?: number
}

const GIVEN = ['Alva', 'Elsa', 'Maja', 'Ella', 'Wilma', 'Saga', 'Alice', 'Vera', 'Noah', 'Hugo', 'William', 'Liam', 'Lucas', 'Oscar', 'Elias', 'Leo']
const FAMILY = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson']
const SUBJECTS = [['Svenska', 'SVE'], ['Matematik', 'MA'], ['Engelska', 'ENG'], ['SO', 'SO'], ['NO', 'NO']] as const

const pad = (n: number, w: number) => String(n).padStart(w, '0')
const civic = (year: number, n: number) => `${year}${pad(1 + (n % 12), 2)}${pad(1 + (n % 28), 2)}${pad(n % 10000, 4)}`

export function* districtJson(size: DistrictSize): Generator<string> {
  const classSize = size.classSize ?? 25
  const classesPerSchool = size.classesPerSchool ?? 20
  const classes = Math.ceil(size.pupils / classSize)
  const schools = Math.ceil(classes / classesPerSchool)
  const school = (c: number) => Math.floor(c / classesPerSchool)
  const list = function* <T>(items: Iterable<T>, write: (x: T) => string) {
    let first = true
    for (const x of items) { yield (first ? '' : ',\n') + write(x); first = false }
  }
  const range = function* (n: number) { for (let i = 0; i < n; i++) yield i }
  const gone = (p: number) => size.leaveEvery !== undefined && p % size.leaveEvery === 0

  yield '{"organisations":[\n'
  yield* list(range(schools), (s) => JSON.stringify({
    id: `unit-${s}`, displayName: `Skola ${s + 1}`, organisationType: 'Skolenhet', schoolTypes: ['GR', 'FTH'],
  }))
  yield '],\n"persons":[\n'
  // Pupil p has guardians 2p and 2p+1, except every fourth pupil, who has one (35,000 for 20,000).
  const guardiansOf = (p: number) => (p % 4 === 3 ? [2 * p] : [2 * p, 2 * p + 1])
  yield* list(range(size.pupils), (p) => JSON.stringify({
    id: `pupil-${p}`, givenName: GIVEN[p % GIVEN.length], familyName: FAMILY[p % FAMILY.length],
    civicNo: { value: civic(2012 + (p % 9), p) },
    ...(p % 3 === 0 ? { emails: [{ value: `elev${p}@skola.example` }] } : {}),
    addresses: [{ type: 'Folkbokföring', streetAddress: `Gatan ${p % 200 + 1}`, postalCode: '12345', locality: 'Staden' }],
    responsibles: guardiansOf(p).filter((g) => !gone(p)).map((g) => ({ person: { id: `guardian-${g}` }, relationType: 'Vårdnadshavare' })),
    enrolments: [{ enroledAt: { id: `unit-${school(Math.floor(p / classSize))}` }, schoolType: 'GR', schoolYear: 1 + (p % 9) },
      ...(p % 2 === 0 ? [{ enroledAt: { id: `unit-${school(Math.floor(p / classSize))}` }, schoolType: 'FTH' }] : [])],
  }).replace(/^/, ''), )
  const guardianIds = function* () { for (let p = 0; p < size.pupils; p++) if (!gone(p)) yield* guardiansOf(p) }
  yield ',\n'
  yield* list(guardianIds(), (g) => JSON.stringify({
    id: `guardian-${g}`, givenName: GIVEN[(g + 3) % GIVEN.length], familyName: FAMILY[Math.floor(g / 2) % FAMILY.length],
    civicNo: { value: civic(1975 + (g % 20), g + 500000) },
    emails: [{ value: `vh${g}@example.com` }], phoneNumbers: [{ value: `+4670${pad(g, 7)}`, mobile: true }],
  }))
  yield ',\n'
  yield* list(range(classes), (c) => JSON.stringify({ id: `teacher-${c}`, givenName: 'Lärare', familyName: `Nummer ${c}`, emails: [{ value: `larare${c}@skola.example` }] }))
  yield '],\n"groups":[\n'
  yield* list(range(classes), (c) => JSON.stringify({
    id: `class-${c}`, displayName: `Klass ${c + 1}`, groupType: 'Klass', schoolType: 'GR', organisation: { id: `unit-${school(c)}` },
    groupMemberships: Array.from({ length: Math.min(classSize, size.pupils - c * classSize) }, (_, i) => c * classSize + i)
      .filter((p) => !gone(p)).map((p) => ({ person: { id: `pupil-${p}` } })),
  }))
  yield '],\n"duties":[\n'
  yield* list(range(classes), (c) => JSON.stringify({
    id: `duty-${c}`, person: { id: `teacher-${c}` }, dutyAt: { id: `unit-${school(c)}` }, dutyRole: 'Lärare',
    assignmentRole: [{ group: { id: `class-${c}` }, assignmentRoleType: 'Mentor' }],
  }))
  yield '],\n"activities":[\n'
  yield* list(range(classes * SUBJECTS.length), (i) => {
    const c = Math.floor(i / SUBJECTS.length)
    const [name, code] = SUBJECTS[i % SUBJECTS.length]!
    return JSON.stringify({
      id: `activity-${i}`, displayName: name, organisation: { id: `unit-${school(c)}` }, groups: [{ id: `class-${c}` }],
      teachers: [{ duty: { id: `duty-${c}` } }], syllabus: { subjectCode: code }, startDate: '2026-08-17', endDate: '2027-06-11',
    })
  })
  yield '],\n"calendarEvents":[\n'
  // Each subject twice a week: Monday to Friday, at 08:10 and 10:20.
  yield* list(range(classes * SUBJECTS.length * 2), (i) => {
    const a = Math.floor(i / 2)
    const day = 17 + ((a + i) % 5)
    const at = i % 2 === 0 ? ['08:10', '09:00'] : ['10:20', '11:10']
    return JSON.stringify({ id: `event-${i}`, activity: { id: `activity-${a}` }, startTime: `2026-08-${day}T${at[0]}:00+02:00`, endTime: `2026-08-${day}T${at[1]}:00+02:00` })
  })
  yield ']}\n'
}

export function districtDocument(size: DistrictSize): string {
  return [...districtJson(size)].join('')
}
