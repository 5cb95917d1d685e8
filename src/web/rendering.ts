import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Eta } from 'eta'
import { sql } from 'kysely'
import fastifyStatic from '@fastify/static'
import fastifyView from '@fastify/view'
import type { AppDeps } from '../deps.js'
import { childForActor, childrenOfActor, isStaff, type Actor, type Child } from '../people/service.js'
import type { FieldErrors } from './forms.js'
import { assetUrl } from './assets.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const VIEWS_DIR = path.join(ROOT, 'views')
export const PUBLIC_DIR = path.join(ROOT, 'public')

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a full page inside the frame. */
    page(template: string, data?: Record<string, unknown>): Promise<FastifyReply>
    /** Renders a template with the request's helpers but without the frame (htmx fragments, e-mails). */
    fragment(template: string, data?: Record<string, unknown>): Promise<FastifyReply>
    /** The page, or only its partial when htmx asks for a fragment. */
    pageOrFragment(template: string, partial: string, data?: Record<string, unknown>): Promise<FastifyReply>
  }
}

/**
 * htmx asked for a part of the page. Boosted navigation and htmx's history restore (the
 * back button with an empty history cache) need the whole page.
 */
export function wantsFragment(req: FastifyRequest): boolean {
  return req.headers['hx-request'] === 'true' && req.headers['hx-boosted'] !== 'true' &&
    req.headers['hx-history-restore-request'] !== 'true'
}

async function renderingPlugin(app: FastifyInstance, deps: AppDeps) {
  const { config, db } = deps
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/static/',
    // Fingerprinted URLs (?v=hash) never change content: cache for a year. Others (the
    // manifest's icons) may change under the same URL: a day, then ask again.
    setHeaders(reply, filePath) {
      const fingerprinted = /[?&]v=[0-9a-f]{10}(&|$)/.test(reply.request.url)
      reply.header('Cache-Control', filePath.endsWith('sw.js') ? 'no-cache' : fingerprinted ? 'public, max-age=31536000, immutable' : 'public, max-age=86400')
    },
  })
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: VIEWS_DIR, cache: config.env !== 'development', autoTrim: [false, 'nl'] }) },
    templates: VIEWS_DIR,
    production: config.env !== 'development',
  })

  function baseLocals(req: FastifyRequest, reply: FastifyReply) {
    const csrf = req.session ? reply.generateCsrf() : ''
    return {
      t: req.t,
      lang: req.lang,
      fmt: req.fmt,
      csrf,
      actor: req.actor,
      child: req.child,
      url: req.url,
      asset: assetUrl,
      errors: {} as FieldErrors,
      values: {} as Record<string, unknown>,
    }
  }

  async function frameLocals(req: FastifyRequest, reply: FastifyReply) {
    const base = baseLocals(req, reply)
    const flash = req.session?.flash
    if (flash) delete req.session.flash
    const actor = req.actor
    let counts: Record<string, number> = {}
    let currentChild: Child | null = req.child
    if (actor) {
      const [read, child] = await Promise.all([
        req.barCounts ?? readBarCounts(actor),
        currentChild || isStaff(actor) ? currentChild : currentChildFor(req, actor),
      ])
      counts = read
      currentChild = child
    }
    return { ...base, flash, counts, currentChild, staffArea: actor ? isStaff(actor) : false }
  }

  /** The bar's counts in one statement, when those read with the session are stale or missing. */
  async function readBarCounts(actor: Actor): Promise<Record<string, number>> {
    const entries = [...app.frameCounters.entries()]
    if (!entries.length) return {}
    const known = app.accessCache.barCounts(actor.id)
    if (known) return known
    const mark = app.accessCache.mark()
    const personId = sql<number>`${actor.id}::integer`
    let failed = false
    const row = await sql<Record<string, unknown>>`select ${sql.join(entries.map(([, count], i) => sql`(${count(personId)}) as ${sql.ref(`c${i}`)}`))}`
      .execute(db).then((r) => r.rows[0] ?? {}, () => { failed = true; return {} as Record<string, unknown> })
    const counts = Object.fromEntries(entries.map(([key], i) => [key, Number(row[`c${i}`] ?? 0)]))
    if (!failed) app.accessCache.putBarCounts(actor.id, counts, mark)
    return counts
  }

  /** The child the bar refers to on pages that are not about one child (settings, notifications). */
  async function currentChildFor(req: FastifyRequest, actor: Actor): Promise<Child | null> {
    const remembered = req.session.currentChildId
    if (remembered) {
      const c = await childForActor(db, actor, remembered, app.accessCache)
      if (c) return c
    }
    const children = await childrenOfActor(db, actor)
    return children[0] ?? null
  }

  app.decorateReply('page', async function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    const locals = await frameLocals(this.request, this)
    this.type('text/html; charset=utf-8')
    const html = await this.viewAsync(template, { ...locals, ...data })
    return this.send(html)
  })
  app.decorateReply('fragment', async function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    this.type('text/html; charset=utf-8')
    const html = await this.viewAsync(template, { ...baseLocals(this.request, this), ...data })
    return this.send(html)
  })
  app.decorateReply('pageOrFragment', async function (this: FastifyReply, template: string, partial: string, data: Record<string, unknown> = {}) {
    this.header('Vary', 'HX-Request')
    return wantsFragment(this.request) ? this.fragment(partial, data) : this.page(template, data)
  })
}

/**
 * Static files and templates; reply.page (inside the frame: flash, the purple bar's
 * counts, the current child), reply.fragment (without it) and reply.pageOrFragment.
 */
export default fp(renderingPlugin, {
  name: 'hubben-rendering',
  dependencies: ['hubben-session', 'hubben-language', 'hubben-csrf'],
  decorators: { fastify: ['frameCounters', 'accessCache'] },
})

/**
 * The handler changed what the bar counts (e.g. opening a conversation marks it read):
 * the page reads the counts again instead of showing those read with the session.
 */
export function staleBarCounts(req: FastifyRequest): void {
  req.barCounts = null
  if (req.actor) req.server.accessCache.dropBarCounts(req.actor.id)
}
