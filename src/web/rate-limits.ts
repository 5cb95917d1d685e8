import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fastifyRateLimit from '@fastify/rate-limit'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'

/**
 * Request rate limits with @fastify/rate-limit, counted in PostgreSQL (table rate_limits)
 * so that they hold across any number of instances. Each limit counts per key (the
 * client's address, the e-mail address asked for, or the person) in a fixed window; the
 * request over the limit answers 429. Limits are attached to routes here, by method and
 * URL, so route files stay as they are.
 */
interface Limit {
  name: string
  max: number
  windowMs: number
  key(req: FastifyRequest): string | null
}

const MINUTE = 60_000
const byAddress = (req: FastifyRequest) => req.ip
const byPerson = (req: FastifyRequest) => (req.actor ? String(req.actor.id) : null)
const byEmail = (req: FastifyRequest) => {
  const email = (req.body as Record<string, unknown> | undefined)?.email
  return typeof email === 'string' && email.trim() ? email.trim().toLowerCase() : null
}

export function routeLimits(messagesPerHour: number): Record<string, Limit[]> {
  const messages: Limit[] = [{ name: 'messages', max: messagesPerHour, windowMs: 60 * MINUTE, key: byPerson }]
  return {
    'POST /login': [{ name: 'login', max: 100, windowMs: 15 * MINUTE, key: byAddress }],
    'POST /activate/:token': [{ name: 'activate', max: 20, windowMs: 15 * MINUTE, key: byAddress }],
    'POST /password/reset/:token': [{ name: 'reset', max: 20, windowMs: 15 * MINUTE, key: byAddress }],
    'POST /settings/email/confirm/:token': [{ name: 'email-confirm', max: 20, windowMs: 15 * MINUTE, key: byAddress }],
    // A new e-mail address mails two addresses and checks the password: 10 an hour per person.
    'POST /settings/contact': [{ name: 'contact', max: 10, windowMs: 60 * MINUTE, key: byPerson }],
    // Per address and per account (e-mail address): no mail bombing, no cancelling someone's link over and over.
    'POST /password/forgot': [
      { name: 'forgot-address', max: 10, windowMs: 60 * MINUTE, key: byAddress },
      { name: 'forgot-email', max: 3, windowMs: 60 * MINUTE, key: byEmail },
    ],
    // Each message mails every staff recipient.
    'POST /children/:childId/messages': messages,
    'POST /children/:childId/messages/:conversationId/replies': messages,
    'POST /staff/messages': messages,
    'POST /staff/messages/:conversationId/replies': messages,
    // BankID: a new order asks BankID (and cancels the last): 20 in 15 minutes per person and 60 per address.
    'POST /bankid/start': [
      { name: 'bankid-start', max: 20, windowMs: 15 * MINUTE, key: byPerson },
      { name: 'bankid-start-address', max: 60, windowMs: 15 * MINUTE, key: byAddress },
    ],
    // The order's page is polled every second or two (collect itself at most every 2 s per order, src/auth/bankid/service.ts).
    'GET /bankid/order': [{ name: 'bankid-collect', max: 900, windowMs: 15 * MINUTE, key: byPerson }],
  }
}

/** The store: one upsert per request and limit; a window that has passed starts again at 1. */
function databaseStore(db: Db, clock: Clock) {
  class DatabaseStore {
    incr(key: string, cb: (err: Error | null, res?: { current: number; ttl: number }) => void, timeWindow: number) {
      const now = clock.now()
      const resetAt = new Date(now.getTime() + timeWindow)
      sql<{ count: number; reset_at: Date }>`
        insert into rate_limits as r (key, count, reset_at) values (${key}, 1, ${resetAt})
        on conflict (key) do update set
          count = case when r.reset_at <= ${now} then 1 else r.count + 1 end,
          reset_at = case when r.reset_at <= ${now} then excluded.reset_at else r.reset_at end
        returning count, reset_at`.execute(db)
        .then((res) => {
          const row = res.rows[0]!
          cb(null, { current: Number(row.count), ttl: Math.max(0, new Date(row.reset_at).getTime() - now.getTime()) })
        }, (err: Error) => cb(err))
    }
    child() { return new DatabaseStore() }
  }
  return DatabaseStore
}

export async function installRateLimits(app: FastifyInstance, opts: { db: Db; clock: Clock; messagesPerHour: number; skip: boolean }) {
  await app.register(fastifyRateLimit, { global: false, hook: 'preHandler', store: databaseStore(opts.db, opts.clock) as never })
  const limits = routeLimits(opts.messagesPerHour)
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      const routeLimits = limits[`${method} ${route.url}`]
      if (!routeLimits) continue
      // Every limit of the route is counted (the plugin's own handler runs only one per request).
      const checks = routeLimits.map((limit) => app.createRateLimit({
        max: limit.max,
        timeWindow: limit.windowMs,
        keyGenerator: (req: FastifyRequest) => `${limit.name}:${limit.key(req) ?? ''}`,
        // A request without the key (no e-mail given, not logged in) is not counted by this limit.
        allowList: (req: FastifyRequest) => opts.skip || limit.key(req) === null,
      }))
      const handler = async (req: FastifyRequest, reply: FastifyReply) => {
        for (const check of checks) {
          const r = await check(req)
          if (!r.isAllowed && r.isExceeded) {
            reply.header('Retry-After', String(r.ttlInSeconds))
            throw Object.assign(new Error('rate limit exceeded'), { statusCode: 429 })
          }
        }
      }
      const hooks = route.preHandler ? [route.preHandler].flat() : []
      route.preHandler = [...hooks, handler as never]
    }
  })
}

/** Forgets windows that have passed; run periodically. */
export async function purgeRateLimits(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('rate_limits').where('reset_at', '<=', now).execute()
}
