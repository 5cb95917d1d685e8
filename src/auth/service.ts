import { createHash, randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import type { Actor } from '../people/service.js'
import { enqueue } from '../notify/outbox.js'
import type { Executor } from '../db/index.js'
import { translator, type Locale } from '../web/i18n.js'
import type { FieldErrors } from '../web/forms.js'
import { hashPassword, verifyPassword, PASSWORD_MAX, PASSWORD_MIN } from './passwords.js'

export const ACTIVATION_DAYS = 14
export const RESET_MINUTES = 60
/** Login throttling: failures counted over this window. */
export const THROTTLE_WINDOW_MINUTES = 15
export const MAX_FAILURES_PER_ACCOUNT = 5
export const MAX_FAILURES_PER_ADDRESS = 30

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,39}$/

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex')
}

export function normalizeUsername(u: string): string {
  return u.trim().toLowerCase()
}

export type LoginResult =
  | { ok: true; personId: number }
  | { ok: false; reason: 'invalid' | 'throttled' }

/** Failures a known device (device cookie) may make on its own before it is locked too. */
export const MAX_FAILURES_PER_DEVICE = 5

/**
 * Each attempt reserves its place before the password is hashed: it records itself as a
 * failure of the account (or of the known device) and of the address, then counts. An
 * attempt that finds more than the limit (itself included) is refused without hashing, so
 * at most N guesses are evaluated per window even when they arrive in parallel (the
 * reservations are committed before the count). A success removes its reservations and
 * the account's (or device's) failures. A browser with a valid device cookie for the
 * account is counted on its own key, so strangers' guesses cannot lock it out.
 */
export async function login(db: Db, clock: Clock, input: { username: string; password: string; ip: string; device?: string | null }): Promise<LoginResult> {
  const now = clock.now()
  const username = normalizeUsername(input.username)
  const accountKey = input.device ? `device:${input.device}` : `account:${username}`
  const accountMax = input.device ? MAX_FAILURES_PER_DEVICE : MAX_FAILURES_PER_ACCOUNT
  const addressKey = `address:${input.ip}`
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MINUTES * 60_000)
  const reserved = await db.insertInto('login_failures').values([{ key: accountKey, at: now }, { key: addressKey, at: now }])
    .returning('id').execute()
  const ids = reserved.map((r) => r.id)
  const counts = await db.selectFrom('login_failures')
    .select(['key', (eb) => eb.fn.countAll<number>().as('n')])
    .where('key', 'in', [accountKey, addressKey])
    .where('at', '>', since)
    .groupBy('key')
    .execute()
  const failures = (k: string) => Number(counts.find((c) => c.key === k)?.n ?? 0)
  if (failures(accountKey) > accountMax || failures(addressKey) > MAX_FAILURES_PER_ADDRESS) {
    await db.deleteFrom('login_failures').where('id', 'in', ids).execute()
    return { ok: false, reason: 'throttled' }
  }
  const person = username
    ? await db.selectFrom('persons').select(['id', 'password_hash'])
      .where(sql`lower(username)`, '=', username).where('password_hash', 'is not', null).executeTakeFirst()
    : undefined
  const ok = await verifyPassword(person?.password_hash ?? null, input.password)
  if (!ok || !person) return { ok: false, reason: 'invalid' }
  await db.deleteFrom('login_failures')
    .where((eb) => eb.or([eb('id', 'in', ids), eb('key', '=', accountKey)])).execute()
  return { ok: true, personId: person.id }
}

/** Forgets failures older than the window; run periodically. */
export async function purgeLoginFailures(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('login_failures').where('at', '<', new Date(now.getTime() - THROTTLE_WINDOW_MINUTES * 60_000)).execute()
}

export function validatePassword(password: string, field = 'password'): FieldErrors {
  if (!password) return { [field]: { key: 'errors.field.required' } }
  if (password.length < PASSWORD_MIN) return { [field]: { key: 'auth:errors.passwordTooShort', params: { min: PASSWORD_MIN } } }
  if (password.length > PASSWORD_MAX) return { [field]: { key: 'errors.field.tooLong', params: { max: PASSWORD_MAX } } }
  return {}
}

async function usernameErrors(db: Executor, username: string, selfId: number, field = 'username'): Promise<FieldErrors> {
  if (!username) return { [field]: { key: 'errors.field.required' } }
  if (!USERNAME.test(username)) return { [field]: { key: 'auth:errors.usernameFormat' } }
  const taken = await db.selectFrom('persons').select('id')
    .where(sql`lower(username)`, '=', username).where('id', '!=', selfId).executeTakeFirst()
  return taken ? { [field]: { key: 'auth:errors.usernameTaken' } } : {}
}

// ---- tokens (activation, reset) ----

async function createToken(db: Executor, personId: number, purpose: 'activation' | 'reset', now: Date, ttlMs: number): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  // A new link replaces older unused ones of the same purpose.
  await db.updateTable('account_tokens').set({ used_at: now })
    .where('person_id', '=', personId).where('purpose', '=', purpose).where('used_at', 'is', null).execute()
  await db.insertInto('account_tokens').values({
    person_id: personId, purpose, token_hash: sha256(token), expires_at: new Date(now.getTime() + ttlMs), created_at: now,
  }).execute()
  return token
}

export type TokenState = { state: 'valid'; personId: number; givenName: string } | { state: 'used' | 'expired' | 'unknown' }

export async function checkToken(db: Executor, token: string, purpose: 'activation' | 'reset', now: Date): Promise<TokenState> {
  const row = await db.selectFrom('account_tokens as t').innerJoin('persons as p', 'p.id', 't.person_id')
    .select(['t.person_id', 't.expires_at', 't.used_at', 'p.given_name'])
    .where('t.token_hash', '=', sha256(token)).where('t.purpose', '=', purpose)
    .executeTakeFirst()
  if (!row) return { state: 'unknown' }
  if (row.used_at) return { state: 'used' }
  if (row.expires_at <= now) return { state: 'expired' }
  return { state: 'valid', personId: row.person_id, givenName: row.given_name }
}

async function mailLink(db: Executor, to: { personId: number; email: string; locale: Locale; givenName: string }, kind: 'activation' | 'reset', link: string, now: Date) {
  const t = translator(to.locale)
  await enqueue(db, {
    channel: 'email',
    kind,
    recipientId: to.personId,
    now,
    payload: {
      to: to.email,
      subject: t(`auth:email.${kind}.subject`),
      text: t(`auth:email.${kind}.body`, { name: to.givenName, link, days: ACTIVATION_DAYS, minutes: RESET_MINUTES }),
    },
  })
}

export type InviteResult = { ok: true; personId: number } | { ok: false; reason: 'unknown' | 'no-email' | 'active' }

/**
 * Sends (or re-sends) an activation link to a person without an account yet, found by
 * e-mail address. The link is valid for 14 days and works once.
 */
export async function sendActivation(db: Db, clock: Clock, baseUrl: string, email: string): Promise<InviteResult> {
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    const person = await trx.selectFrom('persons').select(['id', 'email', 'locale', 'given_name', 'password_hash'])
      .where(sql`lower(email)`, '=', email.trim().toLowerCase()).orderBy('id').executeTakeFirst()
    if (!person) return { ok: false as const, reason: 'unknown' as const }
    if (person.password_hash) return { ok: false as const, reason: 'active' as const }
    const token = await createToken(trx, person.id, 'activation', now, ACTIVATION_DAYS * 86_400_000)
    await mailLink(trx, { personId: person.id, email: person.email!, locale: person.locale, givenName: person.given_name }, 'activation', `${baseUrl}/activate/${token}`, now)
    return { ok: true as const, personId: person.id }
  })
}

export type FormResult = { ok: true; personId: number } | { ok: false; errors: FieldErrors } | { ok: false; token: 'used' | 'expired' | 'unknown' }

export async function activate(db: Db, clock: Clock, token: string, input: { username: string; password: string; passwordConfirm: string }): Promise<FormResult> {
  const now = clock.now()
  const username = normalizeUsername(input.username)
  // The token first: a guessed or used link costs no password hashing.
  const pre = await checkToken(db, token, 'activation', now)
  if (pre.state !== 'valid') return { ok: false, token: pre.state }
  const passwordOk = !validatePassword(input.password).password && input.password === input.passwordConfirm
  const passwordHash = passwordOk ? await hashPassword(input.password) : ''
  try {
    return await db.transaction().execute(async (trx) => {
      const state = await checkToken(trx, token, 'activation', now)
      if (state.state !== 'valid') return { ok: false as const, token: state.state }
      const errors = { ...(await usernameErrors(trx, username, state.personId)), ...validatePassword(input.password) }
      if (!errors.password && input.password !== input.passwordConfirm) errors.passwordConfirm = { key: 'auth:errors.passwordMismatch' }
      if (Object.keys(errors).length) return { ok: false as const, errors }
      const used = await trx.updateTable('account_tokens').set({ used_at: now })
        .where('token_hash', '=', sha256(token)).where('used_at', 'is', null).executeTakeFirst()
      if (Number(used.numUpdatedRows) !== 1) return { ok: false as const, token: 'used' as const }
      await trx.updateTable('persons').set({ username, password_hash: passwordHash, activated_at: now })
        .where('id', '=', state.personId).execute()
      return { ok: true as const, personId: state.personId }
    })
  } catch (err) {
    // Two people racing for the same username: the unique index decides.
    if ((err as { code?: string }).code === '23505') return { ok: false, errors: { username: { key: 'auth:errors.usernameTaken' } } }
    throw err
  }
}

/** Always succeeds from the caller's point of view: the answer never tells whether the address exists. */
export async function requestPasswordReset(db: Db, clock: Clock, baseUrl: string, email: string): Promise<void> {
  const now = clock.now()
  const address = email.trim().toLowerCase()
  if (!address) return
  await db.transaction().execute(async (trx) => {
    const people = await trx.selectFrom('persons').select(['id', 'email', 'locale', 'given_name'])
      .where(sql`lower(email)`, '=', address).where('password_hash', 'is not', null).execute()
    for (const p of people) {
      const token = await createToken(trx, p.id, 'reset', now, RESET_MINUTES * 60_000)
      await mailLink(trx, { personId: p.id, email: p.email!, locale: p.locale, givenName: p.given_name }, 'reset', `${baseUrl}/password/reset/${token}`, now)
    }
  })
}

export async function resetPassword(db: Db, clock: Clock, token: string, input: { password: string; passwordConfirm: string }): Promise<FormResult> {
  const now = clock.now()
  const errors = validatePassword(input.password)
  if (!errors.password && input.password !== input.passwordConfirm) errors.passwordConfirm = { key: 'auth:errors.passwordMismatch' }
  const state = await checkToken(db, token, 'reset', now)
  if (state.state !== 'valid') return { ok: false, token: state.state }
  if (Object.keys(errors).length) return { ok: false, errors }
  const passwordHash = await hashPassword(input.password)
  return db.transaction().execute(async (trx) => {
    const used = await trx.updateTable('account_tokens').set({ used_at: now })
      .where('token_hash', '=', sha256(token)).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst()
    if (Number(used.numUpdatedRows) !== 1) return { ok: false as const, token: 'used' as const }
    await trx.updateTable('persons').set({ password_hash: passwordHash }).where('id', '=', state.personId).execute()
    // A new password ends every other session of the person.
    await trx.deleteFrom('sessions').where(sql`(data->>'personId')::int`, '=', state.personId).execute()
    return { ok: true as const, personId: state.personId }
  })
}

export async function changeUsername(db: Db, actor: Actor, input: { username: string }): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const username = normalizeUsername(input.username)
  const errors = await usernameErrors(db, username, actor.id)
  if (Object.keys(errors).length) return { ok: false, errors }
  try {
    await db.updateTable('persons').set({ username }).where('id', '=', actor.id).execute()
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return { ok: false, errors: { username: { key: 'auth:errors.usernameTaken' } } }
    throw err
  }
  return { ok: true }
}

/**
 * A new password (the current one checked) ends every other session of the person: a
 * stolen session dies when its owner changes the password. `keepSessionId` is the session
 * the change was made in.
 */
export async function changePassword(
  db: Db, actor: Actor, input: { currentPassword: string; newPassword: string; newPasswordConfirm: string }, keepSessionId?: string,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const row = await db.selectFrom('persons').select('password_hash').where('id', '=', actor.id).executeTakeFirstOrThrow()
  const errors: FieldErrors = {}
  if (!input.currentPassword) errors.currentPassword = { key: 'errors.field.required' }
  else if (!(await verifyPassword(row.password_hash, input.currentPassword))) errors.currentPassword = { key: 'auth:errors.currentPasswordWrong' }
  Object.assign(errors, validatePassword(input.newPassword, 'newPassword'))
  if (!errors.newPassword && input.newPassword !== input.newPasswordConfirm) errors.newPasswordConfirm = { key: 'auth:errors.passwordMismatch' }
  if (Object.keys(errors).length) return { ok: false, errors }
  const passwordHash = await hashPassword(input.newPassword)
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('persons').set({ password_hash: passwordHash }).where('id', '=', actor.id).execute()
    await trx.deleteFrom('sessions').where(sql`(data->>'personId')::int`, '=', actor.id)
      .$if(keepSessionId !== undefined, (q) => q.where('sid', '!=', keepSessionId!)).execute()
  })
  return { ok: true }
}

