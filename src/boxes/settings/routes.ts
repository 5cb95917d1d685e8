import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { requireLogin } from '../../web/frame.js'
import { asArray, cleanBody, type FieldErrors } from '../../web/forms.js'
import { PRIVACY_FIELDS, personalInfo, updateAddress, updateContact, updateLocale, updatePrivacy } from './service.js'

/**
 * Sections other boxes add to the settings page (push notifications, calendar feeds).
 * `template` is rendered with the page's data plus what `data` returns.
 */
export interface SettingsSection {
  id: string
  /** Translation key of the section's heading (also its link in the page's menu). */
  title: string
  template: string
  data?: (req: FastifyRequest) => Promise<Record<string, unknown>>
}
export const SETTINGS_SECTIONS: SettingsSection[] = []
export function addSettingsSection(section: SettingsSection): void {
  if (!SETTINGS_SECTIONS.some((s) => s.id === section.id)) SETTINGS_SECTIONS.push(section)
}

/** Inställningar: personal information, language, privacy (and push, added by its box). */
export default async function settingsRoutes(app: FastifyInstance) {
  const { db, clock } = app.deps
  const str = (v: unknown) => (typeof v === 'string' ? v : '')

  async function render(req: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, unknown>; form?: string } = {}) {
    const [info, sectionData] = await Promise.all([
      personalInfo(db, req.actor!),
      Promise.all(SETTINGS_SECTIONS.map((s) => (s.data ? s.data(req) : Promise.resolve({})))),
    ])
    const extraSections = SETTINGS_SECTIONS.map((s, i) => ({ id: s.id, title: s.title, template: s.template, data: sectionData[i] }))
    return reply.page('settings/index', { info, privacyFields: PRIVACY_FIELDS, extraSections, ...extra })
  }

  app.get('/settings', { preHandler: requireLogin }, async (req, reply) => render(req, reply))

  app.post('/settings/contact', { preHandler: requireLogin }, async (req, reply) => {
    const body = cleanBody(req.body)
    const input = { email: str(body.email), mobile: str(body.mobile) }
    const result = await updateContact(db, req.actor!, input)
    if (!result.ok) return render(req, reply.code(422), { errors: result.errors, values: input, form: 'contact' })
    reply.flash({ kind: 'success', key: 'settings:contact.saved' })
    return reply.redirect('/settings#contact', 303)
  })

  app.post('/settings/address', { preHandler: requireLogin }, async (req, reply) => {
    const body = cleanBody(req.body)
    const input = { street: str(body.street), postalCode: str(body.postalCode), city: str(body.city) }
    const result = await updateAddress(db, clock, req.actor!, input)
    if (!result.ok) return render(req, reply.code(422), { errors: result.errors, values: input, form: 'address' })
    reply.flash({ kind: 'success', key: 'settings:address.saved' })
    return reply.redirect('/settings#address', 303)
  })

  app.post('/settings/language', { preHandler: requireLogin }, async (req, reply) => {
    const result = await updateLocale(db, req.actor!, cleanBody(req.body).locale)
    if (!result.ok) return render(req, reply.code(422), { errors: result.errors, form: 'language' })
    reply.flash({ kind: 'success', key: 'settings:language.saved' })
    return reply.redirect('/settings#language', 303)
  })

  app.post('/settings/privacy', { preHandler: requireLogin }, async (req, reply) => {
    await updatePrivacy(db, req.actor!, asArray(cleanBody(req.body).show))
    reply.flash({ kind: 'success', key: 'settings:privacy.saved' })
    return reply.redirect('/settings#privacy', 303)
  })
}
