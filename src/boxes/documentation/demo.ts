import type { Db } from '../../db/index.js'
import { addDaysIso, type Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'
import { termOf } from '../../web/terms.js'

/** Demo: two portfolio entries and this term's IUP for Elsa (and last spring's, listed as earlier). */
export async function seedDocumentationDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const today = clock.today()
  const now = clock.now()
  const ago = (d: number) => new Date(now.getTime() - d * 86_400_000)
  const year = Number(today.slice(0, 4))
  const term = termOf(today)
  const previous = term.startsWith('HT') ? `VT${year}` : `HT${year - 1}`
  await db.insertInto('portfolio_entries').values([
    { child_id: world.elsa, title: 'Min berättelse om vikingarna', entry_date: addDaysIso(today, -9), author_id: world.karin, created_at: ago(9),
      body: 'Elsa har skrivit en berättelse om en vikingafamilj som reser till Birka.\n\nHon använde ord från vårt arbetsområde och berättade texten för klassen.' },
    { child_id: world.elsa, title: 'Bråk med pizzor', entry_date: addDaysIso(today, -20), author_id: world.per, created_at: ago(20),
      body: 'Vi delade pappers-pizzor i halvor, fjärdedelar och åttondelar.\nElsa förklarade varför två fjärdedelar är lika mycket som en halv.' },
  ]).execute()
  await db.insertInto('iup_plans').values([
    { child_id: world.elsa, term, author_id: world.karin, created_at: ago(14), updated_at: ago(14),
      goals: 'Skriva texter med styckeindelning och variera sina meningar.\n\nBeskriva undersökningar i NO: vad vi gjorde, vad som hände och varför.',
      school_support: 'Skrivmallar och respons på texterna varannan vecka. Extra genomgång i NO-gruppen.',
      home_support: 'Läs tillsammans en stund varje kväll och prata om vad ni läst.' },
    { child_id: world.elsa, term: previous, author_id: world.karin, created_at: ago(200), updated_at: ago(200),
      goals: 'Läsa längre texter med förståelse. Säkra multiplikationstabellerna.',
      school_support: 'Lästräning i liten grupp.', home_support: 'Öva tabellerna några minuter om dagen.' },
  ]).execute()
}
