import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/index.js'
import { fullName, isStaff, staffPlaces, type Actor, type Child } from '../../people/service.js'
import { createNotifications } from '../../notify/notifications.js'
import { excerpt, paragraphs, type Paragraph } from '../../web/plain-text.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { POSTS_PAGE_SIZE, blogQueries, latestPost } from './queries.js'

/** The service's refusals: 404 (not there, or not theirs) and 403 (theirs to read, not to do). */
export class BlogError extends Error {
  constructor(public readonly statusCode: 403 | 404) { super(`blog ${statusCode}`) }
}

/**
 * Who may comment (SPEC.md 4.13): in a school, pupils and staff (guardians read); in a
 * preschool, guardians and staff (the children do not log in).
 */
export function mayComment(role: Actor['role'], unitKind: 'school' | 'preschool'): boolean {
  if (role === 'staff' || role === 'admin') return true
  return unitKind === 'school' ? role === 'pupil' : role === 'guardian'
}

export interface CommentView { id: number; body: Paragraph[]; at: Date; author: string; authorId: number; mayRemove: boolean }
export interface PostView {
  id: number; title: string; paragraphs: Paragraph[]; imageUrl: string | null; imageAlt: string; publishedAt: Date; updatedAt: Date | null
  author: string | null; groupName: string; href: string; comments: CommentView[]; commentCount: number
}

type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof blogQueries>['post']>>>

function view(actor: Actor, child: Child, r: Row): PostView {
  const href = `/children/${child.id}/blog/posts/${r.id}`
  return {
    id: r.id, title: r.title, paragraphs: paragraphs(r.body), imageUrl: r.image_key ? `${href}/image` : null, imageAlt: r.image_alt,
    publishedAt: r.published_at, updatedAt: r.updated_at, groupName: r.group_name, href,
    author: r.author_given ? fullName({ given_name: r.author_given, family_name: r.author_family ?? '' }) : null,
    commentCount: Number(r.comment_count ?? 0),
    comments: r.comments.map((c) => ({
      id: c.id, body: paragraphs(c.body), at: new Date(c.created_at), author: fullName(c), authorId: c.author_id,
      mayRemove: c.author_id === actor.id,
    })),
  }
}

export async function blogPage(db: Db, actor: Actor, child: Child, groupId: number | null, page: number) {
  const q = blogQueries(db)
  const [groups, rows] = await Promise.all([q.groupsOf(child.id), q.page(child.id, groupId, page)])
  if (groupId !== null && !groups.some((g) => g.id === groupId)) return null
  return {
    groups, groupId, page, hasNext: rows.length > POSTS_PAGE_SIZE,
    posts: rows.slice(0, POSTS_PAGE_SIZE).map((r) => view(actor, child, r)),
    mayComment: mayComment(actor.role, child.unitKind),
  }
}

export async function blogPost(db: Db, actor: Actor, child: Child, postId: number) {
  const row = await blogQueries(db).post(child.id, postId)
  return row ? { post: view(actor, child, row), mayComment: mayComment(actor.role, child.unitKind) } : null
}

export async function postImage(db: Db, actor: Actor, child: Child, postId: number) {
  const row = await blogQueries(db).post(child.id, postId)
  return row?.image_key && row.image_type ? { key: row.image_key, type: row.image_type } : null
}

/** A comment on a post the child sees; only those the rule allows (403 otherwise). Idempotent by key. */
export async function addComment(db: Db, actor: Actor, child: Child, postId: number, body: string, key: string | null, now: Date): Promise<void> {
  const post = await blogQueries(db).postForComment(child.id, postId)
  if (!post) throw new BlogError(404)
  if (!mayComment(actor.role, post.unit_kind)) throw new BlogError(403)
  await db.insertInto('blog_comments').values({ post_id: post.id, author_id: actor.id, body, created_at: now, comment_key: key ?? randomUUID() })
    .onConflict((oc) => oc.column('comment_key').doNothing()).execute()
}

/** Authors remove their own comments; staff of the post's group remove any (staffRemoveComment). */
export async function removeOwnComment(db: Db, actor: Actor, child: Child, commentId: number): Promise<number> {
  const c = await blogQueries(db).comment(commentId)
  if (!c) throw new BlogError(404)
  // The comment must be on a post this child sees.
  const post = await blogQueries(db).postForComment(child.id, c.post_id)
  if (!post) throw new BlogError(404)
  if (c.author_id !== actor.id) throw new BlogError(403)
  await db.deleteFrom('blog_comments').where('id', '=', c.id).execute()
  return c.post_id
}

export async function postLinkFor(db: Db, actor: Actor, postId: number): Promise<string | null> {
  const row = await blogQueries(db).childSeeingPost(actor.id, postId)
  return row ? `/children/${row.id}/blog/posts/${postId}` : null
}

export async function blogSummary({ db, child }: BoxContext): Promise<BoxSummary | null> {
  const latest = await latestPost(db, child.id)
  return latest ? { key: 'blog:summary.latest', params: { title: excerpt(latest.title, 80), group: latest.group_name } } : { key: 'blog:summary.none' }
}

// ---- staff ---------------------------------------------------------------------------

/** The groups a staff member writes in (admins: their own groups too; the blog is a group's). */
export async function staffGroups(db: Db, actor: Actor) {
  const places = await staffPlaces(db, actor)
  return places.flatMap((p) => p.groups.map((g) => ({ id: g.id, name: g.name, unitName: p.unitName, unitKind: p.unitKind })))
}

export async function staffBlog(db: Db, actor: Actor) {
  const groups = await staffGroups(db, actor)
  const posts = await blogQueries(db).staffPosts(groups.map((g) => g.id))
  return { groups, posts: posts.map((p) => ({ ...p, commentCount: Number(p.comment_count ?? 0) })) }
}

/** A post in one of the staff member's groups, or null (404). */
export async function staffPost(db: Db, actor: Actor, postId: number) {
  const [row, groups] = await Promise.all([blogQueries(db).postById(postId), staffGroups(db, actor)])
  if (!row || !groups.some((g) => g.id === row.group_id)) return null
  return { row, groups }
}

export async function staffPostPage(db: Db, actor: Actor, postId: number) {
  const found = await staffPost(db, actor, postId)
  if (!found) return null
  const comments = await blogQueries(db).commentsOf(postId)
  return {
    post: { ...found.row, paragraphs: paragraphs(found.row.body), group: found.groups.find((g) => g.id === found.row.group_id)! },
    comments: comments.map((c) => ({ id: c.id, body: paragraphs(c.body), at: c.created_at, author: fullName(c) })),
  }
}

export interface PostInput { groupId: number; title: string; body: string; image: { key: string; type: string } | null; imageAlt: string; removeImage: boolean }

export async function publishPost(db: Db, actor: Actor, input: PostInput, key: string | null, now: Date) {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('blog_posts').values({
      group_id: input.groupId, title: input.title, body: input.body, image_key: input.image?.key ?? null, image_type: input.image?.type ?? null,
      image_alt: input.image ? input.imageAlt : '', author_id: actor.id, published_at: now, publish_key: key ?? randomUUID(),
    }).onConflict((oc) => oc.column('publish_key').doNothing()).returning('id').executeTakeFirst()
    if (!row) return { created: false }
    await createNotifications(trx, {
      recipientIds: await blogQueries(trx).recipients(input.groupId), childId: null, area: 'blog', kind: 'blogPosted',
      params: { title: excerpt(input.title, 80) }, link: `/blog/posts/${row.id}`, now,
    })
    return { created: true, id: row.id }
  })
}

export async function updatePost(db: Db, postId: number, input: PostInput, now: Date) {
  const image = input.image
    ? { image_key: input.image.key, image_type: input.image.type, image_alt: input.imageAlt }
    : input.removeImage ? { image_key: null, image_type: null, image_alt: '' } : { image_alt: input.imageAlt }
  await db.updateTable('blog_posts').set({ group_id: input.groupId, title: input.title, body: input.body, updated_at: now, ...image }).where('id', '=', postId).execute()
}

export async function unpublishPost(db: Db, postId: number, now: Date) {
  await db.updateTable('blog_posts').set({ unpublished_at: now }).where('id', '=', postId).where('unpublished_at', 'is', null).execute()
}

/** Staff remove any comment on their group's blog. */
export async function staffRemoveComment(db: Db, actor: Actor, commentId: number): Promise<number | null> {
  const c = await blogQueries(db).comment(commentId)
  if (!c || !isStaff(actor)) return null
  const groups = await staffGroups(db, actor)
  if (!groups.some((g) => g.id === c.group_id)) return null
  await db.deleteFrom('blog_comments').where('id', '=', c.id).execute()
  return c.post_id
}

export async function staffComment(db: Db, actor: Actor, postId: number, body: string, key: string | null, now: Date): Promise<boolean> {
  const found = await staffPost(db, actor, postId)
  if (!found || found.row.unpublished_at) return false
  await db.insertInto('blog_comments').values({ post_id: postId, author_id: actor.id, body, created_at: now, comment_key: key ?? randomUUID() })
    .onConflict((oc) => oc.column('comment_key').doNothing()).execute()
  return true
}
