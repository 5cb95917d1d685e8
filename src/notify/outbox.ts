import { sql } from 'kysely'
import type { Db, Executor } from '../db/index.js'
import type { OutboxChannel } from '../db/types.js'
import type { Clock } from '../clock.js'
import { PermanentDeliveryError, type Mailer, type MailMessage } from './mailer.js'


/** Delivers one outbox payload; throw PermanentDeliveryError when a retry cannot help. */
export type Channel = (payload: Record<string, unknown>) => Promise<void>
export type Channels = Partial<Record<OutboxChannel, Channel>> & { email: Channel }

export function mailChannel(mailer: Mailer): Channel {
  return (payload) => mailer.send(payload as unknown as MailMessage)
}

export const MAX_ATTEMPTS = 8

/** Seconds before retry n (1-based): 15 s, 30 s, 1 min, ... capped at one hour. */
export function backoffSeconds(attempt: number): number {
  return Math.min(3600, 15 * 2 ** (attempt - 1))
}

/**
 * Queues a delivery in the caller's transaction, so a notice exists exactly when the
 * write that caused it does. With a dedupe key, a second identical notice is dropped
 * (returns false): that is how "at most one per ..." rules hold under races.
 */
export async function enqueue(
  db: Executor,
  item: { channel: OutboxChannel; payload: Record<string, unknown>; dedupeKey?: string; now: Date },
): Promise<boolean> {
  const res = await db
    .insertInto('outbox')
    .values({
      channel: item.channel,
      payload: JSON.stringify(item.payload),
      dedupe_key: item.dedupeKey ?? null,
      next_attempt_at: item.now,
      created_at: item.now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst()
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0
}

export interface DispatchResult { sent: number; retried: number; failed: number }

/**
 * Claims due rows with FOR UPDATE SKIP LOCKED and a short lease, delivers them outside
 * the transaction (a slow SMTP server must not hold a database connection), then
 * records the outcome. Any number of dispatchers may run at once.
 */
export async function dispatchDue(db: Db, clock: Clock, channels: Channels, limit = 20): Promise<DispatchResult> {
  const now = clock.now()
  const leaseUntil = new Date(now.getTime() + 120_000)
  const claimed = await db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('outbox')
      .select(['id'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute()
    if (due.length === 0) return []
    return trx
      .updateTable('outbox')
      .set({ locked_until: leaseUntil, attempts: sql`attempts + 1` })
      .where('id', 'in', due.map((d) => d.id))
      .returning(['id', 'channel', 'payload', 'attempts'])
      .execute()
  })

  const result: DispatchResult = { sent: 0, retried: 0, failed: 0 }
  for (const row of claimed) {
    const channel = channels[row.channel]
    try {
      if (!channel) throw new PermanentDeliveryError(`no ${row.channel} channel configured`)
      await channel(row.payload as Record<string, unknown>)
      await db.updateTable('outbox')
        .set({ status: 'sent', sent_at: clock.now(), locked_until: null, last_error: null })
        .where('id', '=', row.id).execute()
      result.sent++
    } catch (err) {
      const permanent = err instanceof PermanentDeliveryError || row.attempts >= MAX_ATTEMPTS
      // Error text only: never the payload (it may hold a phone number or e-mail address).
      const message = (err as Error).message?.slice(0, 500) ?? String(err)
      await db.updateTable('outbox')
        .set({
          status: permanent ? 'failed' : 'pending',
          locked_until: null,
          last_error: message,
          next_attempt_at: new Date(clock.now().getTime() + backoffSeconds(row.attempts) * 1000),
        })
        .where('id', '=', row.id).execute()
      if (permanent) result.failed++
      else result.retried++
    }
  }
  return result
}

/** Runs the dispatcher on an interval and on demand (kick) until stopped. */
export function startDispatcher(db: Db, clock: Clock, channels: Channels, opts: { intervalMs?: number; onError?: (e: unknown) => void } = {}) {
  let running = false
  let again = false
  let stopped = false
  const tick = async () => {
    if (stopped) return
    if (running) { again = true; return }
    running = true
    try {
      do {
        again = false
        const r = await dispatchDue(db, clock, channels)
        if (r.sent + r.retried + r.failed >= 20) again = true
      } while (again && !stopped)
    } catch (err) {
      opts.onError?.(err)
    } finally {
      running = false
    }
  }
  const timer = setInterval(tick, opts.intervalMs ?? 2000)
  timer.unref()
  return {
    kick: () => { void tick() },
    async stop() {
      stopped = true
      clearInterval(timer)
      while (running) await new Promise((r) => setTimeout(r, 10))
    },
  }
}
