import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { requireLogin } from '../../web/guards.js'
import { FormBody } from '../../web/schemas.js'
import { asArray, cleanBody, type FieldErrors } from '../../web/forms.js'
import type { SettingsSection } from '../../web/box.js'
import { PRIVACY_FIELDS, personalInfo, updateAddress, updateLocale, updatePrivacy } from './service.js'
import { changeContact } from '../../auth/email-change.js'


/** Inställningar: personal information, language, privacy, and the sections the boxes bring (push, calendar feed). */
export default async function settingsRoutes(fastify: FastifyInstance, { sections }: { sections: SettingsSection[] }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const str = (v: unknown) => (typeof v === 'string' ? v : '')

  async function render(req: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, unknown>; form?: string } = {}) {
    const [info, sectionData] = await Promise.all([
      personalInfo(db, req.actor!),
      Promise.all(sections.map((s) => (s.data ? s.data(req) : Promise.resolve({})))),
    ])
    const extraSections = sections.map((s, i) => ({ id: s.id, title: s.title, template: s.template, data: sectionData[i] }))
    return reply.page('settings/index', { info, privacyFields: PRIVACY_FIELDS, extraSections, ...extra })
  }

  app.get('/settings', { preHandler: requireLogin }, async (req, reply) => render(req, reply))
  // A section's own forms (quiet hours, the digest) answer 422 with this page.
  for (const s of sections) if (s.routes) await s.routes(app, { render })

  app.post('/settings/contact', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const body = cleanBody(req.body)
    const input = { email: str(body.email), mobile: str(body.mobile) }
    // A new e-mail address needs the current password and is confirmed from the new address (auth/email-change.ts).
    const currentPassword = str((req.body as Record<string, unknown> | undefined)?.currentPassword)
    const result = await changeContact(db, clock, app.deps.config.baseUrl, req.actor!, { ...input, currentPassword })
    if (!result.ok) return render(req, reply.code(422), { errors: result.errors, values: input, form: 'contact' })
    app.outboxKick()
    if (result.emailPending) reply.flash({ kind: 'info', key: 'settings:contact.emailPending', params: { email: result.emailPending } })
    else reply.flash({ kind: 'success', key: 'settings:contact.saved' })
    return reply.redirect('/settings#contact', 303)
  })

  app.post('/settings/address', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const body = cleanBody(req.body)
    const input = { street: str(body.street), postalCode: str(body.postalCode), city: str(body.city) }
    const result = await updateAddress(db, clock, req.actor!, input)
    if (!result.ok) return render(req, reply.code(422), { errors: result.errors, values: input, form: 'address' })
    reply.flash({ kind: 'success', key: 'settings:address.saved' })
    return reply.redirect('/settings#address', 303)
  })

  app.post('/settings/language', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const result = await updateLocale(db, req.actor!, cleanBody(req.body).locale)
    if (!result.ok) return render(req, reply.code(422), { errors: result.errors, form: 'language' })
    reply.flash({ kind: 'success', key: 'settings:language.saved' })
    return reply.redirect('/settings#language', 303)
  })

  app.post('/settings/privacy', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    await updatePrivacy(db, req.actor!, asArray(cleanBody(req.body).show))
    reply.flash({ kind: 'success', key: 'settings:privacy.saved' })
    return reply.redirect('/settings#privacy', 303)
  })
}
