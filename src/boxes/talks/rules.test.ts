import t from 'tap'
import type { Actor } from '../../people/service.js'
import type { FieldErrors } from '../../web/forms.js'
import {
  bookable, cancellable, checkPublishFields, collisions, generateTimes, orderErrors, parseTime, reminderWindow, roundOpen, type PublishText,
} from './rules.js'

// The talks' pure rules, without a database. Tuesday 1 December 2026 is "today".
const today = '2026-12-01'
const good: PublishText = {
  dates: '2026-12-16 2026-12-15', from: '08:00', to: '10:00', length: '20', pause: '10', placeKind: 'room', place: 'Sal 12', lastDay: '2026-12-11',
}
const check = (over: PublishText) => {
  const errors: FieldErrors = {}
  const times = checkPublishFields({ ...good, ...over }, today, errors)
  return { times, errors, keys: Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, e.key])) }
}

t.test('times from from/to/length/pause: each talk ends by "to"', async (t) => {
  t.same(generateTimes({ dates: ['2026-12-15'], from: '08:00', to: '10:00', length: 20, pause: 10 }).map((x) => `${x.start}-${x.end}`),
    ['08:00-08:20', '08:30-08:50', '09:00-09:20', '09:30-09:50'])
  t.same(generateTimes({ dates: ['2026-12-15'], from: '14:00', to: '15:00', length: 30, pause: 0 }).map((x) => x.start), ['14:00', '14:30'], 'the last one ends exactly at "to"')
  t.equal(generateTimes({ dates: ['2026-12-15', '2026-12-16'], from: '08:00', to: '10:00', length: 20, pause: 10 }).length, 8, 'per date')
  t.same(generateTimes({ dates: ['2026-12-15'], from: '08:00', to: '08:10', length: 20, pause: 0 }), [], 'none fits')
})

t.test('times as typed', async (t) => {
  for (const [raw, want] of [['8:00', '08:00'], ['0800', '08:00'], ['8.05', '08:05'], ['23:59', '23:59']] as const) t.equal(parseTime(raw), want, raw)
  for (const raw of ['24:00', '8:60', 'x', '', undefined]) t.equal(parseTime(raw), null, String(raw))
})

t.test('the publish form: a good one gives the input, dates sorted and unique', async (t) => {
  const { times, errors } = check({ dates: '2026-12-16, 2026-12-15;2026-12-16' })
  t.same(errors, {})
  t.same(times, { dates: ['2026-12-15', '2026-12-16'], from: '08:00', to: '10:00', length: 20, pause: 10, digital: false, place: 'Sal 12', link: null, lastDay: '2026-12-11' })
  t.same(check({ pause: '' }).times?.pause, 0, 'no pause is 0')
  const digital = check({ placeKind: 'digital', place: '', link: 'https://meet.example/x' })
  t.same([digital.times?.digital, digital.times?.link], [true, 'https://meet.example/x'])
})

t.test('the publish form: each problem at its field', async (t) => {
  t.same(check({ dates: '' }).keys, { dates: 'talks:errors.datesRequired' })
  t.same(check({ dates: '15/12' }).keys, { dates: 'talks:errors.datesFormat' })
  t.same(check({ dates: '2026-12-01' }).keys.dates, 'talks:errors.datesFuture', 'today is not ahead')
  t.same(check({ dates: '2028-01-10' }).keys.dates, 'talks:errors.datesTooFar')
  t.same(check({ dates: Array.from({ length: 11 }, (_, i) => `2026-12-${String(10 + i)}`).join(' ') }).keys.dates, 'talks:errors.datesTooMany')
  t.same(check({ from: '25:00' }).keys, { from: 'talks:errors.time' })
  t.same(check({ to: '07:00' }).keys, { to: 'talks:errors.toAfterFrom' })
  t.same(check({ length: '4' }).keys, { length: 'talks:errors.length' })
  t.same(check({ pause: '121' }).keys, { pause: 'talks:errors.pause' })
  t.same(check({ from: '08:00', to: '08:10' }).keys, { length: 'talks:errors.noTimes' })
  t.same(check({ from: '06:00', to: '23:00', length: '5', pause: '0' }).keys, { length: 'talks:errors.tooManyTimes' }, 'over 200 times')
  t.same(check({ placeKind: 'moon' }).keys, { placeKind: 'talks:errors.placeKind' })
  t.same(check({ place: '' }).keys, { place: 'talks:errors.place' })
  t.same(check({ placeKind: 'digital', link: '' }).keys, { link: 'talks:errors.linkRequired' })
  t.same(check({ placeKind: 'digital', link: 'javascript:alert(1)' }).keys, { link: 'talks:errors.link' })
})

t.test('deadlines: the last day to book, the lastDay field, Avboka', async (t) => {
  t.same(check({ lastDay: '2026-11-30' }).keys, { lastDay: 'talks:errors.lastDayPast' })
  t.same(check({ lastDay: '2026-12-16' }).keys, { lastDay: 'talks:errors.lastDayAfter' }, 'after the first talk date')
  t.same(check({ lastDay: '2026-12-15' }).keys, {}, 'the first talk date itself is fine')
  t.same(check({ lastDay: 'soon' }).keys, { lastDay: 'talks:errors.lastDayFormat' })
  t.ok(roundOpen('2026-12-07', '2026-12-07'), 'open through its last day')
  t.notOk(roundOpen('2026-12-08', '2026-12-07'))
  const now = new Date('2026-12-07T20:00:00+01:00')
  t.ok(bookable(new Date('2026-12-08T14:00:00+01:00'), '2026-12-07', now))
  t.notOk(bookable(new Date('2026-12-08T14:00:00+01:00'), '2026-12-06', now), 'the round closed')
  t.notOk(bookable(new Date('2026-12-07T14:00:00+01:00'), '2026-12-07', now), 'the time has passed')
  const guardian = { role: 'guardian' } as Actor
  t.ok(cancellable(true, new Date('2026-12-08T14:00:00+01:00'), now, guardian))
  t.notOk(cancellable(false, new Date('2026-12-08T14:00:00+01:00'), now, guardian), 'after the last day')
  t.notOk(cancellable(true, new Date('2026-12-08T14:00:00+01:00'), now, { role: 'pupil' } as Actor), 'not for pupils')
})

t.test('the reminder: tomorrow\'s talks, from 08:00 the day before', async (t) => {
  t.equal(reminderWindow(new Date('2026-12-07T07:59:00+01:00'), '2026-12-07'), null, 'not in the night')
  const w = reminderWindow(new Date('2026-12-07T09:00:00+01:00'), '2026-12-07')!
  t.equal(w.from.toISOString(), '2026-12-07T23:00:00.000Z')
  t.equal(w.to.toISOString(), '2026-12-08T23:00:00.000Z')
})

t.test('collisions with the pedagogue\'s lessons and other talks; touching ends do not collide', async (t) => {
  const input = { dates: ['2026-12-15'], from: '08:00', to: '09:00', length: 20, pause: 10 }
  const lessons = [
    { date: '2026-12-15', starts_at: '08:10:00', ends_at: '08:20:00', subject: 'Svenska', group_name: '4B' },
    { date: '2026-12-16', starts_at: '08:00:00', ends_at: '09:00:00', subject: 'Matte', group_name: '4B' },
    { date: '2026-12-15', starts_at: '08:50:00', ends_at: '09:30:00', subject: 'Bild', group_name: '5A' },
  ]
  const talks = [{ starts_at: new Date('2026-12-15T08:20:00+01:00'), ends_at: new Date('2026-12-15T08:40:00+01:00'), group_name: '5A' }]
  const times = collisions(input, lessons, talks)
  t.same(times.map((x) => x.collisions.map((c) => `${c.kind} ${c.text} ${c.start}-${c.end}`)), [
    ['lesson Svenska (4B) 08:10-08:20'],
    ['talk 5A 08:20-08:40'],
  ], 'the 08:00 meets Svenska; the 08:30 the other talk; another day\'s lesson and one starting at the end do not count')
  t.equal(times[0]!.start.toISOString(), '2026-12-15T07:00:00.000Z')
})

t.test('messages in the order of the form', async (t) => {
  t.same(Object.keys(orderErrors({ lastDay: { key: 'a' }, group: { key: 'b' }, from: { key: 'c' } })), ['group', 'from', 'lastDay'])
})
