import type { Db } from '../../db/index.js'
import { addDaysIso, mondayOf, type Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'
import { demoFile, pdf } from '../../demo/files.js'

/** The maths plan's attachment (made in code; routes.ts puts it in the store outside production). */
export const PLAN_DEMO_FILES = [
  demoFile({
    title: 'Bråk och decimaltal: planering', filename: 'brak-och-decimaltal.pdf',
    bytes: pdf('Bråk och decimaltal', ['Vecka 47-48: halvor, fjärdedelar och tiondelar', 'Vecka 49-50: blandad form', 'Vecka 51: bråk och decimaltal', 'Vecka 52: repetition och prov']),
  }),
]

/** Demo: plans for 4B in mathematics (in progress), Swedish (in progress) and English (next), and an earlier one. */
export async function seedPlansDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const monday = mondayOf(clock.today())
  const w = (n: number) => addDaysIso(monday, 7 * n)
  const now = clock.now()
  const plan = (by: number, subject: string, title: string, from: number, to: number, content: string, goals: string, assessment: string) => ({
    group_id: world.class4B, subject, title, starts_on: w(from), ends_on: addDaysIso(w(to), 6), content, goals, assessment,
    created_by: by, publish_key: null, created_at: now, updated_at: now,
  })
  const ids = await db.insertInto('plans').values([
    plan(world.per, 'Matematik', 'Bråk och decimaltal', -2, 3,
      'Vi arbetar med bråk i vardagen: halvor, fjärdedelar och tiondelar, blandad form och hur bråk hänger ihop med decimaltal. Arbetet avslutas med ett prov.',
      'Du ska kunna jämföra och storleksordna bråk, skriva bråk i blandad form och växla mellan bråk och decimaltal.',
      'Muntliga genomgångar, arbetet i boken och ett skriftligt prov i slutet av perioden.'),
    plan(world.karin, 'Svenska', 'Vi läser och recenserar en bok', -3, 2,
      'Alla läser en valfri skönlitterär bok, för läslogg och skriver en bokrecension.',
      'Du ska kunna återberätta handlingen, beskriva personerna och motivera vad du tycker om boken.',
      'Läsloggen och den inlämnade bokrecensionen.'),
    plan(world.per, 'Engelska', 'My town', 4, 8,
      'Vi lär oss ord och fraser om staden och vägbeskrivningar, läser korta texter och gör en presentation.',
      'Du ska kunna berätta om en plats och fråga om och ge en enkel vägbeskrivning.',
      'Glosförhör, samtal i par och en kort muntlig presentation.'),
    plan(world.karin, 'Svenska', 'Faktatexter', -10, -4, 'Vi läste och skrev faktatexter om djur.', 'Du ska kunna skriva en faktatext med rubrik och stycken.', 'Den färdiga faktatexten.'),
  ]).returning('id').execute()
  const f = PLAN_DEMO_FILES[0]!
  await db.insertInto('plan_attachments').values({
    plan_id: ids[0]!.id, filename: f.filename, content_type: f.type, size_bytes: f.bytes.length, storage_key: f.key, uploaded_by: world.per, created_at: now, upload_key: null,
  }).execute()
}
