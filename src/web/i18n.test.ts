import t from 'tap'
import { translator } from './i18n.js'

t.test('the memoized translator gives what i18next gives, per call', async (t) => {
  const sv = translator('sv')
  const en = translator('en')
  t.equal(sv('frame.messages', { count: 1 }), 'Meddelanden, 1 oläst')
  t.equal(sv('frame.messages', { count: 3 }), 'Meddelanden, 3 olästa', 'the count is part of the memo key')
  t.equal(sv('frame.messages', { count: 1 }), 'Meddelanden, 1 oläst', 'and asked again, the same')
  t.not(en('frame.messages', { count: 1 }), sv('frame.messages', { count: 1 }), 'per language')
  t.equal(sv('frame.messages', { count: '1' }), sv('frame.messages', { count: '1' }))
  // Values that look like another call's separators cannot collide with it.
  const a = sv('absence:summary.latest', { date: 'x\u0000b=y' })
  const b = sv('absence:summary.latest', { date: 'x', b: 'y' })
  t.not(a, b)
  t.match(a, /x\u0000b=y/)
})
