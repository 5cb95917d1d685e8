import Fastify, { type FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import zlib from 'node:zlib'
import fastifyCompress from '@fastify/compress'
import type { AppDeps } from './deps.js'
import framePlugin from './web/frame.js'
import { installErrorHandlers } from './web/errors.js'
import { declaredInput } from './web/schemas.js'
import { withRedaction } from './web/log-redact.js'
import { trustProxyOption } from './web/proxy.js'
import { installRateLimits } from './web/rate-limits.js'
import { installInputGuard } from './web/input-guard.js'
import opsRoutes from './web/ops-routes.js'
import authRoutes from './auth/routes.js'
import emailChangeRoutes from './auth/email-change-routes.js'
import bankIdRoutes from './auth/bankid/routes.js'
import bankIdPhoneRoutes from './auth/bankid/simulator/phone-routes.js'
import { bankIdFromConfig, type BankId } from './auth/bankid/setup.js'
import profileRoutes from './boxes/profile/routes.js'
import settingsRoutes from './boxes/settings/routes.js'
import staffRoutes from './staff/routes.js'
import startRoutes from './start/routes.js'
import familyRoutes from './family/routes.js'
import accessibilityRoutes from './accessibility/routes.js'
import { initI18n } from './web/i18n.js'
import { queryCounter } from './db/index.js'
import { BOXES, FEATURES } from './boxes/index.js'
import { directoryStore, type FileStore } from './storage/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Asks the outbox dispatcher to run now (after a commit that queued something). */
    outboxKick(): void
    /** Uploaded files (src/storage/). */
    storage: FileStore
    /** BankID for the step-up (src/auth/bankid/). */
    bankid: BankId
  }
}

export interface BuildOptions {
  logger?: boolean | object
  /** Lists the development mail outbox at /dev/mail. */
  devMail?: () => unknown[]
  kick?: () => void
  /** Sees every route as it is added (the hostile-input probe lists the routes with it). */
  onRoute?: (route: { method: string | string[]; url: string }) => void
}

export async function buildApp(deps: AppDeps, opts: BuildOptions = {}): Promise<FastifyInstance> {
  initI18n()
  const app = Fastify({
    logger: withRedaction(opts.logger),
    trustProxy: trustProxyOption(deps.config.trustProxy),
    bodyLimit: 1_000_000,
    // Ids in URLs are small integers: a long value is a probe, not a page.
    routerOptions: { maxParamLength: 200 },
  })
  app.decorate('outboxKick', opts.kick ?? (() => {}))
  // The S3 store (and its SDK) is loaded only when configured (STORAGE=s3).
  const s3 = deps.config.uploads.s3
  app.decorate('storage', deps.storage ?? (s3 ? (await import('./storage/s3.js')).s3Store(s3) : directoryStore(deps.config.uploads.dir)))
  app.decorate('bankid', deps.bankid ?? bankIdFromConfig(deps.config))
  // Every route's params, query and body are declared with TypeBox (src/web/schemas.ts).
  declaredInput(app)
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute)

  // Responses of 1 KB or more go out compressed (brotli or gzip, as the browser accepts),
  // pages and static files alike; registered first so that every route gets it.
  // Pages (at most a few tens of KB) are compressed in one synchronous call, so a response
  // leaves in one write. gzip is preferred when the browser takes both: on pages this small
  // brotli saves little and costs more CPU (README, Performance); brotli remains for
  // browsers that ask only for it, with a small window.
  await app.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    syncThreshold: 128 * 1024,
    encodings: ['gzip', 'br', 'deflate'],
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_LGWIN]: 17 } },
  })
  // Pages are personal: a browser may keep one but must ask again before showing it; no shared cache may keep it.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader('cache-control') && String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('Cache-Control', 'private, no-cache')
    }
    return payload
  })

  // Outside production every response says how many SQL statements it took (budgets, benchmarks).
  if (deps.config.env !== 'production') {
    app.addHook('onRequest', async () => { queryCounter.enterWith({ count: 0 }) })
    app.addHook('onSend', async (_req, reply) => {
      const store = queryCounter.getStore()
      if (store) reply.header('x-hubben-queries', String(store.count))
    })
  }

  await app.register(framePlugin, deps)
  installErrorHandlers(app)
  installInputGuard(app)
  await installRateLimits(app, { db: deps.db, clock: deps.clock, messagesPerHour: deps.config.messagesPerHour, skip: process.env.HUBBEN_BENCH === '1' && deps.config.env !== 'production' })

  // Everything below is read from the list of boxes and features (src/boxes/index.ts).
  app.decorate('boxes', new Map(BOXES.map((b) => [b.key, b])))
  for (const f of FEATURES) if (f.barCounter) app.frameCounters.set(f.key, f.barCounter)

  await app.register(opsRoutes, { devMail: opts.devMail })
  await app.register(authRoutes)
  await app.register(emailChangeRoutes)
  await app.register(bankIdRoutes)
  // The BankID simulator's phone page: development and tests only, never in production.
  if (app.bankid.simulator && deps.config.env !== 'production') await app.register(bankIdPhoneRoutes, { simulator: app.bankid.simulator })
  await app.register(profileRoutes)
  await app.register(settingsRoutes, { sections: FEATURES.flatMap((f) => f.settingsSections ?? []) })
  await app.register(staffRoutes, { links: FEATURES.flatMap((f) => f.staffLinks ?? []) })
  for (const f of FEATURES) {
    if (f.routes) await app.register(f.routes)
    if (f.staffRoutes) await app.register(f.staffRoutes)
  }
  await app.register(startRoutes, { boxes: BOXES })
  await app.register(familyRoutes, { boxes: BOXES })
  await app.register(accessibilityRoutes)

  // The benchmark's baseline (npm run bench): a bare route on the same server setup, one
  // trivial SQL statement and a tiny template. Exists only with HUBBEN_BENCH=1 outside production.
  if (process.env.HUBBEN_BENCH === '1' && deps.config.env !== 'production') {
    app.get('/bench/baseline', async (req, reply) => {
      const { rows } = await sql<{ n: number }>`select 1 as n`.execute(deps.db)
      reply.type('text/html; charset=utf-8')
      return reply.send(await reply.viewAsync('bench/baseline', { lang: req.lang, n: rows[0]!.n }))
    })
  }
  return app
}
