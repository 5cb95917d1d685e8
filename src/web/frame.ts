import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import fastifyFormbody from '@fastify/formbody'
import type { AppDeps } from '../deps.js'
import type { BarCount } from './session-store.js'
import securityHeaders from './security-headers.js'
import session from './session.js'
import language from './language.js'
import csrf from './csrf.js'
import flash from './flash.js'
import rendering from './rendering.js'
import { AccessCache } from './access-cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps
    /**
     * The purple bar's counts (the envelope registers its unread count here), as SQL
     * expressions of the person's id: read with the session, in the same statement.
     */
    frameCounters: Map<string, BarCount>
    /** Sessions, child-access facts and bar counts in memory, exact by NOTIFY (access-cache.ts). */
    accessCache: AccessCache
  }
}

/**
 * The frame around every box, as named plugins in the order their hooks must run:
 * security headers (onRequest), the session and the actor, the language, then the CSRF
 * check (preHandlers, after the body is parsed), the flash, and rendering.
 */
async function framePlugin(app: FastifyInstance, deps: AppDeps) {
  app.decorate('deps', deps)
  app.decorate('frameCounters', new Map())
  app.decorate('accessCache', new AccessCache())
  const { changes } = deps
  if (changes) {
    let stop: (() => Promise<void>) | null = null
    app.addHook('onReady', async () => { stop = await app.accessCache.follow(changes) })
    app.addHook('onClose', async () => { await stop?.() })
  }
  // What a person changes themself is seen on their next page here at once (the notice may
  // arrive a moment after the response): after any request that may write, forget them.
  app.addHook('onResponse', async (req) => {
    if (req.actor && req.method !== 'GET' && req.method !== 'HEAD') app.accessCache.forgetPerson(req.actor.id)
  })

  await app.register(securityHeaders, deps)
  await app.register(fastifyFormbody)
  await app.register(session, deps)
  await app.register(language)
  await app.register(csrf)
  await app.register(flash)
  await app.register(rendering, deps)
}

export default fp(framePlugin, { name: 'hubben-frame' })
