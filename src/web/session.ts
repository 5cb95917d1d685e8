import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import type { AppDeps } from '../deps.js'
import { loadActor, type Actor, type Child } from '../people/service.js'
import { kyselySessionStore, takeLoadedPerson } from './session-store.js'
import type { Locale } from './i18n.js'
import type { Flash } from './flash.js'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
    child: Child | null
    /** The bar's counts, read with the session; null when not read or stale (see staleBarCounts). */
    barCounts: Record<string, number> | null
  }
}

declare module '@fastify/session' {
  interface FastifySessionObject {
    personId?: number
    lang?: Locale
    flash?: Flash
    currentChildId?: number
    seenAt?: number
    /** When the person logged in (epoch ms): the session ends SESSION_MAX_HOURS after it, however active. */
    loginAt?: number
    /** Strong authentication (BankID) valid until this epoch ms (src/web/step-up.ts). */
    stepUpUntil?: number
    /** The BankID order that gave the step-up, for the audit log. */
    stepUpOrderRef?: string
  }
}

async function sessionPlugin(app: FastifyInstance, deps: AppDeps) {
  const { config, db, clock } = deps
  await app.register(fastifyCookie)
  await app.register(fastifySession, {
    secret: config.sessionSecret,
    cookieName: 'hubben',
    store: kyselySessionStore(db, clock, config.sessionIdleMinutes, () => app.frameCounters.entries(), config.sessionMaxHours, app.accessCache),
    saveUninitialized: false,
    // Idle expiry is moved forward by the hook below at most every few minutes.
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' },
  })

  app.decorateRequest('actor', null)
  app.decorateRequest('child', null)
  app.decorateRequest('barCounts', null)

  // Who is asking. One query for a logged-in person, none otherwise.
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
        // A session from before the absolute limit existed gets its clock from now.
        if (!req.session.loginAt) req.session.loginAt = nowMs
      }
    }
  })
}

/**
 * A new session for a person who just proved who they are (login, activation): new id, the
 * absolute limit starts, and a CSRF secret at once: made later by the first page, two pages
 * opened together (two tabs) would each make one and the later save would void the other's forms.
 */
export async function startLoggedInSession(req: FastifyRequest, reply: FastifyReply, personId: number, now: Date): Promise<void> {
  const lang = req.session.lang
  // A new session id at login: an id planted before login is worth nothing after it.
  await req.session.regenerate()
  req.session.personId = personId
  req.session.seenAt = now.getTime()
  req.session.loginAt = now.getTime()
  if (lang) req.session.lang = lang
  reply.generateCsrf()
}

/**
 * The cookie, the session (stored in PostgreSQL) and req.actor, loaded in the first
 * preHandler: the language and CSRF hooks after it depend on it.
 */
export default fp(sessionPlugin, { name: 'hubben-session', decorators: { fastify: ['frameCounters', 'accessCache'] } })
