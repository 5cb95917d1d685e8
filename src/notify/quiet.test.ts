import t from 'tap'
import { DEFAULT_QUIET, parseTimeOfDay, quietUntil, type QuietHours } from './quiet.js'

// The quiet-hours window on Stockholm's wall clock: inside/outside, across midnight, the two
// days the clocks change in 2026 (29 March: 02:00 -> 03:00; 25 October: 03:00 -> 02:00).
const at = (s: string) => new Date(s)
const until = (q: QuietHours, s: string) => quietUntil(q, at(s))?.toISOString() ?? null

t.test('the default window, 21:00-07:00, across midnight', async (t) => {
  t.same(DEFAULT_QUIET, { enabled: true, start: '21:00', end: '07:00' })
  t.equal(until(DEFAULT_QUIET, '2026-12-01T20:59:00+01:00'), null, 'before the start: outside')
  t.equal(until(DEFAULT_QUIET, '2026-12-01T21:00:00+01:00'), '2026-12-02T06:00:00.000Z', 'the start is inside; ends at 07:00 the next date')
  t.equal(until(DEFAULT_QUIET, '2026-12-01T22:30:00+01:00'), '2026-12-02T06:00:00.000Z')
  t.equal(until(DEFAULT_QUIET, '2026-12-01T23:59:00+01:00'), '2026-12-02T06:00:00.000Z', 'before midnight')
  t.equal(until(DEFAULT_QUIET, '2026-12-02T00:00:00+01:00'), '2026-12-02T06:00:00.000Z', 'after midnight: the same end')
  t.equal(until(DEFAULT_QUIET, '2026-12-02T06:59:00+01:00'), '2026-12-02T06:00:00.000Z')
  t.equal(until(DEFAULT_QUIET, '2026-12-02T07:00:00+01:00'), null, 'the end is outside')
  t.equal(until(DEFAULT_QUIET, '2026-12-02T12:00:00+01:00'), null)
  t.equal(until(DEFAULT_QUIET, '2026-12-31T23:30:00+01:00'), '2027-01-01T06:00:00.000Z', 'across the new year')
  // Evening in UTC is already the next date in Stockholm: the wall clock counts.
  t.equal(until(DEFAULT_QUIET, '2026-12-01T23:30:00Z'), '2026-12-02T06:00:00.000Z', '00:30 in Stockholm')
  t.equal(until(DEFAULT_QUIET, '2026-12-01T19:59:00Z'), null, '20:59 in Stockholm')
})

t.test('29 March 2026: the clocks go forward, the night is an hour shorter', async (t) => {
  const end = '2026-03-29T05:00:00.000Z' // 07:00 CEST
  t.equal(until(DEFAULT_QUIET, '2026-03-28T21:00:00+01:00'), end)
  const start = at('2026-03-28T21:00:00+01:00')
  t.equal((new Date(end).getTime() - start.getTime()) / 3600_000, 9, 'nine hours, not ten')
  t.equal(until(DEFAULT_QUIET, '2026-03-29T01:59:00+01:00'), end, 'before the change')
  t.equal(until(DEFAULT_QUIET, '2026-03-29T03:00:00+02:00'), end, 'after the change')
  t.equal(until(DEFAULT_QUIET, '2026-03-29T06:59:00+02:00'), end)
  t.equal(until(DEFAULT_QUIET, '2026-03-29T05:30:00Z'), null, '07:30 CEST is outside (06:30 by winter time would not be)')
  t.equal(until(DEFAULT_QUIET, '2026-03-29T21:00:00+02:00'), '2026-03-30T05:00:00.000Z', 'the next evening, in summer time')
})

t.test('25 October 2026: the clocks go back, the night is an hour longer', async (t) => {
  const end = '2026-10-25T06:00:00.000Z' // 07:00 CET
  t.equal(until(DEFAULT_QUIET, '2026-10-24T21:00:00+02:00'), end)
  t.equal((new Date(end).getTime() - at('2026-10-24T21:00:00+02:00').getTime()) / 3600_000, 11, 'eleven hours, not ten')
  t.equal(until(DEFAULT_QUIET, '2026-10-25T02:30:00+02:00'), end, 'the first 02:30')
  t.equal(until(DEFAULT_QUIET, '2026-10-25T02:30:00+01:00'), end, 'the second 02:30')
  t.equal(until(DEFAULT_QUIET, '2026-10-25T05:30:00Z'), end, '06:30 CET is inside (07:30 by summer time would not be)')
  t.equal(until(DEFAULT_QUIET, '2026-10-25T06:00:00Z'), null, '07:00 CET: over')
  t.equal(until(DEFAULT_QUIET, '2026-10-25T20:00:00Z'), '2026-10-26T06:00:00.000Z', 'the next evening (21:00 CET)')
})

t.test('a window within one day, start == end, and off', async (t) => {
  const day: QuietHours = { enabled: true, start: '13:00', end: '15:30' }
  t.equal(until(day, '2026-12-01T12:59:00+01:00'), null)
  t.equal(until(day, '2026-12-01T13:00:00+01:00'), '2026-12-01T14:30:00.000Z')
  t.equal(until(day, '2026-12-01T15:29:00+01:00'), '2026-12-01T14:30:00.000Z')
  t.equal(until(day, '2026-12-01T15:30:00+01:00'), null)
  t.equal(until(day, '2026-12-01T22:00:00+01:00'), null, 'no wrap-around for a daytime window')
  for (const s of ['2026-12-01T00:00:00+01:00', '2026-12-01T07:00:00+01:00', '2026-12-01T22:30:00+01:00']) {
    t.equal(until({ enabled: true, start: '07:00', end: '07:00' }, s), null, `start == end is no window (${s})`)
    t.equal(until({ ...DEFAULT_QUIET, enabled: false }, s), null, `off (${s})`)
  }
})

t.test('times of day as people type them', async (t) => {
  t.equal(parseTimeOfDay('21:00'), '21:00')
  t.equal(parseTimeOfDay('7:00'), '07:00')
  t.equal(parseTimeOfDay(' 06.30 '), '06:30')
  t.equal(parseTimeOfDay('00:00'), '00:00')
  for (const bad of ['24:00', '25:00', '7', '0700', '12:60', 'kl 7', '', '07:00:00', undefined, 7]) t.equal(parseTimeOfDay(bad), null, String(bad))
})
