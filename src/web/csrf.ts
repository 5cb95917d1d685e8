import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import fastifyCsrf from '@fastify/csrf-protection'

async function csrfPlugin(app: FastifyInstance) {
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' })

  // Every state-changing request carries the form's CSRF token (after the body is parsed).
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return done()
    if ((req.routeOptions.config as { csrf?: boolean } | undefined)?.csrf === false) return done()
    // The not-found page changes nothing; a multipart route's 404 (reply.callNotFound) has no parsed token.
    if (req.is404) return done()
    app.csrfProtection(req, reply, done)
  })
}

/** The token lives in the session; a route opts out with `config: { csrf: false }`. */
export default fp(csrfPlugin, { name: 'hubben-csrf', dependencies: ['hubben-session', 'hubben-language'] })
