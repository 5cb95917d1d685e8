import type { Db } from '../../db/index.js'
import type { Clock } from '../../clock.js'
import type { Actor } from '../../people/service.js'
import type { FieldErrors } from '../../web/forms.js'
import { isLocale, type Locale } from '../../web/i18n.js'

export const PRIVACY_FIELDS = ['showEmail', 'showMobile', 'showAddress', 'showChildPhoto'] as const

export interface PersonalInfo {
  givenName: string
  familyName: string
  email: string
  mobile: string
  street: string
  postalCode: string
  city: string
  addressEditedAt: Date | null
  locale: Locale
  privacy: Record<string, boolean>
}

export async function personalInfo(db: Db, actor: Actor): Promise<PersonalInfo> {
  const p = await db.selectFrom('persons')
    .select(['given_name', 'family_name', 'email', 'mobile', 'street', 'postal_code', 'city', 'address_edited_at', 'locale', 'privacy'])
    .where('id', '=', actor.id).executeTakeFirstOrThrow()
  return {
    givenName: p.given_name, familyName: p.family_name, email: p.email ?? '', mobile: p.mobile ?? '',
    street: p.street ?? '', postalCode: p.postal_code ?? '', city: p.city ?? '', addressEditedAt: p.address_edited_at,
    locale: p.locale, privacy: p.privacy ?? {},
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/** Swedish mobile numbers, written 070-123 45 67 or +46 70 123 45 67; stored as +4670... */
export function normalizeMobile(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '')
  if (/^07\d{8}$/.test(digits)) return `+46${digits.slice(1)}`
  if (/^\+467\d{8}$/.test(digits)) return digits
  if (/^00467\d{8}$/.test(digits)) return `+${digits.slice(2)}`
  return null
}

export async function updateContact(db: Db, actor: Actor, input: { email: string; mobile: string }): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {}
  if (input.email && (!EMAIL.test(input.email) || input.email.length > 254)) errors.email = { key: 'errors.field.email' }
  const mobile = input.mobile ? normalizeMobile(input.mobile) : null
  if (input.mobile && !mobile) errors.mobile = { key: 'settings:errors.mobile' }
  if (Object.keys(errors).length) return { ok: false, errors }
  await db.updateTable('persons').set({ email: input.email || null, mobile }).where('id', '=', actor.id).execute()
  return { ok: true }
}

export async function updateAddress(db: Db, clock: Clock, actor: Actor, input: { street: string; postalCode: string; city: string }): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {}
  if (!input.street) errors.street = { key: 'errors.field.required' }
  else if (input.street.length > 120) errors.street = { key: 'errors.field.tooLong', params: { max: 120 } }
  const postal = input.postalCode.replace(/\s/g, '')
  if (!/^\d{5}$/.test(postal)) errors.postalCode = { key: 'settings:errors.postalCode' }
  if (!input.city) errors.city = { key: 'errors.field.required' }
  else if (input.city.length > 60) errors.city = { key: 'errors.field.tooLong', params: { max: 60 } }
  if (Object.keys(errors).length) return { ok: false, errors }
  // A protected identity keeps no address in Hubben (the nightly transfer removes it too).
  const hidden = await db.selectFrom('persons').select('protected_identity').where('id', '=', actor.id).executeTakeFirst()
  if (hidden?.protected_identity) return { ok: false, errors: { street: { key: 'settings:errors.protectedIdentity' } } }
  await db.updateTable('persons').set({
    street: input.street, postal_code: `${postal.slice(0, 3)} ${postal.slice(3)}`, city: input.city, address_edited_at: clock.now(),
  }).where('id', '=', actor.id).execute()
  return { ok: true }
}

export async function updateLocale(db: Db, actor: Actor, locale: unknown): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  if (!isLocale(locale)) return { ok: false, errors: { locale: { key: 'errors.field.invalid' } } }
  await db.updateTable('persons').set({ locale }).where('id', '=', actor.id).execute()
  return { ok: true }
}

export async function updatePrivacy(db: Db, actor: Actor, checked: string[]): Promise<void> {
  const privacy = Object.fromEntries(PRIVACY_FIELDS.map((f) => [f, checked.includes(f)]))
  await db.updateTable('persons').set({ privacy: JSON.stringify(privacy) }).where('id', '=', actor.id).execute()
}
