import { sql } from 'kysely'
import type { Db, Executor } from '../db/index.js'
import { addDaysIso, stockholmInstant, toIsoDate, toLocalTime } from '../clock.js'
import type { FieldErrors } from '../web/forms.js'

/**
 * Quiet hours (issue 18): push notices created inside a person's quiet hours are held and
 * sent as one push when they end. Times are wall-clock times in Stockholm ('HH:MM'); a
 * window whose start is after its end spans midnight (21:00-07:00). start == end is no
 * window at all.
 */
export interface QuietHours { enabled: boolean; start: string; end: string }

export const DEFAULT_QUIET: QuietHours = { enabled: true, start: '21:00', end: '07:00' }
export const DEFAULT_DIGEST_TIME = '18:00'
/** The times a digest may be sent at (a list: the housekeeping runs every ten minutes, and never across midnight). */
export const DIGEST_TIMES = ['16:00', '16:30', '17:00', '17:30', '18:00', '18:30', '19:00', '19:30', '20:00', '20:30', '21:00', '21:30', '22:00']

const HHMM = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/

/** '7:00', '07.00' or '07:00' as '07:00'; null when it is not a time of day. */
export function parseTimeOfDay(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  const m = HHMM.exec(raw.trim())
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : null
}

/**
 * When the quiet hours that hold `now` end (an instant), or null when `now` is outside them
 * (or they are off). Computed on Stockholm's calendar and wall clock, so a window across
 * midnight ends on the next date, and on the days the clocks change (last Sunday of March
 * and October) it ends at 07:00 local time whatever the night's length.
 */
export function quietUntil(q: QuietHours, now: Date): Date | null {
  if (!q.enabled || q.start === q.end) return null
  const date = toIsoDate(now)
  const time = toLocalTime(now)
  let end: Date | null = null
  if (q.start < q.end) {
    if (time >= q.start && time < q.end) end = stockholmInstant(date, q.end)
  } else if (time >= q.start) {
    end = stockholmInstant(addDaysIso(date, 1), q.end)
  } else if (time < q.end) {
    end = stockholmInstant(date, q.end)
  }
  // Inside the hour the clocks go back, a wall-clock end may name the instant already past.
  return end && end.getTime() > now.getTime() ? end : null
}

export interface NotifyPreferences {
  quiet: QuietHours
  digest: { enabled: boolean; time: string }
}

type PrefRow = { quiet_enabled: boolean | null; quiet_start: string | null; quiet_end: string | null }

/** A person's quiet hours from a left-joined preferences row (nulls: the defaults). */
export function quietOf(row: PrefRow): QuietHours {
  return row.quiet_enabled === null
    ? DEFAULT_QUIET
    : { enabled: row.quiet_enabled, start: row.quiet_start ?? DEFAULT_QUIET.start, end: row.quiet_end ?? DEFAULT_QUIET.end }
}

export type Saved = { ok: true } | { ok: false; errors: FieldErrors }

/** The quiet-hours form: on/off, start and end ('HH:MM'). Times are checked even when off (they are kept). */
export async function saveQuietHours(db: Db, personId: number, input: { enabled: boolean; start: string; end: string }, now: Date): Promise<Saved> {
  const errors: FieldErrors = {}
  const start = parseTimeOfDay(input.start)
  const end = parseTimeOfDay(input.end)
  if (!input.start) errors.quietStart = { key: 'errors.field.required' }
  else if (!start) errors.quietStart = { key: 'notifications:quiet.errors.time' }
  if (!input.end) errors.quietEnd = { key: 'errors.field.required' }
  else if (!end) errors.quietEnd = { key: 'notifications:quiet.errors.time' }
  if (start && end && start === end && input.enabled) errors.quietEnd = { key: 'notifications:quiet.errors.same' }
  if (Object.keys(errors).length) return { ok: false, errors }
  const quiet: QuietHours = { enabled: input.enabled, start: start!, end: end! }
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('notify_preferences')
      .values({ person_id: personId, quiet_enabled: quiet.enabled, quiet_start: quiet.start, quiet_end: quiet.end, updated_at: now })
      .onConflict((oc) => oc.column('person_id').doUpdateSet({ quiet_enabled: quiet.enabled, quiet_start: quiet.start, quiet_end: quiet.end, updated_at: now }))
      .execute()
    await rescheduleHeld(trx, personId, quietUntil(quiet, now), now)
  })
  return { ok: true }
}

/**
 * New quiet hours move what is held: to the end of the new window when `now` is inside it,
 * else out at once. The dedupe key follows, so notices still to come join the same push.
 */
async function rescheduleHeld(db: Executor, personId: number, until: Date | null, now: Date): Promise<void> {
  const at = until ?? now
  const held = await db.selectFrom('outbox').select(['id', sql<number>`(payload->>'subscriptionId')::int`.as('subscription_id')])
    .where('kind', '=', HELD_KIND).where('recipient_id', '=', personId).where('status', '=', 'pending')
    .where('locked_until', 'is', null).orderBy('id').execute()
  for (const h of held) {
    const key = heldKey(personId, h.subscription_id, at)
    // Row by row: of two rows for one device (rare) only the first takes the key; both are moved.
    await db.updateTable('outbox')
      .set((eb) => ({
        next_attempt_at: at,
        dedupe_key: eb.case().when(eb.exists(eb.selectFrom('outbox as o').select('o.id').where('o.dedupe_key', '=', key))).then(eb.ref('outbox.dedupe_key')).else(key).end(),
      }))
      .where('id', '=', h.id).execute()
  }
}

/** The digest form: on/off and the time. On needs an e-mail address. */
export async function saveDigest(db: Db, personId: number, input: { enabled: boolean; time: string }, now: Date): Promise<Saved> {
  const time = parseTimeOfDay(input.time)
  if (!time || !DIGEST_TIMES.includes(time)) return { ok: false, errors: { digestTime: { key: 'notifications:digest.errors.time' } } }
  if (input.enabled) {
    const p = await db.selectFrom('persons').select('email').where('id', '=', personId).executeTakeFirst()
    if (!p?.email) return { ok: false, errors: { digestOn: { key: 'notifications:digest.errors.noEmail' } } }
  }
  await db.insertInto('notify_preferences')
    // The first digest covers what came since the last one, at most a day back (digest.ts).
    .values({ person_id: personId, digest_enabled: input.enabled, digest_time: time, updated_at: now })
    .onConflict((oc) => oc.column('person_id').doUpdateSet({ digest_enabled: input.enabled, digest_time: time, updated_at: now }))
    .execute()
  return { ok: true }
}

/** An outbox row of held push notices (one per device and quiet window). */
export const HELD_KIND = 'push:quiet'

/** The held push for a device: its dedupe key names the person, the device and the window's end. */
export function heldKey(personId: number, subscriptionId: number, until: Date): string {
  return `quiet:${personId}:${subscriptionId}:${until.toISOString()}`
}
