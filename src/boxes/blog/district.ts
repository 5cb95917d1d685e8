import { sql } from 'kysely'
import type { DistrictContext } from '../../demo/district.js'
import { run } from '../../demo/district-sql.js'
import type { BudgetContext } from '../../web/measure.js'

/** A term of posts: one a week per group for 18 weeks (most weeks), with a few comments by staff. */
export async function seedBlog({ db, today, r }: DistrictContext): Promise<void> {
  await run(db, `
    insert into blog_posts (group_id, title, body, author_id, published_at)
    select g.id, 'Veckan i ' || g.name, 'Det här har vi gjort i veckan: ' || (array['läst', 'räknat', 'sjungit', 'varit ute', 'målat'])[1 + (w % 5)] || '.',
      (select min(sg.staff_id) from staff_groups sg where sg.group_id = g.id),
      ('${today}'::date - w * 7 + time '14:00') at time zone 'Europe/Stockholm'
    from groups g cross join generate_series(0, 17) w
    where ${r(`'blog:' || g.id || ':' || w`)} < 0.8
    order by g.id, w`)
  await run(db, `
    insert into blog_comments (post_id, author_id, body, created_at)
    select p.id, p.author_id, 'Tack för en fin vecka!', p.published_at + interval '2 hours'
    from blog_posts p where p.author_id is not null and ${r(`'blogc:' || p.id`)} < 0.3
    order by p.id`)
}

/** Budgets: bring 4B's blog to n posts, each with two comments. */
export async function growPosts({ db, world, clock }: BudgetContext, n: number): Promise<void> {
  const have = Number((await db.selectFrom('blog_posts').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', world.class4B).executeTakeFirstOrThrow()).n)
  await sql`
    insert into blog_posts (group_id, title, body, author_id, published_at)
    select ${world.class4B}::integer, 'Inlägg ' || g, repeat('Vi har haft en bra dag i klassen. ', 6), ${world.karin}::integer, ${clock.now()}::timestamptz - g * interval '1 day'
    from generate_series(${have + 1}::int, ${n}::int) g`.execute(db)
  await sql`
    insert into blog_comments (post_id, author_id, body, created_at)
    select p.id, ${world.elsa}::integer, 'Kul!', p.published_at + k * interval '1 hour'
    from blog_posts p cross join generate_series(1, 2) k
    where p.group_id = ${world.class4B}::integer and not exists (select 1 from blog_comments c where c.post_id = p.id)`.execute(db)
}
