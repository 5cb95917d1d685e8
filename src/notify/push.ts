import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import webpush from 'web-push'
import type { Config } from '../config.js'
import type { Db } from '../db/index.js'
import type { Channel } from './outbox.js'
import { PermanentDeliveryError } from './mailer.js'

export interface VapidKeys {
  publicKey: string
  privateKey: string
  /** mailto: or https: contact for the push services. */
  subject: string
}

/** What a push outbox row carries: where to send it and what the notification says. */
export interface PushPayload {
  subscriptionId: number
  personId: number
  endpoint: string
  p256dh: string
  auth: string
  title: string
  body: string
  url: string
  tag?: string
  lang?: string
}

export interface PushTarget { endpoint: string; keys: { p256dh: string; auth: string } }
/** Sends one encrypted push message; rejects with an error carrying `statusCode` when the push service refuses. */
export type PushSend = (target: PushTarget, body: string, opts: { TTL: number; urgency: 'normal' | 'high'; topic?: string }) => Promise<unknown>

/** The push service says this subscription no longer exists (404/410): it is deleted. */
export class SubscriptionGoneError extends PermanentDeliveryError {
  constructor(public readonly subscriptionId: number, public readonly status: number) {
    super(`push service answered ${status}: subscription removed`)
  }
}

const cache = new Map<string, VapidKeys | null>()

/**
 * VAPID keys: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY from the environment; outside
 * production generated once into DATA_DIR (kept across restarts, so browsers' existing
 * subscriptions stay valid); in tests generated per process. Production without keys
 * has no push (null).
 */
export function resolveVapid(config: Config, env: Record<string, string | undefined> = process.env): VapidKeys | null {
  const cacheKey = `${config.env}:${config.dataDir}:${env.VAPID_PUBLIC_KEY ?? ''}`
  if (cache.has(cacheKey)) return cache.get(cacheKey)!
  const subject = env.VAPID_SUBJECT || (config.baseUrl.startsWith('https://') ? config.baseUrl : 'mailto:no-reply@hubben.local')
  if (!/^(mailto:|https:\/\/)/.test(subject)) throw new Error('VAPID_SUBJECT must be a mailto: address or an https:// URL')
  let keys: VapidKeys | null
  if (env.VAPID_PUBLIC_KEY || env.VAPID_PRIVATE_KEY) {
    if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY) throw new Error('Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (or neither)')
    keys = { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject }
  } else if (config.env === 'production') {
    keys = null
  } else if (config.env === 'test') {
    keys = { ...webpush.generateVAPIDKeys(), subject }
  } else {
    const file = path.join(config.dataDir, 'vapid-keys.json')
    if (existsSync(file)) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string }
      keys = { publicKey: stored.publicKey, privateKey: stored.privateKey, subject }
    } else {
      const generated = webpush.generateVAPIDKeys()
      mkdirSync(config.dataDir, { recursive: true })
      writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 })
      keys = { ...generated, subject }
    }
  }
  cache.set(cacheKey, keys)
  return keys
}

/** The real sender: web-push with our VAPID keys. */
export function webPushSend(vapid: VapidKeys, extra: { agent?: import('node:https').Agent } = {}): PushSend {
  return (target, body, opts) => webpush.sendNotification(target, body, {
    ...opts,
    ...extra,
    // Below the outbox's push timeout (DELIVERY_TIMEOUT_MS.push).
    timeout: 4_000,
    vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
  })
}

/**
 * The outbox channel for push. 404/410 means the browser unsubscribed (SubscriptionGoneError);
 * other 4xx cannot succeed on retry; 408, 429, 5xx and network errors are retried.
 */
export function pushChannel(send: PushSend): Channel {
  return async (raw) => {
    const p = raw as unknown as PushPayload
    const body = JSON.stringify({ title: p.title, body: p.body, url: p.url, tag: p.tag, lang: p.lang })
    try {
      await send({ endpoint: p.endpoint, keys: { p256dh: p.p256dh, auth: p.auth } }, body, { TTL: 24 * 3600, urgency: 'normal' })
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode
      if (status === 404 || status === 410) throw new SubscriptionGoneError(p.subscriptionId, status)
      if (status && status >= 400 && status < 500 && status !== 408 && status !== 429) throw new PermanentDeliveryError(`push service answered ${status}`)
      // Never the endpoint or the payload in the error text.
      throw new Error(status ? `push service answered ${status}` : `push failed: ${(err as { code?: string }).code ?? 'network error'}`)
    }
  }
}

const WRAPPED = Symbol('removesGoneSubscriptions')

/** Wraps a push channel so that a subscription the push service calls gone is deleted. */
export function removingGoneSubscriptions(db: Db, channel: Channel): Channel {
  if ((channel as unknown as Record<symbol, boolean>)[WRAPPED]) return channel
  const wrapped: Channel = async (payload) => {
    try {
      await channel(payload)
    } catch (err) {
      if (err instanceof SubscriptionGoneError) {
        await db.deleteFrom('push_subscriptions')
          .where('id', '=', err.subscriptionId)
          .where('endpoint', '=', String((payload as { endpoint?: unknown }).endpoint ?? ''))
          .execute()
      }
      throw err
    }
  }
  ;(wrapped as unknown as Record<symbol, boolean>)[WRAPPED] = true
  return wrapped
}
