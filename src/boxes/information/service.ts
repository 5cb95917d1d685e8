import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/index.js'
import type { Actor, Child } from '../../people/service.js'
import { fullName, staffPlaces, type StaffPlace } from '../../people/service.js'
import { createNotifications } from '../../notify/notifications.js'
import { excerpt, paragraphs, type Paragraph } from '../../web/plain-text.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import type { FieldErrors } from '../../web/forms.js'
import { NEWS_PAGE_SIZE, informationQueries, latestNewsTitle } from './queries.js'

/** A refusal the routes answer with 404 (not theirs, or not there). */
export class NotFound extends Error {}

export interface NewsView {
  id: number
  title: string
  paragraphs: Paragraph[]
  imageUrl: string | null
  imageAlt: string
  publishedAt: Date
  updatedAt: Date | null
  author: string | null
  groupName: string | null
  href: string
}

type NewsRow = NonNullable<Awaited<ReturnType<ReturnType<typeof informationQueries>['newsItem']>>>

function newsView(child: Child, r: NewsRow): NewsView {
  const href = `/children/${child.id}/information/news/${r.id}`
  return {
    id: r.id, title: r.title, paragraphs: paragraphs(r.body), imageUrl: r.image_key ? `${href}/image` : null, imageAlt: r.image_alt,
    publishedAt: r.published_at, updatedAt: r.updated_at,
    author: r.author_given ? fullName({ given_name: r.author_given, family_name: r.author_family ?? '' }) : null,
    groupName: r.group_name, href,
  }
}

// ---- guardians and pupils -------------------------------------------------------------

export async function newsPage(db: Db, child: Child, page: number) {
  const rows = await informationQueries(db).newsPage(child.id, child.unitId, page)
  return { items: rows.slice(0, NEWS_PAGE_SIZE).map((r) => newsView(child, r)), page, hasNext: rows.length > NEWS_PAGE_SIZE }
}

export async function newsItem(db: Db, child: Child, newsId: number): Promise<NewsView | null> {
  const row = await informationQueries(db).newsItem(child.id, child.unitId, newsId)
  return row ? newsView(child, row) : null
}

/** A news item's image, when the child sees the item. */
export async function newsImage(db: Db, child: Child, newsId: number) {
  const row = await informationQueries(db).newsItem(child.id, child.unitId, newsId)
  return row?.image_key && row.image_type ? { key: row.image_key, type: row.image_type } : null
}

export async function filesOf(db: Db, child: Child) {
  const rows = await informationQueries(db).files(child.unitId)
  return rows.map((f) => ({
    id: f.id, title: f.title, filename: f.filename, size: Number(f.size_bytes), createdAt: f.created_at,
    href: `/children/${child.id}/information/files/${f.id}`,
  }))
}

/** A file of the child's unit (everyone who may see the child is connected to the unit). */
export async function fileForDownload(db: Db, child: Child, fileId: number) {
  return (await informationQueries(db).file(child.unitId, fileId)) ?? null
}

export async function linksOf(db: Db, child: Child) {
  return informationQueries(db).links(child.unitId)
}

/** The notification's link: the news item as one of the person's children sees it. */
export async function newsLinkFor(db: Db, actor: Actor, newsId: number): Promise<string | null> {
  const row = await informationQueries(db).childSeeingNews(actor.id, newsId)
  return row ? `/children/${row.id}/information/news/${newsId}` : null
}

/** The tile: the latest news title. One read. */
export async function informationSummary({ db, child }: BoxContext): Promise<BoxSummary | null> {
  const title = await latestNewsTitle(db, child.id, child.unitId)
  return title ? { key: 'information:summary.latest', params: { title: excerpt(title, 80) } } : { key: 'information:summary.none' }
}

// ---- staff ---------------------------------------------------------------------------

export interface Target { value: string; label: string; unitId: number; groupId: number | null }

/** Where a staff member may publish: the whole of each of their units, and each of their groups. */
export function targetsOf(places: StaffPlace[], t: (k: string, o?: Record<string, unknown>) => string): Target[] {
  const out: Target[] = []
  for (const p of places) {
    out.push({ value: `unit:${p.unitId}`, label: t('information:staff.wholeUnit', { unit: p.unitName }), unitId: p.unitId, groupId: null })
    for (const g of p.groups) out.push({ value: `group:${g.id}`, label: `${g.name} (${p.unitName})`, unitId: p.unitId, groupId: g.id })
  }
  return out
}

/** May this staff member act on something of this unit and group? */
export function mayAct(places: StaffPlace[], unitId: number, groupId: number | null): boolean {
  const p = places.find((x) => x.unitId === unitId)
  if (!p) return false
  return groupId === null || p.groups.some((g) => g.id === groupId)
}

export async function staffOverview(db: Db, actor: Actor) {
  const places = await staffPlaces(db, actor)
  const unitIds = places.map((p) => p.unitId)
  const q = informationQueries(db)
  const [news, files, links] = await Promise.all([q.staffNews(unitIds), q.staffFiles(unitIds), q.staffLinks(unitIds)])
  const unitName = (id: number) => places.find((p) => p.unitId === id)?.unitName ?? ''
  return {
    places,
    news: news.map((n) => ({
      id: n.id, title: n.title, publishedAt: n.published_at, unpublished: n.unpublished_at !== null,
      where: n.group_name ?? unitName(n.unit_id), mine: mayAct(places, n.unit_id, n.group_id),
      author: n.author_given ? fullName({ given_name: n.author_given, family_name: n.author_family ?? '' }) : null,
    })),
    files: files.map((f) => ({
      id: f.id, title: f.title, filename: f.filename, size: Number(f.size_bytes), createdAt: f.created_at, unit: unitName(f.unit_id), unpublished: f.unpublished_at !== null,
    })),
    links: links.map((l) => ({ ...l, unit: unitName(l.unit_id) })),
  }
}

export interface NewsInput {
  target: Target
  title: string
  body: string
  image: { key: string; type: string } | null
  imageAlt: string
  removeImage: boolean
}

/** The target of a form, if it is one of the staff member's. */
export function targetFrom(places: StaffPlace[], value: string, t: (k: string) => string): Target | null {
  return targetsOf(places, t).find((x) => x.value === value) ?? null
}

/** Rules beyond the form's shape, added to the same errors. */
export function newsRules(input: { image: unknown; imageAlt: string; hadImage: boolean; removeImage: boolean }, errors: FieldErrors) {
  const hasImage = (input.image !== null || input.hadImage) && !input.removeImage
  if (hasImage && !input.imageAlt && !errors.imageAlt) errors.imageAlt = { key: 'information:errors.imageAltRequired' }
}

const recipientsLink = (id: number) => `/information/news/${id}`

/** Publishes a news item, and tells each guardian and pupil concerned (bell and push), in one transaction. */
export async function publishNews(db: Db, actor: Actor, input: NewsInput, key: string | null, now: Date): Promise<{ id: number; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('info_news').values({
      unit_id: input.target.unitId, group_id: input.target.groupId, title: input.title, body: input.body,
      image_key: input.image?.key ?? null, image_type: input.image?.type ?? null, image_alt: input.image ? input.imageAlt : '',
      author_id: actor.id, published_at: now, publish_key: key ?? randomUUID(),
    }).onConflict((oc) => oc.column('publish_key').doNothing()).returning('id').executeTakeFirst()
    if (!row) {
      const earlier = await trx.selectFrom('info_news').select('id').where('publish_key', '=', key!).executeTakeFirstOrThrow()
      return { id: earlier.id, created: false }
    }
    const q = informationQueries(trx)
    const recipients = await q.recipients(input.target.unitId, input.target.groupId)
    await createNotifications(trx, {
      recipientIds: recipients, childId: null, area: 'information', kind: 'newsPublished', params: { title: excerpt(input.title, 80) },
      link: recipientsLink(row.id), now,
    })
    return { id: row.id, created: true }
  })
}

/** A news item the staff member may change, or null (404). */
export async function staffNews(db: Db, actor: Actor, newsId: number) {
  const [row, places] = await Promise.all([informationQueries(db).newsById(newsId), staffPlaces(db, actor)])
  if (!row || !mayAct(places, row.unit_id, row.group_id)) return null
  return { row, places }
}

export async function updateNews(db: Db, newsId: number, input: NewsInput, now: Date): Promise<void> {
  const image = input.image
    ? { image_key: input.image.key, image_type: input.image.type, image_alt: input.imageAlt }
    : input.removeImage ? { image_key: null, image_type: null, image_alt: '' } : { image_alt: input.imageAlt }
  await db.updateTable('info_news').set({
    unit_id: input.target.unitId, group_id: input.target.groupId, title: input.title, body: input.body, updated_at: now, ...image,
  }).where('id', '=', newsId).execute()
}

export async function unpublishNews(db: Db, newsId: number, now: Date): Promise<void> {
  await db.updateTable('info_news').set({ unpublished_at: now }).where('id', '=', newsId).where('unpublished_at', 'is', null).execute()
}

/** Publishes an unpublished news item again (no second notice: the first still points at it). */
export async function republishNews(db: Db, newsId: number, now: Date): Promise<void> {
  await db.updateTable('info_news').set({ unpublished_at: null, updated_at: now }).where('id', '=', newsId).where('unpublished_at', 'is not', null).execute()
}

export async function publishFile(db: Db, actor: Actor, input: { unitId: number; title: string; file: { key: string; filename: string; type: string; size: number } }, key: string | null, now: Date) {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('info_files').values({
      unit_id: input.unitId, title: input.title, filename: input.file.filename, content_type: input.file.type, size_bytes: input.file.size,
      storage_key: input.file.key, uploaded_by: actor.id, created_at: now, publish_key: key ?? randomUUID(),
    }).onConflict((oc) => oc.column('publish_key').doNothing()).returning('id').executeTakeFirst()
    if (!row) return { created: false }
    await createNotifications(trx, {
      recipientIds: await informationQueries(trx).recipients(input.unitId, null), childId: null, area: 'information',
      kind: 'filePublished', params: { title: excerpt(input.title, 80) }, link: `/information/units/${input.unitId}/files`, now,
    })
    return { created: true }
  })
}

export async function staffFile(db: Db, actor: Actor, fileId: number) {
  const [row, places] = await Promise.all([informationQueries(db).fileById(fileId), staffPlaces(db, actor)])
  return row && mayAct(places, row.unit_id, null) ? row : null
}

/**
 * A file's new title and unit, and its content when a new one was chosen (the old content stays
 * in the store: content-addressed keys may be shared, and removing the row never removes bytes).
 */
export async function updateFile(db: Db, fileId: number, input: { unitId: number; title: string; file: { key: string; filename: string; type: string; size: number } | null }, now: Date) {
  const content = input.file
    ? { storage_key: input.file.key, filename: input.file.filename, content_type: input.file.type, size_bytes: input.file.size }
    : {}
  await db.updateTable('info_files').set({ unit_id: input.unitId, title: input.title, updated_at: now, ...content }).where('id', '=', fileId).execute()
}

/** Unpublished: only the unit's staff see it (and may publish it again); published again: no second notice. */
export async function setFilePublished(db: Db, fileId: number, published: boolean, now: Date) {
  await db.updateTable('info_files').set({ unpublished_at: published ? null : now }).where('id', '=', fileId).execute()
}

export async function removeFile(db: Db, fileId: number) {
  await db.deleteFrom('info_files').where('id', '=', fileId).execute()
}

export async function saveLink(db: Db, actor: Actor, linkId: number | null, input: { unitId: number; title: string; url: string; description: string }, key: string | null, now: Date) {
  if (linkId !== null) {
    await db.updateTable('info_links').set({ unit_id: input.unitId, title: input.title, url: input.url, description: input.description }).where('id', '=', linkId).execute()
    return
  }
  await db.insertInto('info_links').values({
    unit_id: input.unitId, title: input.title, url: input.url, description: input.description, created_by: actor.id, created_at: now, publish_key: key ?? randomUUID(),
  }).onConflict((oc) => oc.column('publish_key').doNothing()).execute()
}

export async function staffLink(db: Db, actor: Actor, linkId: number) {
  const [row, places] = await Promise.all([informationQueries(db).linkById(linkId), staffPlaces(db, actor)])
  return row && mayAct(places, row.unit_id, null) ? { row, places } : null
}

export async function removeLink(db: Db, linkId: number) {
  await db.deleteFrom('info_links').where('id', '=', linkId).execute()
}

/** Where "files" notifications lead: the Files tab of the person's first child at that unit. */
export async function filesLinkFor(db: Db, actor: Actor, unitId: number): Promise<string | null> {
  const row = await db.selectFrom('persons as c').select('c.id')
    .where('c.role', '=', 'child').where('c.unit_id', '=', unitId)
    .where((eb) => eb.or([eb('c.id', '=', actor.id), eb.exists(eb.selectFrom('guardianships as g').select('g.child_id').whereRef('g.child_id', '=', 'c.id').where('g.guardian_id', '=', actor.id))]))
    .orderBy('c.given_name').limit(1).executeTakeFirst()
  return row ? `/children/${row.id}/information/files` : null
}
