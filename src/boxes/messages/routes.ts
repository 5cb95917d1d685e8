import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { staleBarCounts } from '../../web/rendering.js'
import { childBox } from '../../web/guards.js'
import { asArray, cleanBody, parseForm, type FieldErrors } from '../../web/forms.js'
import { ChildParams, FormBody, Hint, Id, Page } from '../../web/schemas.js'
import { isStaff } from '../../people/service.js'
import { NewMessageForm, ReplyForm, TITLE_MAX, BODY_MAX } from './schemas.js'
import {
  ConversationNotFound, inbox, openConversation, parseIds, recipientOptions, replyToConversation, startConversation,
  type ConversationView,
} from './service.js'

/** An inbox's `?page=` (1 when absent or odd). */
export const InboxQuery = Type.Object({ page: Hint(Page) })
export const inboxPage = (page: string | undefined) => Number(page ?? 1) || 1

/** `?before=<message id>`: the older page of a conversation; anything else is the newest page. */
export const ConversationQuery = Type.Object({ before: Hint(Id) })
export const ConversationParams = Type.Object({ conversationId: Id })

/** The trimmed form, with its idempotency key only when well formed (a malformed one counts as none). */
export function withKey(raw: unknown): Record<string, unknown> & { key?: string } {
  const body = cleanBody(raw) as Record<string, unknown> & { key?: string }
  if (!(typeof body.key === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(body.key))) delete body.key
  return body
}

/** Renders a conversation with its reply form (also on a failed reply, with the typed text kept). */
export function renderConversation(reply: FastifyReply, view: ConversationView, extra: { errors?: FieldErrors; values?: Record<string, unknown>; backHref: string }) {
  // Reading it changed the envelope's count, read with the session before.
  if (view.markedRead) staleBarCounts(reply.request)
  return reply.page('messages/conversation', {
    conversation: view,
    backHref: extra.backHref,
    errors: extra.errors ?? {},
    values: { key: randomUUID(), ...extra.values },
    bodyMax: BODY_MAX,
  })
}

/** Meddelanden for guardians and pupils: the inbox about one child, a conversation, Svara, and a new message. */
export default async function messagesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, config } = app.deps
  const pre = { preHandler: childBox('messages') }
  const ctx = () => ({ now: clock.now(), baseUrl: config.baseUrl })

  app.get('/children/:childId/messages', { ...pre, schema: { params: ChildParams, querystring: InboxQuery } }, async (req, reply) => {
    const child = req.child!
    const view = await inbox(db, req.actor!, child, inboxPage(req.query.page))
    return reply.page('messages/inbox', { inbox: view, base: `/children/${child.id}/messages`, staffView: isStaff(req.actor!) })
  })

  // `?to=<person id>` (repeatable) ticks recipients in advance.
  const NewQuery = Type.Object({ to: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])) })
  async function renderNew(req: FastifyRequest, reply: FastifyReply, query: { to?: string | string[] }, extra: { errors?: FieldErrors; values?: Record<string, unknown> } = {}) {
    const options = await recipientOptions(db, req.child!)
    const preselected = asArray(query.to)
    return reply.page('messages/new', {
      options,
      action: `/children/${req.child!.id}/messages`,
      errors: extra.errors ?? {},
      values: { to: preselected, key: randomUUID(), ...extra.values },
      titleMax: TITLE_MAX,
      bodyMax: BODY_MAX,
    })
  }

  app.get('/children/:childId/messages/new', { ...pre, schema: { params: ChildParams, querystring: NewQuery } }, async (req, reply) => {
    // Staff write to guardians from their own area.
    if (isStaff(req.actor!)) return reply.redirect(`/staff/messages/new?child=${req.child!.id}`, 303)
    return renderNew(req, reply, req.query)
  })

  app.post('/children/:childId/messages', { ...pre, schema: { params: ChildParams, querystring: NewQuery, body: FormBody } }, async (req, reply) => {
    if (isStaff(req.actor!)) return reply.redirect(`/staff/messages/new?child=${req.child!.id}`, 303)
    const body = withKey(req.body)
    const to = asArray(body.to)
    const values = { to, title: body.title ?? '', body: body.body ?? '', key: body.key ?? randomUUID() }
    const parsed = parseForm(NewMessageForm, body)
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
    const ids = parseIds(to)
    if (ids === null) errors.to = { key: 'messages:errors.recipientNotAllowed' }
    else if (ids.length === 0) errors.to = { key: 'messages:errors.noRecipient' }
    if (!parsed.ok || ids === null || ids.length === 0) return renderNew(req, reply.code(422), req.query, { errors: orderErrors(errors), values })

    const result = await startConversation(db, req.actor!, req.child!, {
      recipientIds: ids, title: parsed.value.title, body: parsed.value.body, key: parsed.value.key ?? null,
    }, ctx())
    if (!result.ok) return renderNew(req, reply.code(422), req.query, { errors: result.errors, values })
    if (!result.duplicate) app.outboxKick()
    reply.flash({ kind: 'success', key: 'messages:sent' })
    return reply.redirect(`/children/${req.child!.id}/messages/${result.conversationId}`, 303)
  })

  const conversation = Type.Composite([ChildParams, ConversationParams])
  app.get('/children/:childId/messages/:conversationId', { ...pre, schema: { params: conversation, querystring: ConversationQuery } }, async (req, reply) => {
    const id = Number(req.params.conversationId)
    if (isStaff(req.actor!)) return reply.redirect(`/staff/messages/${id}`, 303)
    try {
      const view = await openConversation(db, req.actor!, id, clock.now(), { childId: req.child!.id, beforeId: req.query.before === undefined ? undefined : Number(req.query.before) })
      return renderConversation(reply, view, { backHref: `/children/${req.child!.id}/messages` })
    } catch (err) {
      if (err instanceof ConversationNotFound) return reply.callNotFound()
      throw err
    }
  })

  app.post('/children/:childId/messages/:conversationId/replies', { ...pre, schema: { params: conversation, body: FormBody } }, async (req, reply) => {
    const id = Number(req.params.conversationId)
    if (isStaff(req.actor!)) return reply.redirect(`/staff/messages/${id}`, 303)
    const childId = req.child!.id
    try {
      const body = withKey(req.body)
      const parsed = parseForm(ReplyForm, body)
      if (!parsed.ok) {
        const view = await openConversation(db, req.actor!, id, clock.now(), { childId })
        reply.code(422)
        return renderConversation(reply, view, { errors: parsed.errors, values: { body: body.body ?? '', key: body.key ?? randomUUID() }, backHref: `/children/${childId}/messages` })
      }
      const result = await replyToConversation(db, req.actor!, id, { body: parsed.value.body, key: parsed.value.key ?? null }, ctx(), { childId })
      if (result.ok && !result.duplicate) app.outboxKick()
      reply.flash({ kind: 'success', key: 'messages:replied' })
      return reply.redirect(`/children/${childId}/messages/${id}#latest`, 303)
    } catch (err) {
      if (err instanceof ConversationNotFound) return reply.callNotFound()
      throw err
    }
  })
}

/** Error summary in the order of the form. */
export function orderErrors(errors: FieldErrors): FieldErrors {
  const order = ['to', 'title', 'body']
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => (order.indexOf(a) + 99) % 99 - (order.indexOf(b) + 99) % 99))
}
