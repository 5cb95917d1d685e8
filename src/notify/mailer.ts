import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import nodemailer from 'nodemailer'

export interface MailMessage {
  to: string
  subject: string
  text: string
}

export interface Mailer {
  send(msg: MailMessage): Promise<void>
  /** Where a developer can read what was sent (dev outbox only). */
  readonly kind: 'smtp' | 'dev-outbox'
}

/** An SMTP error a retry will not fix (5xx: mailbox unknown, rejected). */
export class PermanentDeliveryError extends Error {}

export function smtpMailer(url: string, from: string): Mailer {
  // A pooled transport keeps connections open between mails (a morning of notices is many mails).
  // Timeouts below the outbox's e-mail timeout (DELIVERY_TIMEOUT_MS), so a hung server is
  // given up on by nodemailer itself; settings in SMTP_URL's query win.
  const extra = { pool: 'true', connectionTimeout: '10000', greetingTimeout: '10000', socketTimeout: '15000' }
  const query = Object.entries(extra).filter(([k]) => !new RegExp(`[?&]${k}=`).test(url)).map(([k, v]) => `${k}=${v}`).join('&')
  const transport = nodemailer.createTransport(url + (query ? (url.includes('?') ? '&' : '?') + query : ''))
  return {
    kind: 'smtp',
    async send(msg) {
      try {
        await transport.sendMail({ from, to: msg.to, subject: msg.subject, text: msg.text })
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode
        if (code && code >= 500 && code < 600) throw new PermanentDeliveryError(`SMTP ${code}`)
        throw err
      }
    },
  }
}

export interface StoredMail extends MailMessage { id: string; sentAt: string }

/** Development: each message becomes a JSON file in DATA_DIR/mail, readable at /dev/mail. */
export function devOutboxMailer(dir: string, now: () => Date = () => new Date()): Mailer & { list(): StoredMail[] } {
  mkdirSync(dir, { recursive: true })
  let seq = 0
  return {
    kind: 'dev-outbox',
    async send(msg) {
      const sentAt = now().toISOString()
      const id = `${Date.now()}-${process.pid}-${++seq}`
      writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ id, sentAt, ...msg }, null, 2))
    },
    list() {
      return readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as StoredMail)
        .sort((a, b) => (a.id < b.id ? 1 : -1))
    },
  }
}
