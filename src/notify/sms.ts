import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { PermanentDeliveryError } from './mailer.js'
import type { Channel } from './outbox.js'

/** What the outbox holds for one SMS. */
export interface SmsMessage {
  /** E.164, e.g. +46701234567. */
  to: string
  message: string
}

export interface SmsSettings {
  /** Base URL of a 46elks-style API, e.g. https://api.46elks.com (the client posts to /a1/sms). */
  apiUrl: string
  user: string
  password: string
  /** Sender shown on the phone: up to 11 letters and digits, or a phone number. */
  from: string
}

/**
 * A Swedish mobile number as E.164 (+46...), or null when it cannot be one.
 * Accepts what people type: 070-123 45 67, 0046 70 123 45 67, +46701234567.
 */
export function toE164(raw: string | null | undefined): string | null {
  if (!raw) return null
  let s = raw.replace(/[\s\-().]/g, '')
  if (s.startsWith('00')) s = `+${s.slice(2)}`
  else if (s.startsWith('0')) s = `+46${s.slice(1)}`
  return /^\+[1-9]\d{7,14}$/.test(s) ? s : null
}

/**
 * The SMS gateway client, 46elks API shape: a form-encoded POST with basic auth to
 * /a1/sms with from, to and message. A 4xx answer (bad number, refused) will not get
 * better on retry, so it is permanent; anything else is retried by the outbox.
 */
export function gatewaySmsChannel(settings: SmsSettings, opts: { timeoutMs?: number } = {}): Channel {
  const url = `${settings.apiUrl.replace(/\/$/, '')}/a1/sms`
  const auth = `Basic ${Buffer.from(`${settings.user}:${settings.password}`).toString('base64')}`
  return async (payload, ctx) => {
    const msg = payload as unknown as SmsMessage
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000)
    const body = new URLSearchParams({ from: settings.from, to: msg.to, message: msg.message })
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      signal: ctx?.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout,
    })
    // Drain the body so the connection can be reused; its text may echo the number, so it is not logged.
    await res.text().catch(() => '')
    if (res.ok) return
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      throw new PermanentDeliveryError(`SMS gateway refused the message (HTTP ${res.status})`)
    }
    throw new Error(`SMS gateway answered HTTP ${res.status}`)
  }
}

export interface StoredSms extends SmsMessage { id: string; sentAt: string }

/** Development: each SMS becomes a JSON file in DATA_DIR/sms, listed at /dev/sms. */
export function devSmsOutbox(dir: string, now: () => Date = () => new Date()): Channel {
  let seq = 0
  return async (payload) => {
    mkdirSync(dir, { recursive: true })
    const msg = payload as unknown as SmsMessage
    // Time first so names sort by sending; the random part keeps two outboxes in one process apart.
    const id = `${Date.now()}-${process.pid}-${++seq}-${randomBytes(3).toString('hex')}`
    writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ id, sentAt: now().toISOString(), to: msg.to, message: msg.message }, null, 2))
  }
}

export function listDevSms(dir: string): StoredSms[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as StoredSms)
    .sort((a, b) => (a.id < b.id ? 1 : -1))
}

export function devSmsDir(dataDir: string): string {
  return path.join(dataDir, 'sms')
}

/** The gateway when SMS_* is set, otherwise the development outbox in DATA_DIR/sms. */
export function smsChannel(config: { sms?: SmsSettings; dataDir: string; env?: string }): Channel {
  if (!config.sms && config.env === 'production') throw new Error('SMS_API_URL, SMS_API_USER and SMS_API_PASSWORD are required when NODE_ENV=production')
  return config.sms ? gatewaySmsChannel(config.sms) : devSmsOutbox(devSmsDir(config.dataDir))
}
