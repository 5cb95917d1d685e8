import { sql } from 'kysely'
import type { Db, Executor } from '../../db/index.js'
import { compiledOnce } from '../../db/compiled.js'

export const NEWS_PAGE_SIZE = 10

/** All SQL of the information box. Every read for a child names the child's unit and groups. */
export function informationQueries(db: Executor) {
  /** News a child sees: the unit's unit-wide news and its groups' news, published. */
  const newsForChild = (childId: number, unitId: number) => db.selectFrom('info_news as n')
    .leftJoin('persons as a', 'a.id', 'n.author_id')
    .leftJoin('groups as g', 'g.id', 'n.group_id')
    .select(['n.id', 'n.title', 'n.body', 'n.image_key', 'n.image_type', 'n.image_alt', 'n.published_at', 'n.updated_at',
      'a.given_name as author_given', 'a.family_name as author_family', 'g.name as group_name'])
    .where('n.unit_id', '=', unitId)
    .where('n.unpublished_at', 'is', null)
    .where((eb) => eb.or([
      eb('n.group_id', 'is', null),
      eb.exists(eb.selectFrom('group_memberships as gm').select('gm.group_id').whereRef('gm.group_id', '=', 'n.group_id').where('gm.child_id', '=', childId)),
    ]))

  return {
    newsPage: (childId: number, unitId: number, page: number) => newsForChild(childId, unitId)
      .orderBy('n.published_at', 'desc').orderBy('n.id', 'desc')
      .limit(NEWS_PAGE_SIZE + 1).offset((page - 1) * NEWS_PAGE_SIZE).execute(),

    newsItem: (childId: number, unitId: number, newsId: number) => newsForChild(childId, unitId).where('n.id', '=', newsId).executeTakeFirst(),

    files: (unitId: number) => db.selectFrom('info_files')
      .select(['id', 'title', 'filename', 'content_type', 'size_bytes', 'created_at'])
      .where('unit_id', '=', unitId).where('unpublished_at', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(200).execute(),

    file: (unitId: number, fileId: number) => db.selectFrom('info_files')
      .select(['id', 'unit_id', 'title', 'filename', 'content_type', 'size_bytes', 'storage_key'])
      .where('id', '=', fileId).where('unit_id', '=', unitId).where('unpublished_at', 'is', null).executeTakeFirst(),

    links: (unitId: number) => db.selectFrom('info_links').select(['id', 'title', 'url', 'description'])
      .where('unit_id', '=', unitId).orderBy('title').orderBy('id').limit(200).execute(),

    /** Where a notification about a news item leads: the first of the person's children who sees it. */
    childSeeingNews: (personId: number, newsId: number) => db.selectFrom('info_news as n')
      .innerJoin('persons as c', 'c.unit_id', 'n.unit_id')
      .select('c.id')
      .where('n.id', '=', newsId)
      .where('c.role', '=', 'child')
      .where((eb) => eb.or([eb('c.id', '=', personId), eb.exists(eb.selectFrom('guardianships as gs').select('gs.child_id').whereRef('gs.child_id', '=', 'c.id').where('gs.guardian_id', '=', personId))]))
      .where((eb) => eb.or([eb('n.group_id', 'is', null), eb.exists(eb.selectFrom('group_memberships as gm').select('gm.child_id').whereRef('gm.group_id', '=', 'n.group_id').whereRef('gm.child_id', '=', 'c.id'))]))
      .orderBy('c.given_name').limit(1).executeTakeFirst(),

    /** Guardians and pupils (with a login) concerned by something for a unit, or for one group of it. */
    recipients: async (unitId: number, groupId: number | null) => (await sql<{ id: number }>`
      select distinct p.id from persons c
      join lateral (
        select g.guardian_id as id from guardianships g where g.child_id = c.id
        union all select c.id where c.username is not null
      ) p on true
      where c.role = 'child' and c.unit_id = ${unitId}
        and (${groupId}::integer is null or exists (select 1 from group_memberships gm where gm.child_id = c.id and gm.group_id = ${groupId}::integer))
    `.execute(db)).rows.map((r) => r.id),

    // ---- staff ----
    staffNews: (unitIds: number[]) => db.selectFrom('info_news as n')
      .leftJoin('groups as g', 'g.id', 'n.group_id')
      .leftJoin('persons as a', 'a.id', 'n.author_id')
      .select(['n.id', 'n.unit_id', 'n.group_id', 'n.title', 'n.published_at', 'n.unpublished_at', 'g.name as group_name',
        'a.given_name as author_given', 'a.family_name as author_family'])
      .where('n.unit_id', 'in', unitIds.length ? unitIds : [-1])
      .orderBy('n.published_at', 'desc').orderBy('n.id', 'desc').limit(50).execute(),

    staffFiles: (unitIds: number[]) => db.selectFrom('info_files').select(['id', 'unit_id', 'title', 'filename', 'size_bytes', 'created_at', 'unpublished_at'])
      .where('unit_id', 'in', unitIds.length ? unitIds : [-1]).orderBy('created_at', 'desc').limit(200).execute(),

    staffLinks: (unitIds: number[]) => db.selectFrom('info_links').select(['id', 'unit_id', 'title', 'url', 'description'])
      .where('unit_id', 'in', unitIds.length ? unitIds : [-1]).orderBy('title').limit(200).execute(),

    newsById: (id: number) => db.selectFrom('info_news').selectAll().where('id', '=', id).executeTakeFirst(),
    fileById: (id: number) => db.selectFrom('info_files').selectAll().where('id', '=', id).executeTakeFirst(),
    linkById: (id: number) => db.selectFrom('info_links').selectAll().where('id', '=', id).executeTakeFirst(),
  }
}

/** The tile: the title of the newest news item the child sees (compiled once: every start page reads it). */
const latestTitleStatement = compiledOnce((db: Db, childId: number, unitId: number) => db.selectFrom('info_news as n')
  .select('n.title')
  .where('n.unit_id', '=', unitId)
  .where('n.unpublished_at', 'is', null)
  .where((eb) => eb.or([
    eb('n.group_id', 'is', null),
    eb.exists(eb.selectFrom('group_memberships as gm').select('gm.group_id').whereRef('gm.group_id', '=', 'n.group_id').where('gm.child_id', '=', childId)),
  ]))
  .orderBy('n.published_at', 'desc').orderBy('n.id', 'desc').limit(1), 2)

export async function latestNewsTitle(db: Executor, childId: number, unitId: number): Promise<string | null> {
  return (await latestTitleStatement(db, childId, unitId)).rows[0]?.title ?? null
}
