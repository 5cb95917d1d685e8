import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireStaff } from '../../web/guards.js'
import { FormBody, Hint, Id } from '../../web/schemas.js'
import { parseForm, type FieldErrors } from '../../web/forms.js'
import { childForActor } from '../../people/service.js'
import { NewMessageForm, ReplyForm, TITLE_MAX, BODY_MAX } from './schemas.js'
import { ConversationNotFound, inbox, openConversation, replyToConversation, staffStartConversations, staffTargets } from './service.js'
import { ConversationParams, ConversationQuery, InboxQuery, inboxPage, orderErrors, renderConversation, withKey } from './routes.js'

/** The staff side of Meddelanden: an inbox across their children, reading, Svara, and writing to families. */
export default async function messagesStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, config } = app.deps
  const ctx = () => ({ now: clock.now(), baseUrl: config.baseUrl })

  app.get('/staff/messages', { preHandler: requireStaff, schema: { querystring: InboxQuery } }, async (req, reply) => {
    const view = await inbox(db, req.actor!, null, inboxPage(req.query.page))
    return reply.page('messages/staff-inbox', { inbox: view, base: '/staff/messages' })
  })

  // `?child=<id>`: write about that child (an odd one is no child).
  const NewQuery = Type.Object({ child: Hint(Id) })
  async function renderNew(req: FastifyRequest, reply: FastifyReply, query: { child?: string }, extra: { errors?: FieldErrors; values?: Record<string, unknown> } = {}) {
    const raw = query.child
    const preChild = raw ? await childForActor(db, req.actor!, Number(raw)) : null
    const targets = await staffTargets(db, req.actor!, preChild)
    return reply.page('messages/staff-new', {
      targets,
      errors: extra.errors ?? {},
      values: { to: preChild ? `child:${preChild.id}` : '', key: randomUUID(), ...extra.values },
      titleMax: TITLE_MAX,
      bodyMax: BODY_MAX,
    })
  }

  app.get('/staff/messages/new', { preHandler: requireStaff, schema: { querystring: NewQuery } }, async (req, reply) => renderNew(req, reply, req.query))

  app.post('/staff/messages', { preHandler: requireStaff, schema: { querystring: NewQuery, body: FormBody } }, async (req, reply) => {
    const body = withKey(req.body)
    const target = typeof body.to === 'string' ? body.to : ''
    const values = { to: target, title: body.title ?? '', body: body.body ?? '', key: body.key ?? randomUUID() }
    const parsed = parseForm(NewMessageForm, body)
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
    if (!target) errors.to = { key: 'messages:errors.noTarget' }
    if (!parsed.ok || !target) return renderNew(req, reply.code(422), req.query, { errors: orderErrors(errors), values })
    const result = await staffStartConversations(db, req.actor!, { target, title: parsed.value.title, body: parsed.value.body, key: parsed.value.key ?? null }, ctx())
    if (!result.ok) return renderNew(req, reply.code(422), req.query, { errors: result.errors, values })
    if (result.created) app.outboxKick()
    if (result.conversationIds.length === 1) {
      reply.flash({ kind: 'success', key: 'messages:sent' })
      return reply.redirect(`/staff/messages/${result.conversationIds[0]}`, 303)
    }
    reply.flash({ kind: 'success', key: 'messages:sentToFamilies', params: { count: result.conversationIds.length } })
    return reply.redirect('/staff/messages', 303)
  })

  app.get('/staff/messages/:conversationId', { preHandler: requireStaff, schema: { params: ConversationParams, querystring: ConversationQuery } }, async (req, reply) => {
    const id = Number(req.params.conversationId)
    try {
      const view = await openConversation(db, req.actor!, id, clock.now(), { beforeId: req.query.before === undefined ? undefined : Number(req.query.before) })
      return renderConversation(reply, view, { backHref: '/staff/messages' })
    } catch (err) {
      if (err instanceof ConversationNotFound) return reply.callNotFound()
      throw err
    }
  })

  app.post('/staff/messages/:conversationId/replies', { preHandler: requireStaff, schema: { params: ConversationParams, body: FormBody } }, async (req, reply) => {
    const id = Number(req.params.conversationId)
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
