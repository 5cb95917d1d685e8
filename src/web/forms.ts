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

/**
 * Checks a body against a TypeBox schema and turns the first problem per field into
 * a message key: required, tooLong, tooShort or invalid.
 */
export function parseForm<S extends TSchema>(schema: S, body: unknown):
  { ok: true; value: Static<S> } | { ok: false; errors: FieldErrors; values: Record<string, unknown> } {
  const values = cleanBody(body)
  for (const [k, v] of Object.entries(values)) if (v === '') delete values[k]
  if (Value.Check(schema, values)) return { ok: true, value: values as Static<S> }
  const errors: FieldErrors = {}
  for (const e of Value.Errors(schema, values)) {
    const field = e.path.replace(/^\//, '').split('/')[0] || '_form'
    if (errors[field]) continue
    const s = e.schema as { maxLength?: number; minLength?: number }
    if (e.value === undefined) errors[field] = { key: 'errors.field.required' }
    else if (typeof e.value === 'string' && s.maxLength !== undefined && e.value.length > s.maxLength) errors[field] = { key: 'errors.field.tooLong', params: { max: s.maxLength } }
    else if (typeof e.value === 'string' && s.minLength !== undefined && e.value.length < s.minLength) errors[field] = { key: 'errors.field.tooShort', params: { min: s.minLength } }
    else errors[field] = { key: 'errors.field.invalid' }
  }
  return { ok: false, errors, values: cleanBody(body) }
}
