import { sql } from 'kysely'
import type { Db, Executor } from '../db/index.js'
import type { OutboxChannel } from '../db/types.js'
import type { Clock } from '../clock.js'
import { PermanentDeliveryError, type Mailer, type MailMessage } from './mailer.js'


/**
 * Delivers one outbox payload; throw PermanentDeliveryError when a retry cannot help.
 * `signal` aborts when the delivery's time is up (DELIVERY_TIMEOUT_MS): stop waiting then.
 */
export type Channel = (payload: Record<string, unknown>, ctx?: { signal: AbortSignal }) => Promise<void>
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
  item: {
    channel: OutboxChannel
    payload: Record<string, unknown>
    dedupeKey?: string
    now: Date
    /** What it is (reset, message, absence-sms, ...), kept after the payload is erased. */
    kind?: string
    /** The person it is for, kept after the payload is erased. */
    recipientId?: number
  },
): Promise<boolean> {
  const res = await db
    .insertInto('outbox')
    .values({
      channel: item.channel,
      payload: JSON.stringify(item.payload),
      dedupe_key: item.dedupeKey ?? null,
      kind: item.kind ?? null,
      recipient_id: item.recipientId ?? null,
      next_attempt_at: item.now,
      created_at: item.now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst()
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0
}

export interface DispatchResult { sent: number; retried: number; failed: number }

/** How long a claim holds its rows; another dispatcher may take them after it. */
export const LEASE_MS = 120_000
/**
 * Longest wait for one delivery; after it the delivery is aborted (channels get an
 * AbortSignal) and retried later. A lease always outlasts the deliveries still to come.
 */
export const DELIVERY_TIMEOUT_MS: Record<OutboxChannel, number> = { email: 20_000, sms: 10_000, push: 5_000 }

/** Rows one claim may take: so many that their deliveries, each at its timeout, end well inside the lease. */
export function claimLimit(leaseMs: number, timeoutMs: number, max = 20): number {
  return Math.max(1, Math.min(max, Math.floor(leaseMs / timeoutMs) - 1))
}

export const LANES: readonly OutboxChannel[] = ['email', 'sms', 'push']

export interface DispatchOptions {
  /** One lane: only this channel's rows. Without it every lane runs side by side. */
  channel?: OutboxChannel
  /** At most this many rows per claim (fewer when the lease demands it). */
  limit?: number
  leaseMs?: number
  timeoutMs?: Partial<Record<OutboxChannel, number>>
}

export class DeliveryTimeoutError extends Error {}

/** Runs one delivery with its timeout: the channel gets a signal that aborts when the time is up. */
async function deliverWithTimeout(channel: Channel, payload: Record<string, unknown>, timeoutMs: number): Promise<void> {
  const ac = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DeliveryTimeoutError(`no answer within ${Math.round(timeoutMs / 1000)} s`)
      ac.abort(err)
      reject(err)
    }, timeoutMs)
  })
  try {
    await Promise.race([channel(payload, { signal: ac.signal }), timedOut])
  } catch (err) {
    // A channel that stops at the signal rejects with its own error: the reason is the timeout.
    throw ac.signal.aborted ? ac.signal.reason : err
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Claims due rows with FOR UPDATE SKIP LOCKED and a lease, delivers them outside the
 * transaction (a slow SMTP server must not hold a database connection), then records the
 * outcome. Any number of dispatchers may run at once.
 *
 * Each channel is its own lane (its own claims and its own loop in startDispatcher), so a
 * push service that does not answer can never hold up e-mail or SMS.
 *
 * The lease cannot run out under a delivery: a claim takes only as many rows as fit in the
 * lease at their channel's timeout, each delivery is aborted at that timeout, and before
 * each delivery the lease is renewed when what is left of it would not cover the delivery.
 * A row whose lease could not be renewed (another dispatcher took it) is left alone.
 */
export async function dispatchDue(db: Db, clock: Clock, channels: Channels, opts: number | DispatchOptions = {}): Promise<DispatchResult> {
  const o: DispatchOptions = typeof opts === 'number' ? { limit: opts } : opts
  if (!o.channel) {
    const results = await Promise.all(LANES.map((channel) => dispatchDue(db, clock, channels, { ...o, channel })))
    return results.reduce((a, r) => ({ sent: a.sent + r.sent, retried: a.retried + r.retried, failed: a.failed + r.failed }))
  }
  const lane = o.channel
  const leaseMs = o.leaseMs ?? LEASE_MS
  const timeoutOf = (c: OutboxChannel) => o.timeoutMs?.[c] ?? DELIVERY_TIMEOUT_MS[c]
  const limit = claimLimit(leaseMs, timeoutOf(lane), o.limit ?? 20)
  const now = clock.now()
  let lease = new Date(now.getTime() + leaseMs)
  const claimed = await db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('outbox')
      .select(['id'])
      .where('status', '=', 'pending')
      .where('channel', '=', lane)
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
      .set({ locked_until: lease, attempts: sql`attempts + 1` })
      .where('id', 'in', due.map((d) => d.id))
      .returning(['id', 'channel', 'payload', 'attempts'])
      .execute()
  })

  const result: DispatchResult = { sent: 0, retried: 0, failed: 0 }
  const lost = new Set<number>()
  for (let i = 0; i < claimed.length; i++) {
    const row = claimed[i]!
    const timeoutMs = timeoutOf(row.channel)
    // Renew when the rest of the lease would not cover this delivery (with a margin for recording it).
    if (clock.now().getTime() + timeoutMs + 5_000 > lease.getTime()) {
      const next = new Date(clock.now().getTime() + leaseMs)
      const ids = claimed.slice(i).map((r) => r.id).filter((id) => !lost.has(id))
      const renewed = await db.updateTable('outbox').set({ locked_until: next })
        .where('id', 'in', ids).where('status', '=', 'pending').where('locked_until', '=', lease)
        .returning('id').execute()
      const kept = new Set(renewed.map((r) => r.id))
      for (const id of ids) if (!kept.has(id)) lost.add(id)
      lease = next
    }
    if (lost.has(row.id)) continue
    const channel = channels[row.channel]
    try {
      if (!channel) throw new PermanentDeliveryError(`no ${row.channel} channel configured`)
      await deliverWithTimeout(channel, row.payload as Record<string, unknown>, timeoutMs)
      // Delivered: the content goes (an e-mail's links, an SMS's phone number); kind, recipient, times and status stay.
      const at = clock.now()
      await db.updateTable('outbox')
        .set({ status: 'sent', sent_at: at, locked_until: null, last_error: null, payload: JSON.stringify({}), erased_at: at })
        .where('id', '=', row.id).execute()
      result.sent++
    } catch (err) {
      const permanent = err instanceof PermanentDeliveryError || row.attempts >= MAX_ATTEMPTS
      // Error text only: never the payload (it may hold a phone number or e-mail address).
      const message = (err as Error).message?.slice(0, 500) ?? String(err)
      await db.updateTable('outbox')
        .set({
          status: permanent ? 'failed' : 'pending',
          failed_at: permanent ? clock.now() : null,
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

/**
 * Runs the dispatcher on an interval and on demand (kick) until stopped: one loop per
 * channel (lane), so a slow channel delays only its own deliveries.
 */
export function startDispatcher(db: Db, clock: Clock, channels: Channels, opts: { intervalMs?: number; onError?: (e: unknown) => void; dispatch?: Omit<DispatchOptions, 'channel'> } = {}) {
  let stopped = false
  const lanes = LANES.map((channel) => {
    const lane = { running: false, again: false, tick: async () => {} }
    lane.tick = async () => {
      if (stopped) return
      if (lane.running) { lane.again = true; return }
      lane.running = true
      try {
        do {
          lane.again = false
          const r = await dispatchDue(db, clock, channels, { ...opts.dispatch, channel })
          // A claim is capped by the lease (claimLimit): whatever it took, there may be more.
          if (r.sent + r.retried + r.failed > 0) lane.again = true
        } while (lane.again && !stopped)
      } catch (err) {
        opts.onError?.(err)
      } finally {
        lane.running = false
      }
    }
    return lane
  })
  const tickAll = () => { for (const lane of lanes) void lane.tick() }
  const timer = setInterval(tickAll, opts.intervalMs ?? 2000)
  timer.unref()
  return {
    kick: tickAll,
    async stop() {
      stopped = true
      clearInterval(timer)
      while (lanes.some((l) => l.running)) await new Promise((r) => setTimeout(r, 10))
    },
  }
}

/** Failed deliveries keep their content this long (an admin may fix the cause and try again), then it is erased. */
export const FAILED_KEEP_DAYS = 30

/** Erases the content of deliveries that failed more than FAILED_KEEP_DAYS ago; run periodically. */
export async function eraseOldFailedPayloads(db: Db, now: Date): Promise<number> {
  const res = await db.updateTable('outbox')
    .set({ payload: JSON.stringify({}), erased_at: now })
    .where('status', '=', 'failed').where('erased_at', 'is', null)
    .where('failed_at', '<', new Date(now.getTime() - FAILED_KEEP_DAYS * 86_400_000))
    .executeTakeFirst()
  return Number(res.numUpdatedRows)
}
