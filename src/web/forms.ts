import { Value } from '@sinclair/typebox/value'
import type { Static, TSchema } from '@sinclair/typebox'

/** A message at a field: a translation key and its values. */
export interface FieldError { key: string; params?: Record<string, string | number> }
export type FieldErrors = Record<string, FieldError>

export class FormError extends Error {
  constructor(public readonly errors: FieldErrors) {
    super('invalid form')
  }
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0
}

/** Trims every string of a urlencoded body; arrays stay arrays. */
export function cleanBody(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (!body || typeof body !== 'object') return out
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue
    out[k] = typeof v === 'string' ? v.trim() : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x.trim() : x)) : v
  }
  return out
}

/** One value or many (checkbox groups) as an array. */
export function asArray(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return []
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '')
}

/** A form's values as typed: text fields as strings, checkbox groups as arrays. */
export type FormValues = Record<string, string | string[]>

export type ParsedForm<S extends TSchema> =
  | { ok: true; value: Static<S>; values: FormValues }
  | { ok: false; errors: FieldErrors; values: FormValues }

/**
 * The one way to read a form. Routes declare `body: FormBody` (src/web/schemas.ts) and call
 * this with the form's own TypeBox schema (its fields and their lengths):
 * - strings are trimmed and `_csrf` dropped; a field sent twice counts as its first value,
 *   unless the schema makes it an array (checkbox groups: one value becomes a list);
 * - empty fields count as absent, so a required one gives `errors.field.required`;
 * - the first problem per field becomes a message key: required, tooLong, tooShort, or
 *   the field's own `errorKey` (e.g. `Type.String({ pattern: '@', errorKey: 'errors.field.email' })`),
 *   else invalid.
 * On `ok: false` the route re-renders the same template with `reply.code(422)`, `errors`
 * and `values` (the person's input). A service may add its rule errors ("a date in the
 * past") to the same `FieldErrors` and answer the same way.
 */
export function parseForm<S extends TSchema>(schema: S, body: unknown): ParsedForm<S> {
  const values = formValues(schema, body)
  const present: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(values)) if (v !== '' && !(Array.isArray(v) && v.length === 0)) present[k] = v
  if (Value.Check(schema, present)) return { ok: true, value: present as Static<S>, values }
  const errors: FieldErrors = {}
  for (const e of Value.Errors(schema, present)) {
    const field = e.path.replace(/^\//, '').split('/')[0] || '_form'
    if (errors[field]) continue
    const s = ((schema as { properties?: Record<string, TSchema> }).properties?.[field] ?? e.schema) as { maxLength?: number; minLength?: number; errorKey?: string }
    const v: unknown = present[field]
    if (v === undefined) errors[field] = { key: 'errors.field.required' }
    else if (typeof v === 'string' && s.maxLength !== undefined && v.length > s.maxLength) errors[field] = { key: 'errors.field.tooLong', params: { max: s.maxLength } }
    else if (typeof v === 'string' && s.minLength !== undefined && v.length < s.minLength) errors[field] = { key: 'errors.field.tooShort', params: { min: s.minLength } }
    else errors[field] = { key: s.errorKey ?? 'errors.field.invalid' }
  }
  return { ok: false, errors, values }
}

/** The body's fields in the schema's shape (see parseForm); fields the schema does not name are kept as sent. */
function formValues(schema: TSchema, body: unknown): FormValues {
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {}
  const out: FormValues = {}
  for (const [k, v] of Object.entries(cleanBody(body))) {
    const list = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : null
    if (list === null) continue
    const wantsList = props[k]?.type === 'array'
    out[k] = wantsList ? list.filter((x) => x !== '') : Array.isArray(v) && !props[k] ? list : list[0] ?? ''
  }
  return out
}
