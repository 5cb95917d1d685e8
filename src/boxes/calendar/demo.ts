import type { Db } from '../../db/index.js'
import { addDaysIso, type Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'
import { insertSurvey } from './staff.js'
import type { EventKind } from './tables.js'

/**
 * Demo: a month of events for 4B (homework, a test, a museum trip, an assignment, the
 * parents' meeting), the school's winter assembly, and Blåklockan's forest outing, parents'
 * meeting and Christmas coffee; an open survey for 4B about the trip (one question of each
 * kind) and a closed one about the parents' meeting, answered by Elsa's and Sam's families.
 */
export async function seedCalendarDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const today = clock.today()
  const now = clock.now()
  const d = (n: number) => addDaysIso(today, n)
  const ev = (unitId: number, groupId: number | null, by: number, kind: EventKind, date: string, title: string, body: string, start: string | null = null, end: string | null = null) =>
    ({ unit_id: unitId, group_id: groupId, created_by: by, kind, date, title, body, starts_at: start, ends_at: end, created_at: now, updated_at: now, publish_key: null })
  const { school, preschool, class4B, blaklockan, karin, per, johan } = world
  await db.insertInto('calendar_events').values([
    ev(school, class4B, karin, 'information', d(-6), 'Skolfotografering', 'Klassfoto och porträtt tas i gympasalen under förmiddagen.'),
    ev(school, class4B, per, 'homework', d(2), 'Läxa: glosor kapitel 5', 'Lär er orden på sidan 42 i engelskaboken. Vi har förhör på fredag.'),
    ev(school, class4B, per, 'test', d(7), 'Prov i matematik: bråk', 'Provet tar upp bråk och blandad form (kapitel 3). Ta med penna, sudd och linjal.', '09:00', '10:00'),
    ev(school, class4B, karin, 'activity', d(9), 'Utflykt till Naturhistoriska museet', 'Vi åker buss från skolan 08:30 och är tillbaka 14:00. Ta med matsäck, vattenflaska och kläder efter väder.', '08:30', '14:00'),
    ev(school, class4B, karin, 'assignment', d(14), 'Inlämning: bokrecension', 'Lämna in recensionen av den bok du har läst i höst, på papper eller i skolplattformen.'),
    ev(school, class4B, karin, 'activity', d(15), 'Föräldramöte 4B', 'Vi går igenom höstterminen, utflykterna i vår och arbetsron i klassen. Välkomna till klassrum 4B!', '18:00', '19:30'),
    ev(school, null, karin, 'information', d(17), 'Vinterfest i aulan', 'Alla klasser uppträder. Vårdnadshavare är välkomna från 13:00.', '13:00', '14:30'),
    ev(preschool, blaklockan, johan, 'activity', d(3), 'Utflykt till skogen', 'Vi går till skogsdungen bakom förskolan. Klä barnen efter väder och ta med extra vantar.', '09:00', '11:30'),
    ev(preschool, blaklockan, johan, 'activity', d(8), 'Föräldramöte Blåklockan', 'Vi berättar om höstens arbete och planerna för våren.', '17:30', '18:30'),
    ev(preschool, blaklockan, johan, 'information', d(12), 'Fyll på extra kläder', 'Se över extrakläderna i barnens lådor inför vintern.'),
    ev(preschool, blaklockan, johan, 'activity', d(16), 'Julfika med familjerna', 'Barnen bjuder på pepparkakor som de har bakat själva.', '15:00', '16:30'),
  ]).execute()

  await insertSurvey(db, { id: karin }, {
    unitId: school, groupId: class4B, title: 'Utflykten till Naturhistoriska museet', date: today, closesOn: d(7),
    body: 'Svara senast en vecka före utflykten, så att vi vet hur många som följer med och vilka vuxna som kan hjälpa till.',
    questions: [
      { kind: 'single', prompt: 'Får ditt barn följa med på utflykten?', options: ['Ja', 'Nej'] },
      { kind: 'multiple', prompt: 'Hur kan du hjälpa till?', options: ['Följa med som vuxen på bussen', 'Hjälpa till med matsäcken', 'Ingen möjlighet den här gången'] },
      { kind: 'text', prompt: 'Något vi behöver veta, till exempel om allergier?', options: [] },
    ],
  }, null, new Date(now.getTime() - 3600_000))

  const closed = await insertSurvey(db, { id: karin }, {
    unitId: school, groupId: class4B, title: 'Tid för föräldramötet', date: d(-14), closesOn: d(-7),
    body: 'Hjälp oss att välja en tid och vad mötet ska handla om.',
    questions: [
      { kind: 'single', prompt: 'Vilken tid passar er bäst?', options: ['17:30', '18:00', '18:30'] },
      { kind: 'multiple', prompt: 'Vad vill ni ta upp?', options: ['Läsning', 'Raster', 'Läxor', 'Digitala verktyg'] },
      { kind: 'text', prompt: 'Övriga synpunkter', options: [] },
    ],
  }, null, new Date(now.getTime() - 14 * 86_400_000))
  const qs = await db.selectFrom('survey_questions as q').innerJoin('survey_options as o', 'o.question_id', 'q.id')
    .select(['q.id as qid', 'q.position as qpos', 'o.id as oid', 'o.label']).where('q.survey_id', '=', closed).execute()
  const textQ = await db.selectFrom('survey_questions').select('id').where('survey_id', '=', closed).where('kind', '=', 'text').executeTakeFirstOrThrow()
  const opt = (label: string) => qs.find((r) => r.label === label)!
  const answered = new Date(now.getTime() - 10 * 86_400_000)
  await db.insertInto('survey_responses').values([
    { survey_id: closed, child_id: world.elsa, answered_by: world.anna, answered_at: answered },
    { survey_id: closed, child_id: world.sam, answered_by: world.maria, answered_at: answered },
  ]).execute()
  const a = (childId: number, questionId: number, optionId: number | null, text: string | null) => ({ survey_id: closed, child_id: childId, question_id: questionId, option_id: optionId, text })
  await db.insertInto('survey_answers').values([
    a(world.elsa, opt('18:00').qid, opt('18:00').oid, null),
    a(world.elsa, opt('Läsning').qid, opt('Läsning').oid, null),
    a(world.elsa, opt('Raster').qid, opt('Raster').oid, null),
    a(world.sam, opt('18:00').qid, opt('18:00').oid, null),
    a(world.sam, opt('Läsning').qid, opt('Läsning').oid, null),
    a(world.sam, textQ.id, null, 'Gärna något om hur vi kan stötta läsningen hemma.'),
  ]).execute()
}
