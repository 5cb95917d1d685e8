import ical from 'ical-generator'
import type { Db, Executor } from '../../db/index.js'
import { toIsoDate, toLocalTime, type Clock, type IsoDate } from '../../clock.js'
import type { Actor, Child } from '../../people/service.js'
import type { FieldErrors } from '../../web/forms.js'
import { formatters } from '../../web/format.js'
import { translator } from '../../web/i18n.js'
import { createNotifications } from '../../notify/notifications.js'
import { enqueue } from '../../notify/outbox.js'
import type { BoxContext, BoxSummary } from '../../web/box.js'
import { talksQueries, talksTileFacts, type BookingJson } from './queries.js'
import {
  TIMES_PER_PAGE, assertGuardian, bookable, cancellable, name, reminderWindow, roundOpen, toId, toTime, type TimeView,
} from './rules.js'

// The guardians' side of Utvecklingssamtal: the page of the child's rounds, booking,
// Avboka, the .ics of a booking, the tile, and the reminder the day before.

export interface BookingView {
  slotId: number
  start: Date
  end: Date
  message: string
  bookedBy: string
  bookedByYou: boolean
  at: Date
  /** Avboka is offered until the round's last booking day (and while the time is ahead). */
  canCancel: boolean
  icsHref: string
}

export interface RoundView {
  id: number
  groupName: string
  place: string
  digital: boolean
  meetingLink: string | null
  lastBookingDay: IsoDate
  open: boolean
  booking: BookingView | null
  free: TimeView[]
  freeTotal: number
  /** The next page of free times, when there are more. */
  moreHref: string | null
  prevHref: string | null
}

export interface PedagogueView {
  staffId: number
  name: string
  /** The child's mentor: listed first and marked. */
  mentor: boolean
  rounds: RoundView[]
  messageHref: string
}

export interface TalksPage {
  pedagogues: PedagogueView[]
  /** After Avboka: the pedagogue to write to, with the link to a new message addressed to them. */
  suggest: { name: string; href: string } | null
  /** One round's page (more free times): its id. */
  roundId: number | null
}

/** The guardian's page: the child's rounds grouped per pedagogue, the mentor first. */
export async function talksPage(
  db: Executor, clock: Clock, actor: Actor, child: Child,
  opts: { roundId?: number; offset?: number; cancelledStaff?: number } = {},
): Promise<TalksPage> {
  const now = clock.now()
  const today = clock.today()
  const q = talksQueries(db)
  const offset = opts.roundId ? Math.max(0, opts.offset ?? 0) : 0
  const cancelled = opts.cancelledStaff ?? null
  const [rows, pedagogue] = await Promise.all([
    q.childRounds(child.id, now, today, { roundId: opts.roundId, offset, limit: TIMES_PER_PAGE }),
    cancelled ? q.isChildsPedagogue(child.id, cancelled) : Promise.resolve(undefined),
  ])
  const base = `/children/${child.id}/talks`
  const pedagogues: PedagogueView[] = []
  for (const r of rows) {
    let p = pedagogues.find((x) => x.staffId === r.staff_id)
    if (!p) {
      p = { staffId: r.staff_id, name: name(r.staff_given, r.staff_family), mentor: r.mentor, rounds: [], messageHref: `/children/${child.id}/messages/new?to=${r.staff_id}` }
      pedagogues.push(p)
    }
    const open = roundOpen(today, r.last_booking_day)
    p.rounds.push({
      id: r.id,
      groupName: r.group_name,
      place: r.place,
      digital: r.digital,
      meetingLink: r.meeting_link,
      lastBookingDay: r.last_booking_day,
      open,
      booking: r.booking ? toBookingView(r.booking, actor, open, now, base) : null,
      free: r.free.map(toTime),
      freeTotal: r.free_total,
      moreHref: offset + TIMES_PER_PAGE < r.free_total ? `${base}/rounds/${r.id}?offset=${offset + TIMES_PER_PAGE}` : null,
      prevHref: offset > 0 ? `${base}/rounds/${r.id}?offset=${Math.max(0, offset - TIMES_PER_PAGE)}` : null,
    })
  }
  return {
    pedagogues,
    suggest: cancelled && pedagogue ? { name: name(pedagogue.given_name, pedagogue.family_name), href: `/children/${child.id}/messages/new?to=${cancelled}` } : null,
    roundId: opts.roundId ?? null,
  }
}

function toBookingView(b: BookingJson, actor: Actor, open: boolean, now: Date, base: string): BookingView {
  const start = new Date(b.starts_at)
  return {
    slotId: b.slot_id,
    start,
    end: new Date(b.ends_at),
    message: b.message,
    bookedBy: name(b.by_given, b.by_family),
    bookedByYou: b.booked_by === actor.id,
    at: new Date(b.created_at),
    canCancel: cancellable(open, start, now, actor),
    icsHref: `${base}/bookings/${b.slot_id}.ics`,
  }
}

/** The booking form as read by parseForm (BookBody): text fields, and the checks that failed. */
export interface BookText { round?: string; slot?: string; message?: string }

export type BookResult =
  | { ok: true; status: 'booked' | 'already'; roundId: number }
  | { ok: false; status: 'invalid' | 'taken' | 'bookedInRound' | 'closed'; errors: FieldErrors; values: BookText; roundId: number | null; formError?: string }

/**
 * Books a time for the child, with an optional message (staff see it in their overview;
 * no notice is sent for it: SPEC.md 4.4). The database decides races: a time holds one
 * child, a child one time per round; the loser is told which and sees the times left.
 * A double submit of the same booking is the same booking. `formErrors`: the form's own
 * checks (parseForm), shown at the round's fields.
 */
export async function bookTalk(db: Db, clock: Clock, actor: Actor, child: Child, input: BookText, now: Date, formErrors: FieldErrors = {}): Promise<BookResult> {
  assertGuardian(actor)
  const roundId = toId(input.round)
  const slotId = toId(input.slot)
  const message = input.message ?? ''
  const values = { round: input.round, slot: input.slot, message }
  const errors: FieldErrors = {}
  const field = (f: string) => (roundId ? `${f}-${roundId}` : f)
  if (slotId === null || formErrors.slot) errors[field('slot')] = { key: 'talks:errors.slotRequired' }
  if (formErrors.message) errors[field('message')] = formErrors.message
  if (Object.keys(errors).length > 0 || slotId === null) return { ok: false, status: 'invalid', errors, values, roundId }

  return db.transaction().execute(async (trx) => {
    const q = talksQueries(trx)
    const slot = await q.slotForChild(child.id, slotId)
    if (!slot || (roundId !== null && slot.round_id !== roundId)) {
      return { ok: false, status: 'invalid', errors: { [field('slot')]: { key: 'talks:errors.slotRequired' } }, values, roundId } as const
    }
    const errs = (key: string, params?: Record<string, string>) => ({ [`slot-${slot.round_id}`]: { key, params } })
    if (!bookable(slot.starts_at, slot.last_booking_day, now)) {
      return { ok: false, status: 'closed', errors: errs('talks:errors.closed'), values, roundId: slot.round_id } as const
    }
    if (await q.insertBooking({ slotId, roundId: slot.round_id, childId: child.id, by: actor.id, message, now })) {
      return { ok: true, status: 'booked', roundId: slot.round_id } as const
    }
    // Not inserted: the child has a time in this round already, or someone else took this one.
    const mine = await q.bookingInRound(child.id, slot.round_id)
    if (mine && mine.slot_id === slotId) return { ok: true, status: 'already', roundId: slot.round_id } as const
    if (mine) {
      return {
        ok: false, status: 'bookedInRound', values, roundId: slot.round_id,
        errors: errs('talks:errors.bookedInRound', { name: child.givenName, by: name(mine.given_name, mine.family_name) }),
      } as const
    }
    return { ok: false, status: 'taken', errors: errs('talks:errors.taken'), values, roundId: slot.round_id } as const
  })
}

export type CancelResult = { ok: true; staffId: number } | { ok: false; reason: 'closed' | 'gone'; staffId: number | null }

/** Avboka: frees the time while the round is open; afterwards the page says to contact the pedagogue. */
export async function cancelBooking(db: Db, clock: Clock, actor: Actor, child: Child, slotId: number, now: Date): Promise<CancelResult> {
  assertGuardian(actor)
  const today = clock.today()
  return db.transaction().execute(async (trx) => {
    const q = talksQueries(trx)
    const done = await q.deleteOpenBooking(child.id, slotId, now, today)
    if (done) return { ok: true, staffId: done.staff_id } as const
    const still = await q.bookingOfChild(child.id, slotId)
    return still ? ({ ok: false, reason: 'closed', staffId: still.staff_id } as const) : ({ ok: false, reason: 'gone', staffId: null } as const)
  })
}

/** The booking as an iCalendar file for the guardian's own calendar; null when it is not the child's. */
export async function bookingIcs(db: Db, clock: Clock, child: Child, slotId: number, t: (key: string, params?: Record<string, unknown>) => string): Promise<string | null> {
  const b = await talksQueries(db).bookingOfChild(child.id, slotId)
  if (!b) return null
  const cal = ical({ prodId: { company: 'Hubben', product: 'talks', language: 'SV' }, name: t('talks:ics.calendarName') })
  const staff = name(b.staff_given, b.staff_family)
  cal.createEvent({
    id: `talk-${b.slot_id}-${child.id}@hubben`,
    start: b.starts_at,
    end: b.ends_at,
    summary: t('talks:ics.summary', { child: child.givenName, staff }),
    location: b.digital ? b.meeting_link : b.place || null,
    description: [b.digital && b.meeting_link ? `${t('talks:digital')}: ${b.meeting_link}` : '', b.message].filter(Boolean).join('\n') || null,
    stamp: clock.now(),
  })
  return cal.toString()
}

/** The tile: the booked time, or the last day to book one. */
export async function talksSummary({ db, clock, actor, child }: BoxContext): Promise<BoxSummary | null> {
  const row = await talksTileFacts(db, child.id, clock.now(), clock.today())
  const f = formatters(actor.locale)
  if (row?.booked_at) {
    const at = new Date(row.booked_at)
    return { key: 'talks:summary.booked', params: { date: f.shortDate(at), time: f.time(at) } }
  }
  if (row?.book_by) return { key: 'talks:summary.bookBy', params: { date: f.weekdayDate(row.book_by) } }
  return null
}

// ---- The reminder the day before ---------------------------------------------------------

/**
 * The day before a talk, its guardians get a reminder: the bell (and push through the
 * outbox), and an e-mail with a link (never the booking's message) to those with an
 * address. Run by the housekeeping loop; idempotent: each booking is claimed once
 * (reminded_at), so repeated runs and several instances remind once; each e-mail also has
 * a dedupe key. A moved booking is reminded again.
 */
export async function sendTalkReminders(db: Db, clock: Clock, ctx: { baseUrl: string }): Promise<number> {
  const now = clock.now()
  const window = reminderWindow(now, clock.today())
  if (!window) return 0
  return db.transaction().execute(async (trx) => {
    const q = talksQueries(trx)
    const claimed = await q.claimReminders(window.from, window.to, now)
    for (const b of claimed) {
      const guardians = await q.guardiansOf(b.child_id)
      const link = `/children/${b.child_id}/talks`
      await createNotifications(trx, {
        recipientIds: guardians.map((g) => g.guardian_id), childId: b.child_id, area: 'talks', kind: 'talkReminder',
        params: { time: toLocalTime(new Date(b.starts_at)), staff: name(b.staff_given, b.staff_family) },
        link, now,
      })
      for (const g of guardians) {
        if (!g.email) continue
        const t = translator(g.locale)
        await enqueue(trx, {
          channel: 'email',
          payload: { to: g.email, subject: t('talks:email.reminderSubject'), text: t('talks:email.reminderBody', { name: g.given_name, link: `${ctx.baseUrl}${link}` }) },
          dedupeKey: `talk-reminder:${b.slot_id}:${b.child_id}:${toIsoDate(new Date(b.starts_at))}:to:${g.guardian_id}`,
          kind: 'talkReminder',
          recipientId: g.guardian_id,
          now,
        })
      }
    }
    return claimed.length
  })
}
