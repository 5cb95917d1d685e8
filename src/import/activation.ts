import { createHash, randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Executor } from '../db/index.js'
import { ACTIVATION_DAYS } from '../auth/service.js'
import { translator, type Locale } from '../web/i18n.js'

const BATCH = 500

// The same token scheme as src/auth/service.ts (checkToken reads these rows): 32 random
// bytes in the link, their SHA-256 in the table. Written here in bulk, because an import
// may invite tens of thousands of people in one transaction.
function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: createHash('sha256').update(token).digest('hex') }
}

interface Invitee { id: number; email: string; locale: Locale; given_name: string }

async function invite(trx: Executor, people: Invitee[], now: Date, baseUrl: string, dedupe: (id: number) => string | null): Promise<void> {
  const expires = new Date(now.getTime() + ACTIVATION_DAYS * 86_400_000)
  for (let i = 0; i < people.length; i += BATCH) {
    const batch = people.slice(i, i + BATCH)
    const ids = batch.map((p) => p.id)
    // A new link replaces older unused ones.
    await trx.updateTable('account_tokens').set({ used_at: now })
      .where('person_id', 'in', ids).where('purpose', '=', 'activation').where('used_at', 'is', null).execute()
    const tokens = batch.map(() => newToken())
    await trx.insertInto('account_tokens').values(batch.map((p, j) => ({
      person_id: p.id, purpose: 'activation' as const, token_hash: tokens[j]!.hash, expires_at: expires, created_at: now,
    }))).execute()
    await trx.insertInto('outbox').values(batch.map((p, j) => {
      const t = translator(p.locale)
      return {
        channel: 'email' as const,
        payload: JSON.stringify({
          to: p.email,
          subject: t('auth:email.activation.subject'),
          text: t('auth:email.activation.body', { name: p.given_name, link: `${baseUrl}/activate/${tokens[j]!.token}`, days: ACTIVATION_DAYS }),
        }),
        dedupe_key: dedupe(p.id),
        kind: 'activation',
        recipient_id: p.id,
        next_attempt_at: now,
        created_at: now,
      }
    })).onConflict((oc) => oc.column('dedupe_key').doNothing()).execute()
  }
}

/**
 * Activation links for the imported guardians and pupils who have an e-mail address,
 * no account yet and no link (valid or expired) from before: each gets one, once; a
 * second run finds the link and sends nothing. Leaving the file voids a person's links,
 * so someone who comes back is invited again. Returns how many were queued.
 */
export async function issueActivations(trx: Executor, now: Date, baseUrl: string): Promise<number> {
  const people = await trx.selectFrom('persons as p')
    .select(['p.id', sql<string>`p.email`.as('email'), 'p.locale', 'p.given_name'])
    .where('p.external_id', 'is not', null)
    .where('p.role', 'in', ['guardian', 'child'])
    .where('p.email', 'is not', null)
    .where('p.password_hash', 'is', null)
    .where('p.ended_at', 'is', null)
    .where('p.deactivated_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('account_tokens as t').select('t.id').whereRef('t.person_id', '=', 'p.id').where('t.purpose', '=', 'activation').where('t.used_at', 'is', null))))
    .orderBy('p.id')
    .execute()
  await invite(trx, people, now, baseUrl, () => null)
  return people.length
}

/** One new link for one person (the admin's "send again"); the caller has checked who may. */
export async function sendActivationTo(trx: Executor, person: Invitee, now: Date, baseUrl: string): Promise<void> {
  await invite(trx, [person], now, baseUrl, () => null)
}
