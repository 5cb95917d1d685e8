import type { Db } from '../../db/index.js'
import type { Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'

const hoursAgo = (now: Date, h: number) => new Date(now.getTime() - h * 3600_000)

/** Demo: 4B's blog (karin.berg) with a comment by Elsa; Blåklockan's (johan.ek) with one by Anna. */
export async function seedBlogDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const now = clock.now()
  const posts = await db.insertInto('blog_posts').values([
    { group_id: world.class4B, author_id: world.karin, published_at: hoursAgo(now, 26), title: 'Vi bygger vulkaner',
      body: 'I NO har 4B byggt vulkaner av papier-maché. På fredag får de ett utbrott med bikarbonat och ättika!\n\nBilder kommer nästa vecka.' },
    { group_id: world.class4B, author_id: world.per, published_at: hoursAgo(now, 24 * 8), title: 'Bokcirkel i 4B',
      body: 'Varje grupp läser en egen bok och berättar om den för klassen. Tips på bra böcker tas gärna emot.' },
    { group_id: world.blaklockan, author_id: world.johan, published_at: hoursAgo(now, 28), title: 'Höstpyssel på Blåklockan',
      body: 'I dag har vi gjort igelkottar av kottar och lera. Barnen var väldigt stolta!' },
  ]).returning(['id', 'group_id']).execute()
  const vulkan = posts[0]!.id
  const hosten = posts[2]!.id
  await db.insertInto('blog_comments').values([
    { post_id: vulkan, author_id: world.elsa, body: 'Min vulkan är röd och orange. Jag längtar till fredag!', created_at: hoursAgo(now, 22) },
    { post_id: hosten, author_id: world.anna, body: 'Olle berättade om igelkotten hela kvällen. Tack!', created_at: hoursAgo(now, 20) },
  ]).execute()
}
