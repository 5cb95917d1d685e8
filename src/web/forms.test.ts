import t from 'tap'
import { Type } from '@sinclair/typebox'
import { parseForm } from './forms.js'

const Form = Type.Object({
  title: Type.String({ minLength: 2, maxLength: 5 }),
  email: Type.Optional(Type.String({ pattern: '@', errorKey: 'errors.field.email' })),
  days: Type.Optional(Type.Array(Type.String())),
}, { additionalProperties: true })

t.test('a valid form: trimmed text, checkbox groups as lists, _csrf dropped', async (t) => {
  const r = parseForm(Form, { _csrf: 'x', title: '  abc ', days: 'mon', extra: 'kept' })
  t.ok(r.ok)
  if (r.ok) t.same(r.value, { title: 'abc', days: ['mon'], extra: 'kept' })
  t.same(parseForm(Form, { title: 'abc', days: ['mon', 'tue'] }).values.days, ['mon', 'tue'])
})

t.test('a field sent twice counts as its first value', async (t) => {
  const r = parseForm(Form, { title: ['abc', 'toolongvalue'] })
  t.ok(r.ok)
  t.same(r.values.title, 'abc')
})

t.test('messages per field, with the typed values', async (t) => {
  const empty = parseForm(Form, { title: '   ' })
  t.notOk(empty.ok)
  if (!empty.ok) t.same(empty.errors, { title: { key: 'errors.field.required' } })
  const long = parseForm(Form, { title: 'abcdefg', email: 'nope' })
  t.notOk(long.ok)
  if (!long.ok) {
    t.same(long.errors.title, { key: 'errors.field.tooLong', params: { max: 5 } })
    t.same(long.errors.email, { key: 'errors.field.email' }, "the field's own message")
    t.same(long.values, { title: 'abcdefg', email: 'nope' })
  }
  const short = parseForm(Form, { title: 'a' })
  if (!short.ok) t.same(short.errors.title, { key: 'errors.field.tooShort', params: { min: 2 } })
})
