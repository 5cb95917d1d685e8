import t from 'tap'
import { maskPersonalNumber, normalisePersonalNumber, samePersonalNumber } from './personal-number.js'

t.test('normalised to 12 digits', async (t) => {
  const today = new Date('2026-12-01T12:00:00Z')
  t.equal(normalisePersonalNumber('198503142385', today), '198503142385')
  t.equal(normalisePersonalNumber('19850314-2385', today), '198503142385')
  t.equal(normalisePersonalNumber(' 850314-2385 ', today), '198503142385')
  t.equal(normalisePersonalNumber('160315-2388', today), '201603152388')
  t.equal(normalisePersonalNumber('160315+2388', today), '191603152388', '+: a hundred years or older')
  t.equal(normalisePersonalNumber('8503142385', today), '198503142385')
  for (const bad of ['', null, undefined, '1985031423', 'abcdefghijkl', '19850314-23855']) t.equal(normalisePersonalNumber(bad as string), null, String(bad))
})

t.test('the same person, whatever the form', async (t) => {
  t.ok(samePersonalNumber('19850314-2385', '198503142385'))
  t.notOk(samePersonalNumber('198503142385', '198307212392'))
  t.notOk(samePersonalNumber(null, '198503142385'), 'no number on file: never the same')
  t.notOk(samePersonalNumber('junk', 'junk'))
})

t.test('masked: the date of birth only', async (t) => {
  t.equal(maskPersonalNumber('198503142385'), '19850314-****')
  t.equal(maskPersonalNumber(null), '****')
})
