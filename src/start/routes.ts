import type { FastifyInstance } from 'fastify'
import { loadChild, requireLogin } from '../web/frame.js'
import { childrenOfActor, isStaff } from '../people/service.js'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { Compilable } from 'kysely'
import { BOXES, box, boxFactsQuery, loadBoxFacts, visibleBoxes, type BoxContext, type BoxDef, type BoxSummary } from '../boxes/registry.js'
import { compiledOnce } from '../db/compiled.js'
import type { Db } from '../db/index.js'
import type { IsoDate } from '../clock.js'
import type { Actor, Child } from '../people/service.js'

/** The start page: the tiles of the boxes that apply to this person and child. */
export default async function startRoutes(app: FastifyInstance) {
  const { db, clock } = app.deps

  // Without a child in the URL: the remembered child, else the first.
  app.get('/start', { preHandler: requireLogin }, async (req, reply) => {
    const actor = req.actor!
    if (isStaff(actor)) return reply.redirect('/staff', 303)
    const children = await childrenOfActor(db, actor)
    const remembered = children.find((c) => c.id === req.session.currentChildId)
    const child = remembered ?? children[0]
    if (!child) return reply.page('start/no-children', {})
    return reply.redirect(`/children/${child.id}`, 303)
  })

  app.get('/children/:childId', { preHandler: loadChild }, async (req, reply) => {
    const actor = req.actor!
    const child = req.child!
    // One statement for the box facts and every tile's summary: the boxes that may apply
    // (only talks depends on the facts, and it has no summary) each add a JSON array. It is
    // built and compiled once per set of boxes.
    const candidates = visibleBoxes(actor, child, { talksAvailable: true })
    const key = candidates.map((b) => b.key).join(',')
    let read = tileStatements.get(key)
    if (!read) tileStatements.set(key, (read = tileStatement(candidates)))
    const statement = read
    const row = await Promise.resolve()
      .then(() => statement(db, child.id, actor.id, clock.now(), clock.today()))
      .then((r) => r.rows[0]!)
      .catch(async (err: unknown) => {
        // One box's broken query must not take the start page down: read each on its own.
        req.log.warn({ err }, 'tile summaries failed together; reading them one by one')
        const ctx: BoxContext = { db, clock, actor, child }
        const one = (i?: number) => db.selectNoFrom((eb) => [
          eb.selectFrom(boxFactsQuery(db, clock, child).as('f')).select('f.talks').as('talks'),
          ...(i === undefined ? [] : [jsonArrayFrom(candidates[i]!.summary!.query(ctx)).as(`s${i}`)]),
        ]).executeTakeFirstOrThrow() as Promise<TileRow>
        const facts = await one()
        const each = await Promise.all(candidates.map((b, i) => (b.summary ? one(i).catch((e: unknown) => {
          req.log.warn({ err: e, box: b.key }, 'box summary failed')
          return {}
        }) : {})))
        return Object.assign(facts, ...each) as TileRow
      })
    const facts = { talksAvailable: Boolean(row.talks) }
    const tiles = candidates.flatMap((b, i) => {
      if (!b.visible(actor, child, facts)) return []
      let summary: BoxSummary | null = null
      try {
        summary = b.summary ? b.summary.read((row[`s${i}`] ?? []) as never[], { db, clock, actor, child }) : null
      } catch (err) {
        req.log.warn({ err, box: b.key }, 'box summary failed')
      }
      return [{
        key: b.key,
        title: b.title(child),
        href: `/children/${child.id}/${b.path}`,
        summary,
        action: b.action?.(actor, child) ?? null,
        built: b.built,
      }]
    })
    return reply.page('start/index', { tiles })
  })

  // Boxes whose pages have not landed yet: an honest page, and the visibility rule enforced.
  for (const def of BOXES) {
    if (def.built) continue
    app.get(`/children/:childId/${def.path}`, { preHandler: [loadChild, requireBox(def.key)] }, async (req, reply) => {
      // A box that was built after start-up registers its own routes; this one then never runs.
      return reply.page('start/not-available', { title: def.title(req.child!) })
    })
  }
}

type TileRow = { talks: unknown } & Record<string, unknown>

/**
 * The start page's statement for a set of boxes, compiled once: the box facts and each
 * tile's query as a JSON array. The tiles' queries see stand-ins (see TileSummary).
 */
function tileStatement(boxes: BoxDef[]) {
  return compiledOnce((db: Db, childId: number, actorId: number, now: Date, today: IsoDate) => {
    const ctx: BoxContext = {
      db,
      clock: { now: () => now, today: () => today },
      actor: standIn<Actor>('actor', { id: actorId }),
      child: standIn<Child>('child', { id: childId }),
    }
    return db.selectNoFrom((eb) => [
      eb.selectFrom(boxFactsQuery(db, ctx.clock, ctx.child).as('f')).select('f.talks').as('talks'),
      ...boxes.flatMap((b, i) => (b.summary ? [jsonArrayFrom(b.summary.query(ctx)).as(`s${i}`)] : [])),
    ]) as unknown as Compilable<TileRow>
  }, 4)
}
const tileStatements = new Map<string, ReturnType<typeof tileStatement>>()

/**
 * An object with only the given fields: reading any other throws, so a tile query that
 * would bake one child's unit (say) into the statement compiled for everyone fails at once.
 */
function standIn<T extends object>(what: string, fields: Partial<T>): T {
  return new Proxy(fields, {
    get(target, prop) {
      if (typeof prop === 'symbol' || prop in target) return (target as Record<PropertyKey, unknown>)[prop]
      throw new Error(`A tile query may use ${what}.${Object.keys(fields).join(`, ${what}.`)}, not ${what}.${prop}`)
    },
  }) as T
}

/**
 * preHandler for a box's child routes: pupils get 403 on guardian-only boxes (SPEC.md
 * section 1), and a box that does not apply to the child is 404.
 */
export function requireBox(key: BoxDef['key']) {
  const def = box(key)
  return async function (this: FastifyInstance, req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) {
    const actor = req.actor!
    const child = req.child!
    if (def.guardianOnly && actor.role === 'pupil') {
      return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'errors.pupilBox.body' })
    }
    const facts = key === 'talks' ? await loadBoxFacts(req.server.deps.db, req.server.deps.clock, child) : { talksAvailable: true }
    // Staff look at a child's Hub as a guardian would, so they pass guardian-only checks.
    const viewer = actor.role === 'staff' || actor.role === 'admin' ? { ...actor, role: 'guardian' as const } : actor
    if (!def.visible(viewer, child, facts)) return reply.callNotFound()
  }
}
