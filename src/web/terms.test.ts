import t from 'tap'
import { compareTermsDesc, isTerm, termOf } from './terms.js'
import { groupByTermAndSubject } from '../boxes/assessments/service.js'

t.test('terms: autumn from July, spring until June; newest first', async (t) => {
  t.equal(termOf('2026-12-01'), 'HT2026')
  t.equal(termOf('2026-07-01'), 'HT2026')
  t.equal(termOf('2026-06-30'), 'VT2026')
  t.equal(termOf('2027-01-10'), 'VT2027')
  t.same(['VT2026', 'HT2025', 'VT2027', 'HT2026'].sort(compareTermsDesc), ['VT2027', 'HT2026', 'VT2026', 'HT2025'])
  t.ok(isTerm('HT2026'))
  t.notOk(isTerm('ht2026'))
  t.notOk(isTerm('HT26'))
})

t.test('assessments are grouped by term (newest first), then subject', async (t) => {
  const row = (id: number, term: string, subject: string) => ({ id, term, subject, grade: 'B', comment: '', assessed_on: '2026-11-01', teacher: null, published_at: null })
  const groups = groupByTermAndSubject([row(1, 'VT2026', 'Svenska'), row(2, 'HT2026', 'Svenska'), row(3, 'HT2026', 'Engelska'), row(4, 'HT2026', 'Svenska')])
  t.same(groups.map((g) => [g.term, g.subjects.map((s) => [s.subject, s.items.map((i) => i.id)])]), [
    ['HT2026', [['Engelska', [3]], ['Svenska', [2, 4]]]],
    ['VT2026', [['Svenska', [1]]]],
  ])
})
