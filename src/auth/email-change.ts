import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import type { Actor } from '../people/service.js'
import type { FieldErrors } from '../web/forms.js'
import { translator } from '../web/i18n.js'
import { enqueue } from '../notify/outbox.js'
import { normalizeMobile } from '../boxes/settings/service.js'
import { verifyPassword } from './passwords.js'

/** How long the confirmation link to a new e-mail address works. */
export const EMAIL_CHANGE_HOURS = 24

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase()

export type ContactResult =
  | { ok: true; emailPending: string | null; emailRemoved: boolean }
  | { ok: false; errors: FieldErrors }

/**
 * Saves the contact details (Inställningar → Personuppgifter). The mobile number is saved at
 * once. A new e-mail address needs the current password (a stolen session must not be able
 * to take over the account through "forgot password"), and is only stored when the person
 * opens the single-use link sent to it (EMAIL_CHANGE_HOURS); the old address gets a notice
 * at once. Removing the address needs the password too.
 */
export async function changeContact(
  db: Db, clock: Clock, baseUrl: string, actor: Actor,
  input: { email: string; mobile: string; currentPassword: string },
): Promise<ContactResult> {
  const now = clock.now()
  const person = await db.selectFrom('persons').select(['email', 'password_hash', 'locale', 'given_name'])
    .where('id', '=', actor.id).executeTakeFirstOrThrow()
  const email = input.email.trim()
  const emailChanged = !same(email, person.email)
  const errors: FieldErrors = {}
  if (email && (!EMAIL.test(email) || email.length > 254)) errors.email = { key: 'errors.field.email' }
  const mobile = input.mobile ? normalizeMobile(input.mobile) : null
  if (input.mobile && !mobile) errors.mobile = { key: 'settings:errors.mobile' }
  if (emailChanged && !errors.email) {
    if (!input.currentPassword) errors.currentPassword = { key: 'settings:errors.currentPasswordForEmail' }
    else if (!(await verifyPassword(person.password_hash, input.currentPassword))) errors.currentPassword = { key: 'auth:errors.currentPasswordWrong' }
  }
  if (Object.keys(errors).length) return { ok: false, errors }

  return db.transaction().execute(async (trx) => {
    await trx.updateTable('persons').set({ mobile }).where('id', '=', actor.id).execute()
    if (!emailChanged) return { ok: true as const, emailPending: null, emailRemoved: false }
    const notice = (to: string, key: 'emailChangeRequested' | 'emailRemoved') => {
      const t = translator(person.locale)
      return enqueue(trx, {
        channel: 'email', kind: `email-change-notice`, recipientId: actor.id, now,
        payload: { to, subject: t(`auth:email.${key}.subject`), text: t(`auth:email.${key}.body`, { name: person.given_name, email }) },
      })
    }
    if (!email) {
      await trx.updateTable('persons').set({ email: null }).where('id', '=', actor.id).execute()
      if (person.email) await notice(person.email, 'emailRemoved')
      return { ok: true as const, emailPending: null, emailRemoved: true }
    }
    // A new request replaces an earlier unconfirmed one.
    await trx.updateTable('account_tokens').set({ used_at: now })
      .where('person_id', '=', actor.id).where('purpose', '=', 'email').where('used_at', 'is', null).execute()
    const token = randomBytes(32).toString('base64url')
    await trx.insertInto('account_tokens').values({
      person_id: actor.id, purpose: 'email', token_hash: sha256(token), new_email: email,
      expires_at: new Date(now.getTime() + EMAIL_CHANGE_HOURS * 3_600_000), created_at: now,
    }).execute()
    const t = translator(person.locale)
    await enqueue(trx, {
      channel: 'email', kind: 'email-change', recipientId: actor.id, now,
      payload: {
        to: email,
        subject: t('auth:email.emailChange.subject'),
        text: t('auth:email.emailChange.body', { name: person.given_name, link: `${baseUrl}/settings/email/confirm/${token}`, hours: EMAIL_CHANGE_HOURS }),
      },
    })
    if (person.email) await notice(person.email, 'emailChangeRequested')
    return { ok: true as const, emailPending: email, emailRemoved: false }
  })
}

export type EmailTokenState = { state: 'valid'; personId: number; newEmail: string } | { state: 'used' | 'expired' | 'unknown' }

export async function checkEmailToken(db: Db, token: string, now: Date): Promise<EmailTokenState> {
  const row = await db.selectFrom('account_tokens').select(['person_id', 'new_email', 'expires_at', 'used_at'])
    .where('token_hash', '=', sha256(token)).where('purpose', '=', 'email').executeTakeFirst()
  if (!row) return { state: 'unknown' }
  if (row.used_at) return { state: 'used' }
  if (row.expires_at <= now) return { state: 'expired' }
  return { state: 'valid', personId: row.person_id, newEmail: row.new_email! }
}

/** Opens the link: the address changes now, once; a used, replaced or expired link changes nothing. */
export async function confirmEmailChange(db: Db, clock: Clock, token: string): Promise<EmailTokenState> {
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    const used = await trx.updateTable('account_tokens').set({ used_at: now })
      .where('token_hash', '=', sha256(token)).where('purpose', '=', 'email')
      .where('used_at', 'is', null).where('expires_at', '>', now)
      .returning(['person_id', 'new_email']).executeTakeFirst()
    if (!used) return checkEmailToken(trx as unknown as Db, token, now)
    await trx.updateTable('persons').set({ email: used.new_email }).where('id', '=', used.person_id).execute()
    return { state: 'valid' as const, personId: used.person_id, newEmail: used.new_email! }
  })
}
