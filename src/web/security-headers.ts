import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AppDeps } from '../deps.js'

async function securityHeadersPlugin(app: FastifyInstance, deps: AppDeps) {
  const { config } = deps
  // Security headers (helmet). They are the same for every response, so they are made
  // once: the @fastify/helmet plugin rebuilds helmet's middleware on every request.
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
}

/** helmet's headers (strict CSP, no inline script) on every response, as the first onRequest hook of the frame. */
export default fp(securityHeadersPlugin, { name: 'hubben-security-headers' })

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
