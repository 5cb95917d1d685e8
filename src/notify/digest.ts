import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import { toLocalTime } from '../clock.js'
import { translator, type Locale } from '../web/i18n.js'
import { enqueue } from './outbox.js'

/** A digest covers at most this far back (someone who had it off for a week gets the last day). */
export const DIGEST_MAX_BACK_MS = 24 * 3600_000
/** Titles listed per child; the rest are counted. */
export const DIGEST_TITLES_PER_CHILD = 10
/** People handled per transaction. */
const BATCH = 200

interface DigestItem {
  id: number
  recipient_id: number
  child_id: number | null
  child_given: string | null
  child_family: string | null
  area: string
  kind: string
  params: Record<string, string | number>
  link: string
  read_at: Date | null
}

/** The digest's dedupe key: one per person and Stockholm date, whoever sends it. */
export const digestKey = (personId: number, date: string) => `digest:${personId}:${date}`

/**
 * The evening digest (issue 18), run by the housekeeping on every instance: for everyone who
 * wants one, whose chosen time (Stockholm) has come today and whose digest for today is not
 * decided yet, one e-mail listing per child what came to the bell since the last digest
 * (counts, titles and links, never a message's text: the bell's notices hold none), or
 * nothing when nothing is new. The preferences rows are claimed FOR UPDATE SKIP LOCKED and
 * marked with today's date in the same transaction as the e-mail's outbox row, whose dedupe
 * key `digest:<person>:<date>` is a second guard: with several instances it goes once a day.
 * Returns how many digests were queued.
 */
export async function sendEveningDigests(db: Db, clock: Clock, { baseUrl }: { baseUrl: string }): Promise<number> {
  const now = clock.now()
  const today = clock.today()
  const time = toLocalTime(now)
  const floor = new Date(now.getTime() - DIGEST_MAX_BACK_MS)
  let queued = 0
  for (;;) {
    const { claimed, sent } = await db.transaction().execute(async (trx) => {
      const due = await trx.selectFrom('notify_preferences as np')
        .innerJoin('persons as p', 'p.id', 'np.person_id')
        .select(['np.person_id', 'p.email', 'p.given_name', 'p.locale', 'p.deactivated_at', 'p.ended_at'])
        .where('np.digest_enabled', '=', true)
        .where('np.digest_time', '<=', time)
        .where((eb) => eb.or([eb('np.digest_last_date', 'is', null), eb('np.digest_last_date', '<', today)]))
        .orderBy('np.person_id')
        .limit(BATCH)
        .forUpdate('np').skipLocked()
        .execute()
      if (due.length === 0) return { claimed: 0, sent: 0 }
      const ids = due.map((d) => d.person_id)
      const items = await trx.selectFrom('notifications as n')
        .innerJoin('notify_preferences as np', 'np.person_id', 'n.recipient_id')
        .leftJoin('persons as c', 'c.id', 'n.child_id')
        .select(['n.id', 'n.recipient_id', 'n.child_id', 'c.given_name as child_given', 'c.family_name as child_family', 'n.area', 'n.kind', 'n.params', 'n.link', 'n.read_at'])
        .where('n.recipient_id', 'in', ids)
        .where('n.created_at', '>', sql<Date>`greatest(np.digest_since, ${floor}::timestamptz)`)
        .where('n.created_at', '<=', now)
        .orderBy('n.recipient_id').orderBy('n.created_at').orderBy('n.id')
        .execute() as DigestItem[]
      const byPerson = new Map<number, DigestItem[]>()
      for (const it of items) byPerson.set(it.recipient_id, [...(byPerson.get(it.recipient_id) ?? []), it])
      let sent = 0
      for (const d of due) {
        const mine = byPerson.get(d.person_id) ?? []
        // Nothing new, or nowhere to send it: today is decided all the same.
        if (mine.length === 0 || !d.email || d.deactivated_at || d.ended_at) continue
        const mail = renderDigest(d.locale, { givenName: d.given_name, baseUrl, items: mine })
        if (await enqueue(trx, { channel: 'email', payload: { to: d.email, ...mail }, dedupeKey: digestKey(d.person_id, today), kind: 'digest', recipientId: d.person_id, now })) sent++
      }
      await trx.updateTable('notify_preferences').set({ digest_last_date: today, digest_since: now })
        .where('person_id', 'in', ids).execute()
      return { claimed: due.length, sent }
    })
    queued += sent
    if (claimed < BATCH) return queued
  }
}

/** The digest's e-mail, plain text in the person's language (the mailer sends text only). */
export function renderDigest(locale: Locale, d: { givenName: string; baseUrl: string; items: DigestItem[] }): { subject: string; text: string } {
  const t = translator(locale)
  const groups = new Map<string, { name: string; items: DigestItem[] }>()
  for (const it of d.items) {
    const key = String(it.child_id ?? 'general')
    const name = it.child_id ? `${it.child_given ?? ''} ${it.child_family ?? ''}`.trim() : t('notifications:general')
    groups.set(key, { name, items: [...(groups.get(key)?.items ?? []), it] })
  }
  // Children by name; what is about no child last.
  const ordered = [...groups.entries()].sort(([a, x], [b, y]) => (a === 'general' ? 1 : b === 'general' ? -1 : x.name.localeCompare(y.name, locale)))
  const lines: string[] = [t('notifications:digest.mail.greeting', { name: d.givenName }), '', t('notifications:digest.mail.intro'), '']
  for (const [, g] of ordered) {
    const unread = g.items.filter((i) => !i.read_at).length
    lines.push(`${g.name}: ${t('notifications:digest.mail.count', { count: g.items.length })}, ${t('notifications:digest.mail.unread', { count: unread })}`)
    const areas = new Map<string, number>()
    for (const i of g.items) areas.set(i.area, (areas.get(i.area) ?? 0) + 1)
    lines.push(`  ${[...areas.entries()].map(([a, n]) => `${t(`notifications:areas.${a}`)} ${n}`).join(' · ')}`)
    // Newest first; the notice's own title (never more: a message's text is not in the bell).
    for (const i of [...g.items].reverse().slice(0, DIGEST_TITLES_PER_CHILD)) {
      lines.push(`  - ${t(`notifications:kinds.${i.kind}`, i.params ?? {})}`)
      lines.push(`    ${d.baseUrl}${i.link}`)
    }
    if (g.items.length > DIGEST_TITLES_PER_CHILD) lines.push(`  ${t('notifications:digest.mail.more', { count: g.items.length - DIGEST_TITLES_PER_CHILD })}`)
    lines.push('')
  }
  lines.push(t('notifications:digest.mail.all', { link: `${d.baseUrl}/notifications` }))
  lines.push('', '--', t('notifications:digest.mail.footer', { link: `${d.baseUrl}/settings#quiet` }))
  return { subject: t('notifications:digest.mail.subject', { count: d.items.length }), text: lines.join('\n') + '\n' }
}
