import type { Db } from '../../db/index.js'
import { addDaysIso, type Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'
import { termOf } from '../../web/terms.js'

/**
 * Demo: Elsa's assessments in four subjects this term (Swedish, mathematics, English and
 * science, by her teachers), two from last spring, and one art assessment that is not
 * published (it must never show to the family).
 */
export async function seedAssessmentsDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const today = clock.today()
  const now = clock.now()
  const term = termOf(today)
  const year = Number(today.slice(0, 4))
  const previous = term.startsWith('HT') ? `VT${year}` : `HT${year - 1}`
  const day = (d: number) => addDaysIso(today, -d)
  const row = (subject: string, t: string, grade: string, comment: string, daysAgo: number, teacher: number, published = true) => ({
    child_id: world.elsa, subject, term: t, grade, comment, assessed_on: day(daysAgo), teacher_id: teacher,
    published_at: published ? new Date(now.getTime() - daysAgo * 86_400_000) : null, created_at: now, updated_at: now,
  })
  await db.insertInto('assessments').values([
    row('Svenska', term, 'Når målen', 'Elsa läser med flyt och skriver berättelser med tydlig början, mitt och slut.\n\nNästa steg: att variera sina meningar och använda fler sambandsord.', 6, world.karin),
    row('Matematik', term, 'Når målen med god marginal', 'Säker på multiplikationstabellerna och löser problem med flera steg. Förklarar gärna hur hon tänker.', 8, world.per),
    row('Engelska', term, 'Når målen', 'Förstår enkla instruktioner och samtal. Vågar prata i par och i helklass.', 10, world.karin),
    row('NO', term, 'Når inte målen ännu', 'Behöver träna på att beskriva undersökningar: vad vi gjorde, vad som hände och varför.\n\nVi arbetar med det i vårens arbetsområde om vatten.', 12, world.per),
    row('Bild', term, 'Utkast: inte klar', 'Ej publicerad: läraren skriver fortfarande.', 2, world.karin, false),
    row('Svenska', previous, 'Når målen', 'Läser med god förståelse.', 190, world.karin),
    row('Matematik', previous, 'Når målen', 'God taluppfattning inom talområdet 0–1000.', 192, world.per),
  ]).execute()
}
