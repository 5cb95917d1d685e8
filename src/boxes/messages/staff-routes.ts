import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { requireStaff } from '../../web/guards.js'
import { parseForm, type FieldErrors } from '../../web/forms.js'
import { childForActor } from '../../people/service.js'
import { NewMessageForm, ReplyForm, TITLE_MAX, BODY_MAX } from './schemas.js'
import { ConversationNotFound, inbox, openConversation, replyToConversation, staffStartConversations, staffTargets } from './service.js'
import { beforeParam, idParam, orderErrors, pageParam, renderConversation, withKey } from './routes.js'

/** The staff side of Meddelanden: an inbox across their children, reading, Svara, and writing to families. */
export default async function messagesStaffRoutes(app: FastifyInstance) {
  const { db, clock, config } = app.deps
  const ctx = () => ({ now: clock.now(), baseUrl: config.baseUrl })

  app.get('/staff/messages', { preHandler: requireStaff }, async (req, reply) => {
    const view = await inbox(db, req.actor!, null, pageParam(req))
    return reply.page('messages/staff-inbox', { inbox: view, base: '/staff/messages' })
  })

  async function renderNew(req: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, unknown> } = {}) {
    const raw = (req.query as { child?: string } | undefined)?.child
    const preChild = raw && /^\d{1,9}$/.test(raw) ? await childForActor(db, req.actor!, Number(raw)) : null
    const targets = await staffTargets(db, req.actor!, preChild)
    return reply.page('messages/staff-new', {
      targets,
      errors: extra.errors ?? {},
      values: { to: preChild ? `child:${preChild.id}` : '', key: randomUUID(), ...extra.values },
      titleMax: TITLE_MAX,
      bodyMax: BODY_MAX,
    })
  }

  app.get('/staff/messages/new', { preHandler: requireStaff }, async (req, reply) => renderNew(req, reply))

  app.post('/staff/messages', { preHandler: requireStaff }, async (req, reply) => {
    const body = withKey(req.body)
    const target = typeof body.to === 'string' ? body.to : ''
    const values = { to: target, title: body.title ?? '', body: body.body ?? '', key: body.key ?? randomUUID() }
    const parsed = parseForm(NewMessageForm, body)
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
    if (!target) errors.to = { key: 'messages:errors.noTarget' }
    if (!parsed.ok || !target) return renderNew(req, reply.code(422), { errors: orderErrors(errors), values })
    const result = await staffStartConversations(db, req.actor!, { target, title: parsed.value.title, body: parsed.value.body, key: parsed.value.key ?? null }, ctx())
    if (!result.ok) return renderNew(req, reply.code(422), { errors: result.errors, values })
    if (result.created) app.outboxKick()
    if (result.conversationIds.length === 1) {
      reply.flash({ kind: 'success', key: 'messages:sent' })
      return reply.redirect(`/staff/messages/${result.conversationIds[0]}`, 303)
    }
    reply.flash({ kind: 'success', key: 'messages:sentToFamilies', params: { count: result.conversationIds.length } })
    return reply.redirect('/staff/messages', 303)
  })

  app.get('/staff/messages/:conversationId', { preHandler: requireStaff }, async (req, reply) => {
    const id = idParam(req, 'conversationId')
    if (id === null) return reply.callNotFound()
    try {
      const view = await openConversation(db, req.actor!, id, clock.now(), { beforeId: beforeParam(req) })
      return renderConversation(reply, view, { backHref: '/staff/messages' })
    } catch (err) {
      if (err instanceof ConversationNotFound) return reply.callNotFound()
      throw err
    }
  })

  app.post('/staff/messages/:conversationId/replies', { preHandler: requireStaff }, async (req, reply) => {
    const id = idParam(req, 'conversationId')
    if (id === null) return reply.callNotFound()
    try {
      const body = withKey(req.body)
      const parsed = parseForm(ReplyForm, body)
      if (!parsed.ok) {
        const view = await openConversation(db, req.actor!, id, clock.now())
        reply.code(422)
        return renderConversation(reply, view, { errors: parsed.errors, values: { body: body.body ?? '', key: body.key ?? randomUUID() }, backHref: '/staff/messages' })
      }
      const result = await replyToConversation(db, req.actor!, id, { body: parsed.value.body, key: parsed.value.key ?? null }, ctx())
      if (result.ok && !result.duplicate) app.outboxKick()
      reply.flash({ kind: 'success', key: 'messages:replied' })
      return reply.redirect(`/staff/messages/${id}#latest`, 303)
    } catch (err) {
      if (err instanceof ConversationNotFound) return reply.callNotFound()
      throw err
    }
  })
}
