import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cleanBody, parseForm } from '../web/forms.js'
import { FormBody } from '../web/schemas.js'
import { EmailForm, LoginQuery, TokenParams } from './schemas.js'
import { isLocale, translator } from '../web/i18n.js'
import { formatters } from '../web/format.js'
import { safeNext } from '../web/redirect.js'
import { startLoggedInSession } from '../web/session.js'
import { isStaff } from '../people/service.js'
import * as auth from './service.js'
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS, deviceFor, makeDeviceCookie } from './device-cookie.js'

const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** Login, logout, activation and password reset: the pages anyone may open. */
export default async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, config } = app.deps

  app.get('/', async (req, reply) => {
    if (!req.actor) return reply.redirect('/login', 303)
    return reply.redirect(isStaff(req.actor) ? '/staff' : '/start', 303)
  })

  // A language chosen before login is remembered in the session.
  app.get('/login', { schema: { querystring: LoginQuery } }, async (req, reply) => {
    const q = req.query
    if (isLocale(q.lang)) {
      req.session.lang = q.lang
      req.lang = q.lang
      req.t = translator(q.lang)
      req.fmt = formatters(q.lang)
    }
    if (req.actor) return reply.redirect(safeNext(q.next, config.baseUrl) ?? '/', 303)
    return reply.page('auth/login', { next: safeNext(q.next, config.baseUrl) ?? '', loggedOut: q.out === '1', passwordReset: q.reset === '1' })
  })

  app.post('/login', { schema: { body: FormBody } }, async (req, reply) => {
    const body = cleanBody(req.body)
    const username = str(body.username)
    // Passwords are taken as typed, spaces and all.
    const password = str(req.body.password)
    const next = safeNext(body.next, config.baseUrl) ?? ''
    const device = deviceFor(config.sessionSecret, req.cookies[DEVICE_COOKIE], auth.normalizeUsername(username))
    const result = await auth.login(db, clock, { username, password, ip: req.ip, device })
    if (!result.ok) {
      reply.code(result.reason === 'throttled' ? 429 : 422)
      return reply.page('auth/login', {
        next,
        values: { username },
        formError: result.reason === 'throttled' ? 'auth:login.throttled' : 'auth:login.invalid',
      })
    }
    await startLoggedInSession(req, reply, result.personId, clock.now())
    if (!device) {
      reply.setCookie(DEVICE_COOKIE, makeDeviceCookie(config.sessionSecret, auth.normalizeUsername(username)), {
        path: '/login', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: DEVICE_COOKIE_DAYS * 86_400,
      })
    }
    return reply.redirect(next || '/', 303)
  })

  app.post('/logout', { schema: { body: FormBody } }, async (req, reply) => {
    await req.session.destroy()
    return reply.redirect('/login?out=1', 303)
  })

  // ---- activation ----
  const tokenPage = (reply: FastifyReply, state: 'used' | 'expired' | 'unknown') =>
    reply.code(state === 'unknown' ? 404 : 410).page('auth/token-invalid', { state })

  app.get('/activate/:token', { schema: { params: TokenParams } }, async (req, reply) => {
    const { token } = req.params
    const state = await auth.checkToken(db, token, 'activation', clock.now())
    if (state.state !== 'valid') return tokenPage(reply, state.state)
    return reply.page('auth/activate', { token, givenName: state.givenName })
  })

  app.post('/activate/:token', { schema: { params: TokenParams, body: FormBody } }, async (req, reply) => {
    const { token } = req.params
    const body = cleanBody(req.body)
    const raw = req.body
    const result = await auth.activate(db, clock, token, {
      username: str(body.username), password: str(raw?.password), passwordConfirm: str(raw?.passwordConfirm),
    })
    if (result.ok) {
      await startLoggedInSession(req, reply, result.personId, clock.now())
      reply.flash({ kind: 'success', key: 'auth:activate.done' })
      return reply.redirect('/', 303)
    }
    if ('token' in result) return tokenPage(reply, result.token)
    const state = await auth.checkToken(db, token, 'activation', clock.now())
    return reply.code(422).page('auth/activate', {
      token, givenName: state.state === 'valid' ? state.givenName : '', errors: result.errors, values: { username: str(body.username) },
    })
  })

  // ---- password reset ----
  app.get('/password/forgot', async (_req, reply) => reply.page('auth/forgot', {}))

  app.post('/password/forgot', { schema: { body: FormBody } }, async (req, reply) => {
    const form = parseForm(EmailForm, req.body)
    if (!form.ok) return reply.code(422).page('auth/forgot', { values: form.values, errors: form.errors })
    const { email } = form.value
    await auth.requestPasswordReset(db, clock, config.baseUrl, email)
    app.outboxKick()
    return reply.page('auth/forgot-sent', { email })
  })

  app.get('/password/reset/:token', { schema: { params: TokenParams } }, async (req, reply) => {
    const { token } = req.params
    const state = await auth.checkToken(db, token, 'reset', clock.now())
    if (state.state !== 'valid') return tokenPage(reply, state.state)
    return reply.page('auth/reset', { token })
  })

  app.post('/password/reset/:token', { schema: { params: TokenParams, body: FormBody } }, async (req, reply) => {
    const { token } = req.params
    const raw = req.body
    const result = await auth.resetPassword(db, clock, token, { password: str(raw?.password), passwordConfirm: str(raw?.passwordConfirm) })
    if (result.ok) return reply.redirect('/login?reset=1', 303)
    if ('token' in result) return tokenPage(reply, result.token)
    return reply.code(422).page('auth/reset', { token, errors: result.errors })
  })
}

