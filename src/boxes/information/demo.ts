import type { Db } from '../../db/index.js'
import type { Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'
import { DEMO_FILES } from './demo-files.js'

const hoursAgo = (now: Date, h: number) => new Date(now.getTime() - h * 3600_000)

/** Demo: news for 4B, the school and Blåklockan; two files for Solbackaskolan; three links. */
export async function seedInformationDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const now = clock.now()
  await db.insertInto('info_news').values([
    { unit_id: world.school, group_id: world.class4B, author_id: world.karin, published_at: hoursAgo(now, 20), title: 'Utflykt till Naturhistoriska riksmuseet',
      body: 'På torsdag åker 4B till Naturhistoriska riksmuseet. Vi samlas vid skolan kl. 8.15 och är tillbaka till lunch.\n\nTa med matsäck, vattenflaska och kläder efter väder. Läs mer om utställningen på https://www.nrm.se.' },
    { unit_id: world.school, group_id: world.class4B, author_id: world.per, published_at: hoursAgo(now, 24 * 6), title: 'Läxförhör i matematik',
      body: 'Nästa fredag har vi läxförhör på multiplikationstabellerna 6 till 9.\nÖva gärna hemma några minuter varje dag.' },
    { unit_id: world.school, group_id: null, author_id: world.karin, published_at: hoursAgo(now, 24 * 10), title: 'Luciafirande i aulan',
      body: 'Välkomna till skolans luciafirande den 13 december kl. 8.00 i aulan. Fritids har öppet som vanligt.' },
    { unit_id: world.preschool, group_id: world.blaklockan, author_id: world.johan, published_at: hoursAgo(now, 30), title: 'Skogsdag på fredag',
      body: 'På fredag är Blåklockan i skogen hela förmiddagen. Klä barnen efter väder, gärna med extra strumpor i väskan.' },
  ]).execute()
  await db.insertInto('info_files').values(DEMO_FILES.map((f, i) => ({
    unit_id: world.school, title: f.title, filename: f.filename, content_type: f.type, size_bytes: f.bytes.length,
    storage_key: f.key, uploaded_by: world.karin, created_at: hoursAgo(now, 24 * (30 + i)),
  }))).execute()
  await db.insertInto('info_links').values([
    { unit_id: world.school, title: 'Skolverket: för vårdnadshavare', url: 'https://www.skolverket.se', description: 'Om skolans uppdrag och dina rättigheter.', created_by: world.karin, created_at: hoursAgo(now, 24 * 40) },
    { unit_id: world.school, title: 'Skolmaten', url: 'https://skolmaten.se', description: 'Veckans matsedel.', created_by: world.karin, created_at: hoursAgo(now, 24 * 40) },
    { unit_id: world.preschool, title: 'Förskolans läroplan', url: 'https://www.skolverket.se/undervisning/forskolan', description: '', created_by: world.johan, created_at: hoursAgo(now, 24 * 40) },
  ]).execute()
}
