import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import { hashPassword } from '../auth/passwords.js'
import { FEATURES } from '../boxes/index.js'

export const DEMO_PASSWORD = 'hubbendemo'

/** The ids of the demo world, for the boxes' own demo content and for tests. */
export interface DemoWorld {
  school: number
  preschool: number
  class4B: number
  fritids: number
  blaklockan: number
  karin: number
  per: number
  lena: number
  johan: number
  anna: number
  erik: number
  maria: number
  elsa: number
  olle: number
  sam: number
  admin: number
}

export function demoLogins(): { username: string; description: string }[] {
  return [
    { username: 'anna.lind', description: 'guardian of Elsa (4B, fritids) and Olle (Förskolan Humlan)' },
    { username: 'erik.lind', description: 'the other guardian of Elsa and Olle' },
    { username: 'maria.nilsson', description: 'guardian of Sam Nilsson (4B), another family' },
    { username: 'elsa.lind', description: 'pupil in 4B' },
    { username: 'karin.berg', description: 'staff: mentor of 4B' },
    { username: 'per.holm', description: 'staff: teacher in 4B' },
    { username: 'lena.ek', description: 'staff: fritids at Solbackaskolan' },
    { username: 'johan.ek', description: 'staff: Förskolan Humlan, Blåklockan' },
    { username: 'admin', description: 'school administrator' },
  ]
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const row = await db.selectFrom('persons').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()
  return Number(row.n) === 0
}

/** Fills an empty database with the demo world of the README, current relative to the clock. */
/** The demo world's accounts share a published password: never in production. */
export function assertDemoAllowed(env: string | undefined = process.env.NODE_ENV): void {
  if (env === 'production') throw new Error('The demo world (accounts with the published password) is never created when NODE_ENV=production')
}

export async function seedDemo(db: Db, clock: Clock, opts: { passwordHash?: string } = {}): Promise<DemoWorld> {
  assertDemoAllowed()
  const passwordHash = opts.passwordHash ?? (await hashPassword(DEMO_PASSWORD))
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    const unit = (name: string, kind: 'school' | 'preschool', hasFritids: boolean) =>
      trx.insertInto('units').values({ name, kind, has_fritids: hasFritids, external_id: null }).returning('id').executeTakeFirstOrThrow().then((r) => r.id)
    const group = (unitId: number, name: string, kind: 'class' | 'department' | 'fritids') =>
      trx.insertInto('groups').values({ unit_id: unitId, name, kind, external_id: null }).returning('id').executeTakeFirstOrThrow().then((r) => r.id)
    const person = (p: {
      role: 'guardian' | 'child' | 'staff' | 'admin'; given: string; family: string; username?: string; email?: string; mobile?: string
      unitId?: number; inFritids?: boolean; pnr?: string; street?: string; postal?: string; city?: string
    }) => trx.insertInto('persons').values({
      role: p.role, given_name: p.given, family_name: p.family, username: p.username ?? null,
      password_hash: p.username ? passwordHash : null, activated_at: p.username ? now : null,
      email: p.email ?? null, mobile: p.mobile ?? null, unit_id: p.unitId ?? null, in_fritids: p.inFritids ?? false,
      personal_number: p.pnr ?? null, street: p.street ?? null, postal_code: p.postal ?? null, city: p.city ?? null,
      external_id: null, address_edited_at: null,
    }).returning('id').executeTakeFirstOrThrow().then((r) => r.id)

    const school = await unit('Solbackaskolan', 'school', true)
    const preschool = await unit('Förskolan Humlan', 'preschool', false)
    const class4B = await group(school, '4B', 'class')
    const fritids = await group(school, 'Fritids Solbacka', 'fritids')
    const blaklockan = await group(preschool, 'Blåklockan', 'department')

    const karin = await person({ role: 'staff', given: 'Karin', family: 'Berg', username: 'karin.berg', email: 'karin.berg@solbacka.example' })
    const per = await person({ role: 'staff', given: 'Per', family: 'Holm', username: 'per.holm', email: 'per.holm@solbacka.example' })
    const lena = await person({ role: 'staff', given: 'Lena', family: 'Ek', username: 'lena.ek', email: 'lena.ek@solbacka.example' })
    const johan = await person({ role: 'staff', given: 'Johan', family: 'Ek', username: 'johan.ek', email: 'johan.ek@humlan.example' })
    const admin = await person({ role: 'admin', given: 'Alex', family: 'Admin', username: 'admin', email: 'admin@kommun.example' })

    const home = { street: 'Björkvägen 12', postal: '123 45', city: 'Solbacka' }
    const anna = await person({ role: 'guardian', given: 'Anna', family: 'Lind', username: 'anna.lind', email: 'anna.lind@example.com', mobile: '+46701234567', pnr: '198503142385', ...home })
    const erik = await person({ role: 'guardian', given: 'Erik', family: 'Lind', username: 'erik.lind', email: 'erik.lind@example.com', mobile: '+46709876543', pnr: '198307212392', ...home })
    const maria = await person({ role: 'guardian', given: 'Maria', family: 'Nilsson', username: 'maria.nilsson', email: 'maria.nilsson@example.com', mobile: '+46705551234', pnr: '198811092389', street: 'Ekgatan 3', postal: '123 46', city: 'Solbacka' })
    const elsa = await person({ role: 'child', given: 'Elsa', family: 'Lind', username: 'elsa.lind', unitId: school, inFritids: true, pnr: '201603152388', ...home })
    const olle = await person({ role: 'child', given: 'Olle', family: 'Lind', unitId: preschool, pnr: '202205172394', ...home })
    const sam = await person({ role: 'child', given: 'Sam', family: 'Nilsson', unitId: school, pnr: '201609282395', street: 'Ekgatan 3', postal: '123 46', city: 'Solbacka' })

    await trx.insertInto('guardianships').values([
      { guardian_id: anna, child_id: elsa }, { guardian_id: anna, child_id: olle },
      { guardian_id: erik, child_id: elsa }, { guardian_id: erik, child_id: olle },
      { guardian_id: maria, child_id: sam },
    ]).execute()
    await trx.insertInto('group_memberships').values([
      { group_id: class4B, child_id: elsa }, { group_id: class4B, child_id: sam },
      { group_id: fritids, child_id: elsa }, { group_id: blaklockan, child_id: olle },
    ]).execute()
    await trx.insertInto('staff_units').values([
      { staff_id: karin, unit_id: school }, { staff_id: per, unit_id: school }, { staff_id: lena, unit_id: school },
      { staff_id: johan, unit_id: preschool },
    ]).execute()
    await trx.insertInto('staff_groups').values([
      { staff_id: karin, group_id: class4B, duty: 'mentor' },
      { staff_id: per, group_id: class4B, duty: 'teacher' },
      { staff_id: lena, group_id: fritids, duty: 'fritids' },
      { staff_id: johan, group_id: blaklockan, duty: 'preschool' },
    ]).execute()

    const world: DemoWorld = { school, preschool, class4B, fritids, blaklockan, karin, per, lena, johan, anna, erik, maria, elsa, olle, sam, admin }
    for (const f of FEATURES) if (f.demo) await f.demo(trx as unknown as Db, clock, world)
    return world
  })
}
