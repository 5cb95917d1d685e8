import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { PUBLIC_DIR } from '../web/rendering.js'
import { requireLogin } from '../web/guards.js'
import { FormBody } from '../web/schemas.js'
import { asArray, cleanBody } from '../web/forms.js'
import type { Actor } from '../people/service.js'
import type { SettingsSection } from '../web/box.js'
import { AREAS } from './notifications.js'
import { removingGoneSubscriptions, resolveVapid } from './push.js'
import { endpointIsPublic, saveSubscription } from './push-endpoints.js'

const ENDPOINT = /^https:\/\/[^\s]{1,2000}$/
const B64URL = (min: number, max: number) => new RegExp(`^[A-Za-z0-9_-]{${min},${max}}={0,2}$`)

/** The settings section's view model: whether push can work, how many devices have it, and the per-area choices (one statement). */
export async function pushSettings(db: Db, actor: Actor, publicKey: string | null) {
  const row = await db.selectNoFrom([
    sql<number>`(select count(*) from push_subscriptions where person_id = ${actor.id})`.as('n'),
    sql<string[]>`(select coalesce(json_agg(area), '[]'::json) from notification_optouts where person_id = ${actor.id})`.as('off'),
  ]).executeTakeFirstOrThrow()
  const off = new Set(row.off)
  return { publicKey, devices: Number(row.n), areas: AREAS.map((a) => ({ key: a, on: !off.has(a) })) }
}

export const pushSettingsSection: SettingsSection = {
  id: 'push',
  title: 'notifications:push.title',
  template: '/notifications/_push-settings',
  data: async (req) => ({ push: await pushSettings(req.server.deps.db, req.actor!, resolveVapid(req.server.deps.config)?.publicKey ?? null) }),
}

/** fetch() from public/js/push.js gets 204; a plain form post gets the settings page back. */
function done(req: FastifyRequest, reply: FastifyReply, key: string) {
  if ((req.headers.accept ?? '').includes('text/html')) {
    reply.flash({ kind: 'success', key })
    return reply.redirect('/settings#push', 303)
  }
  return reply.code(204).send()
}

/** Pushnotiser: turn push on or off for a device, opt out per area; the service worker at the site's root. */
export default async function pushRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  // The push channel (built before the app) gets the database here to delete subscriptions the push service calls gone.
  if (app.deps.channels.push) app.deps.channels.push = removingGoneSubscriptions(db, app.deps.channels.push)

  // At the root so that its scope is the whole site.
  const sw = readFileSync(path.join(PUBLIC_DIR, 'sw.js'))
  app.get('/sw.js', async (_req, reply) =>
    reply.header('Cache-Control', 'no-cache').type('application/javascript; charset=utf-8').send(sw))

  app.post('/settings/push/subscriptions', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const body = cleanBody(req.body)
    const endpoint = String(body.endpoint ?? '')
    const p256dh = String(body.p256dh ?? '')
    const auth = String(body.auth ?? '')
    if (!ENDPOINT.test(endpoint) || !B64URL(80, 100).test(p256dh) || !B64URL(16, 32).test(auth)) {
      return reply.code(422).type('text/plain; charset=utf-8').send(req.t('notifications:push.invalidSubscription'))
    }
    // In production an endpoint must be on the public internet (never our own network).
    if (app.deps.config.env === 'production' && !(await endpointIsPublic(endpoint))) {
      return reply.code(422).type('text/plain; charset=utf-8').send(req.t('notifications:push.endpointRefused'))
    }
    // A device belongs to whoever turned push on last (a shared family tablet changes hands); at most 10 per person.
    const replaced = await saveSubscription(db, req.actor!.id, { endpoint, p256dh, auth }, clock.now())
    return done(req, reply, replaced ? 'notifications:push.subscribedOldestRemoved' : 'notifications:push.subscribed')
  })

  app.post('/settings/push/subscriptions/remove', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const endpoint = String(cleanBody(req.body).endpoint ?? '')
    await db.deleteFrom('push_subscriptions').where('person_id', '=', req.actor!.id).where('endpoint', '=', endpoint).execute()
    return done(req, reply, 'notifications:push.disabled')
  })

  app.post('/settings/push/devices/remove', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    await db.deleteFrom('push_subscriptions').where('person_id', '=', req.actor!.id).execute()
    reply.flash({ kind: 'success', key: 'notifications:push.removedAll' })
    return reply.redirect('/settings#push', 303)
  })

  app.post('/settings/push/areas', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const wanted = new Set(asArray(cleanBody(req.body).area))
    const off = AREAS.filter((a) => !wanted.has(a))
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('notification_optouts').where('person_id', '=', req.actor!.id).execute()
      if (off.length) await trx.insertInto('notification_optouts').values(off.map((area) => ({ person_id: req.actor!.id, area }))).execute()
    })
    reply.flash({ kind: 'success', key: 'notifications:push.areasSaved' })
    return reply.redirect('/settings#push', 303)
  })
}
