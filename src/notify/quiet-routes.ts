import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { SettingsSection } from '../web/box.js'
import { requireLogin } from '../web/guards.js'
import { FormBody } from '../web/schemas.js'
import { parseForm } from '../web/forms.js'
import { DEFAULT_DIGEST_TIME, DIGEST_TIMES, quietOf, saveDigest, saveQuietHours, type NotifyPreferences } from './quiet.js'

const TIME = { maxLength: 5, pattern: '^([01]?[0-9]|2[0-3])[:.][0-5][0-9]$', errorKey: 'notifications:quiet.errors.time' }
export const QuietForm = Type.Object({
  quietOn: Type.Optional(Type.Literal('on')),
  quietStart: Type.String(TIME),
  quietEnd: Type.String(TIME),
})
export const DigestForm = Type.Object({
  digestOn: Type.Optional(Type.Literal('on')),
  digestTime: Type.String({ maxLength: 5, errorKey: 'notifications:digest.errors.time' }),
})

/**
 * The settings section "Tysta timmar och kvällsbrev": quiet hours for push, and the evening
 * digest by e-mail. Its forms answer 422 with the whole settings page (errors beside the
 * fields, what was typed kept).
 */
export const quietSettingsSection: SettingsSection = {
  id: 'quiet',
  title: 'notifications:quiet.sectionTitle',
  template: '/notifications/_quiet-settings',
  async data(req) {
    // One statement: the preferences (defaults without a row) and whether there is an address to send a digest to.
    const row = await req.server.deps.db.selectFrom('persons as p')
      .leftJoin('notify_preferences as q', 'q.person_id', 'p.id')
      .select(['p.email', 'q.quiet_enabled', 'q.quiet_start', 'q.quiet_end', 'q.digest_enabled', 'q.digest_time'])
      .where('p.id', '=', req.actor!.id).executeTakeFirstOrThrow()
    const prefs: NotifyPreferences = {
      quiet: quietOf(row),
      digest: { enabled: row.digest_enabled ?? false, time: row.digest_time ?? DEFAULT_DIGEST_TIME },
    }
    return { notifyPrefs: prefs, hasEmail: Boolean(row.email), digestTimes: DIGEST_TIMES }
  },
  async routes(fastify, { render }) {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
    const { db, clock } = app.deps

    app.post('/settings/quiet-hours', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
      const form = parseForm(QuietForm, req.body)
      const values = { quietOn: form.values.quietOn ?? '', quietStart: form.values.quietStart ?? '', quietEnd: form.values.quietEnd ?? '' }
      if (!form.ok) return render(req, reply.code(422), { errors: form.errors, values, form: 'quiet' })
      const saved = await saveQuietHours(db, req.actor!.id, { enabled: form.value.quietOn === 'on', start: form.value.quietStart, end: form.value.quietEnd }, clock.now())
      if (!saved.ok) return render(req, reply.code(422), { errors: saved.errors, values, form: 'quiet' })
      // Held notices may have been let out (quiet hours off or over): deliver them now.
      app.outboxKick()
      reply.flash({ kind: 'success', key: 'notifications:quiet.saved' })
      return reply.redirect('/settings#quiet', 303)
    })

    app.post('/settings/digest', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
      const form = parseForm(DigestForm, req.body)
      const values = { digestOn: form.values.digestOn ?? '', digestTime: form.values.digestTime ?? '' }
      if (!form.ok) return render(req, reply.code(422), { errors: form.errors, values, form: 'digest' })
      const saved = await saveDigest(db, req.actor!.id, { enabled: form.value.digestOn === 'on', time: form.value.digestTime }, clock.now())
      if (!saved.ok) return render(req, reply.code(422), { errors: saved.errors, values, form: 'digest' })
      reply.flash({ kind: 'success', key: form.value.digestOn === 'on' ? 'notifications:digest.savedOn' : 'notifications:digest.savedOff' })
      return reply.redirect('/settings#quiet', 303)
    })
  },
}
