import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TFunction } from 'i18next'
import { Eta } from 'eta'
import { sql } from 'kysely'
import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import fastifyCsrf from '@fastify/csrf-protection'
import helmet, { type HelmetOptions } from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'
import fastifyStatic from '@fastify/static'
import fastifyView from '@fastify/view'
import fastifyFormbody from '@fastify/formbody'
import type { AppDeps } from '../deps.js'
import { childForActor, childrenOfActor, isStaff, loadActor, type Actor, type Child } from '../people/service.js'
import { kyselySessionStore, takeLoadedPerson, type BarCount } from './session-store.js'
import { DEFAULT_LOCALE, isLocale, translator, type Locale } from './i18n.js'
import { formatters, type Formatters } from './format.js'
import type { FieldErrors } from './forms.js'
import { assetUrl } from './assets.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const VIEWS_DIR = path.join(ROOT, 'views')
export const PUBLIC_DIR = path.join(ROOT, 'public')

export interface Flash { kind: 'success' | 'info' | 'error'; key: string; params?: Record<string, string | number> }

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps
    /**
     * The purple bar's counts (the envelope registers its unread count here), as SQL
     * expressions of the person's id: read with the session, in the same statement.
     */
    frameCounters: Map<string, BarCount>
  }
  interface FastifyRequest {
    actor: Actor | null
    child: Child | null
    /** The bar's counts, read with the session; null when not read or stale (see staleBarCounts). */
    barCounts: Record<string, number> | null
    lang: Locale
    t: TFunction
    fmt: Formatters
  }
  interface FastifyReply {
    /** Renders a full page inside the frame. */
    page(template: string, data?: Record<string, unknown>): Promise<FastifyReply>
    /** Renders a template with the request's helpers but without the frame (htmx fragments, e-mails). */
    fragment(template: string, data?: Record<string, unknown>): Promise<FastifyReply>
    /** The page, or only its partial when htmx asks for a fragment. */
    pageOrFragment(template: string, partial: string, data?: Record<string, unknown>): Promise<FastifyReply>
    flash(flash: Flash): FastifyReply
  }
}

declare module '@fastify/session' {
  interface FastifySessionObject {
    personId?: number
    lang?: Locale
    flash?: Flash
    currentChildId?: number
    seenAt?: number
    /** Strong authentication (BankID) valid until this epoch ms. */
    stepUpUntil?: number
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

/** Only our own paths may be redirect targets after login (src/web/redirect.ts). */
export { safeNext } from './redirect.js'

async function framePlugin(app: FastifyInstance, deps: AppDeps) {
  const { config, db, clock } = deps
  app.decorate('deps', deps)
  app.decorate('frameCounters', new Map())

  // Security headers (helmet). They are the same for every response, so they are made
  // once: the @fastify/helmet plugin rebuilt helmet's middleware on every request (seen in profiles).
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        manifestSrc: ["'self'"],
        workerSrc: ["'self'"],
        // Over plain http (development, tests) this would send htmx to https and fail.
        ...(config.baseUrl.startsWith('https://') ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: config.baseUrl.startsWith('https://'),
    crossOriginEmbedderPolicy: false,
  })
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(securityHeaders)
    done()
  })
  await app.register(fastifyFormbody)
  await app.register(fastifyCookie)
  await app.register(fastifySession, {
    secret: config.sessionSecret,
    cookieName: 'hubben',
    store: kyselySessionStore(db, clock, config.sessionIdleMinutes, () => app.frameCounters.entries()),
    saveUninitialized: false,
    // Idle expiry is moved forward by the hook below at most every few minutes.
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' },
  })
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' })
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

  app.decorateRequest('actor', null)
  app.decorateRequest('child', null)
  app.decorateRequest('barCounts', null)
  app.decorateRequest('lang', DEFAULT_LOCALE)
  app.decorateRequest('t', null as unknown as TFunction)
  app.decorateRequest('fmt', null as unknown as Formatters)

  // Who is asking, in which language. One query for a logged-in person, none otherwise.
  app.addHook('preHandler', async (req) => {
    const personId = req.session?.personId
    if (personId) {
      const loaded = takeLoadedPerson(req.session.sessionId, personId)
      req.actor = loaded !== undefined ? loaded.actor : await loadActor(db, personId)
      req.barCounts = loaded?.counts ?? null
      if (!req.actor) {
        await req.session.destroy()
      } else {
        const nowMs = clock.now().getTime()
        if (!req.session.seenAt || nowMs - req.session.seenAt > 5 * 60_000) req.session.seenAt = nowMs
      }
    }
    const lang: Locale = req.actor?.locale ?? (isLocale(req.session?.lang) ? req.session.lang : DEFAULT_LOCALE)
    req.lang = lang
    req.t = translator(lang)
    req.fmt = formatters(lang)
  })

  // Every state-changing request carries the form's CSRF token (after the body is parsed).
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return done()
    if ((req.routeOptions.config as { csrf?: boolean } | undefined)?.csrf === false) return done()
    app.csrfProtection(req, reply, done)
  })

  app.decorateReply('flash', function (this: FastifyReply, flash: Flash) {
    this.request.session.flash = flash
    return this
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
    const personId = sql<number>`${actor.id}::integer`
    const row = await sql<Record<string, unknown>>`select ${sql.join(entries.map(([, count], i) => sql`(${count(personId)}) as ${sql.ref(`c${i}`)}`))}`
      .execute(db).then((r) => r.rows[0] ?? {}, () => ({} as Record<string, unknown>))
    return Object.fromEntries(entries.map(([key], i) => [key, Number(row[`c${i}`] ?? 0)]))
  }

  /** The child the bar refers to on pages that are not about one child (settings, notifications). */
  async function currentChildFor(req: FastifyRequest, actor: Actor): Promise<Child | null> {
    const remembered = req.session.currentChildId
    if (remembered) {
      const c = await childForActor(db, actor, remembered)
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

export default fp(framePlugin, { name: 'hubben-frame' })

/** The headers helmet's middleware sets with these options, collected once. */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader(name: string, value: string) { headers[name.toLowerCase()] = value },
    removeHeader(name: string) { delete headers[name.toLowerCase()] },
  }
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => {})
  return headers
}

/**
 * The handler changed what the bar counts (e.g. opening a conversation marks it read):
 * the page reads the counts again instead of showing those read with the session.
 */
export function staleBarCounts(req: FastifyRequest): void {
  req.barCounts = null
}

/** preHandler: the page needs a logged-in person. */
export async function requireLogin(req: FastifyRequest, reply: FastifyReply) {
  if (req.actor) return
  if (req.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303)
  return reply.code(401).page('errors/error', { status: 401, titleKey: 'errors.401.title', bodyKey: 'errors.401.body' })
}

/** preHandler: staff and admins only; others get 404 (the staff area does not exist for them). */
export async function requireStaff(req: FastifyRequest, reply: FastifyReply) {
  if (!req.actor) return requireLogin(req, reply)
  if (!isStaff(req.actor)) return reply.callNotFound()
}

/** preHandler for /children/:childId/...: loads the child or answers 404. */
export async function loadChild(req: FastifyRequest, reply: FastifyReply) {
  if (!req.actor) return requireLogin(req, reply)
  const raw = (req.params as { childId?: string }).childId
  const id = raw && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN
  const child = await childForActor(req.server.deps.db, req.actor, id)
  if (!child) return reply.callNotFound()
  req.child = child
  if (req.session.currentChildId !== child.id && !isStaff(req.actor)) req.session.currentChildId = child.id
}
