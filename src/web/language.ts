import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { TFunction } from 'i18next'
import { DEFAULT_LOCALE, isLocale, translator, type Locale } from './i18n.js'
import { formatters, type Formatters } from './format.js'

declare module 'fastify' {
  interface FastifyRequest {
    lang: Locale
    t: TFunction
    fmt: Formatters
  }
}

async function languagePlugin(app: FastifyInstance) {
  app.decorateRequest('lang', DEFAULT_LOCALE)
  app.decorateRequest('t', null as unknown as TFunction)
  app.decorateRequest('fmt', null as unknown as Formatters)

  // In which language: the person's own, or the one chosen before logging in.
  app.addHook('preHandler', async (req) => {
    const lang: Locale = req.actor?.locale ?? (isLocale(req.session?.lang) ? req.session.lang : DEFAULT_LOCALE)
    req.lang = lang
    req.t = translator(lang)
    req.fmt = formatters(lang)
  })
}

/** req.lang, req.t and req.fmt, set after the actor is loaded and before the CSRF check (whose refusal is a page in this language). */
export default fp(languagePlugin, { name: 'hubben-language', dependencies: ['hubben-session'] })
