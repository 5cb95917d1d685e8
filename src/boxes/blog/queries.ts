import { sql } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { Db, Executor } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'

export const POSTS_PAGE_SIZE = 10
/** Comments shown under a post in the list (the post's own page shows them all). */
export const COMMENTS_IN_LIST = 20

/** All SQL of the blog. Every read for a child goes through the child's group memberships. */
export function blogQueries(db: Executor) {
  const postsForChild = (childId: number, groupId: number | null, commentLimit: number) => db.selectFrom('blog_posts as p')
    .innerJoin('group_memberships as gm', (j) => j.onRef('gm.group_id', '=', 'p.group_id').on('gm.child_id', '=', childId))
    .innerJoin('groups as g', 'g.id', 'p.group_id')
    .leftJoin('persons as a', 'a.id', 'p.author_id')
    .select(['p.id', 'p.group_id', 'p.title', 'p.body', 'p.image_key', 'p.image_type', 'p.image_alt', 'p.published_at', 'p.updated_at',
      'g.name as group_name', 'a.given_name as author_given', 'a.family_name as author_family'])
    .select((eb) => [
      jsonArrayFrom(eb.selectFrom('blog_comments as c').innerJoin('persons as ca', 'ca.id', 'c.author_id')
        .select(['c.id', 'c.body', 'c.created_at', 'c.author_id', 'ca.given_name', 'ca.family_name', 'ca.role'])
        .whereRef('c.post_id', '=', 'p.id').orderBy('c.created_at').orderBy('c.id').limit(commentLimit)).as('comments'),
      eb.selectFrom('blog_comments as c').select((e) => e.fn.countAll<number>().as('n')).whereRef('c.post_id', '=', 'p.id').as('comment_count'),
    ])
    .where('p.unpublished_at', 'is', null)
    .$if(groupId !== null, (q) => q.where('p.group_id', '=', groupId!))

  return {
    /** The child's groups that have a blog (posts), for the group links. */
    groupsOf: (childId: number) => db.selectFrom('group_memberships as gm').innerJoin('groups as g', 'g.id', 'gm.group_id')
      .select(['g.id', 'g.name']).where('gm.child_id', '=', childId).orderBy('g.name').execute(),

    page: (childId: number, groupId: number | null, page: number) => postsForChild(childId, groupId, COMMENTS_IN_LIST)
      .orderBy('p.published_at', 'desc').orderBy('p.id', 'desc').limit(POSTS_PAGE_SIZE + 1).offset((page - 1) * POSTS_PAGE_SIZE).execute(),

    post: (childId: number, postId: number) => postsForChild(childId, null, 1000).where('p.id', '=', postId).executeTakeFirst(),

    /** A post the child sees, with its unit's kind (for the comment rule). */
    postForComment: (childId: number, postId: number) => db.selectFrom('blog_posts as p')
      .innerJoin('group_memberships as gm', (j) => j.onRef('gm.group_id', '=', 'p.group_id').on('gm.child_id', '=', childId))
      .innerJoin('groups as g', 'g.id', 'p.group_id').innerJoin('units as u', 'u.id', 'g.unit_id')
      .select(['p.id', 'p.group_id', 'u.kind as unit_kind']).where('p.id', '=', postId).where('p.unpublished_at', 'is', null).executeTakeFirst(),

    comment: (commentId: number) => db.selectFrom('blog_comments as c').innerJoin('blog_posts as p', 'p.id', 'c.post_id')
      .select(['c.id', 'c.author_id', 'c.post_id', 'p.group_id']).where('c.id', '=', commentId).executeTakeFirst(),

    childSeeingPost: (personId: number, postId: number) => db.selectFrom('blog_posts as p')
      .innerJoin('group_memberships as gm', 'gm.group_id', 'p.group_id')
      .select('gm.child_id as id')
      .where('p.id', '=', postId)
      .where((eb) => eb.or([eb('gm.child_id', '=', personId), eb.exists(eb.selectFrom('guardianships as gs').select('gs.child_id').whereRef('gs.child_id', '=', 'gm.child_id').where('gs.guardian_id', '=', personId))]))
      .orderBy('gm.child_id').limit(1).executeTakeFirst(),

    recipients: async (groupId: number) => (await sql<{ id: number }>`
      select distinct x.id from group_memberships gm join persons c on c.id = gm.child_id
      join lateral (select g.guardian_id as id from guardianships g where g.child_id = c.id union all select c.id where c.username is not null) x on true
      where gm.group_id = ${groupId}`.execute(db)).rows.map((r) => r.id),

    // ---- staff ----
    staffPosts: (groupIds: number[]) => db.selectFrom('blog_posts as p').innerJoin('groups as g', 'g.id', 'p.group_id')
      .select(['p.id', 'p.title', 'p.published_at', 'p.unpublished_at', 'g.name as group_name'])
      .select((eb) => eb.selectFrom('blog_comments as c').select((e) => e.fn.countAll<number>().as('n')).whereRef('c.post_id', '=', 'p.id').as('comment_count'))
      .where('p.group_id', 'in', groupIds.length ? groupIds : [-1]).orderBy('p.published_at', 'desc').limit(50).execute(),
    postById: (id: number) => db.selectFrom('blog_posts').selectAll().where('id', '=', id).executeTakeFirst(),
    commentsOf: (postId: number) => db.selectFrom('blog_comments as c').innerJoin('persons as a', 'a.id', 'c.author_id')
      .select(['c.id', 'c.body', 'c.created_at', 'c.author_id', 'a.given_name', 'a.family_name', 'a.role']).where('c.post_id', '=', postId)
      .orderBy('c.created_at').orderBy('c.id').execute(),
  }
}

/** The tile: the newest post of the child's groups, its title and group (compiled once: every start page reads it). */
const latestStatement = compiledOnce((db: Db, childId: number) => db.selectFrom('blog_posts as p')
  .innerJoin('group_memberships as gm', (j) => j.onRef('gm.group_id', '=', 'p.group_id').on('gm.child_id', '=', childId))
  .innerJoin('groups as g', 'g.id', 'p.group_id')
  .select(['p.title', 'g.name as group_name'])
  .where('p.unpublished_at', 'is', null)
  .orderBy('p.published_at', 'desc').orderBy('p.id', 'desc').limit(1), 1)

export async function latestPost(db: Executor, childId: number): Promise<{ title: string; group_name: string } | undefined> {
  return (await latestStatement(db, childId)).rows[0]
}
