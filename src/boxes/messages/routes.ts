import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { staleBarCounts } from '../../web/rendering.js'
import { childBox } from '../../web/guards.js'
import { asArray, cleanBody, parseForm, type FieldErrors } from '../../web/forms.js'
import { isStaff } from '../../people/service.js'
import { NewMessageForm, ReplyForm, TITLE_MAX, BODY_MAX } from './schemas.js'
import {
  ConversationNotFound, inbox, openConversation, parseIds, recipientOptions, replyToConversation, startConversation,
  type ConversationView,
} from './service.js'

/** A page number from the query string (1 when absent or odd). */
export function pageParam(req: FastifyRequest): number {
  const raw = (req.query as { page?: string } | undefined)?.page
  return raw && /^\d{1,5}$/.test(raw) && Number(raw) > 0 ? Number(raw) : 1
}

/** `?before=<message id>`: the older page of a conversation; anything else is the newest page. */
export function beforeParam(req: FastifyRequest): number | undefined {
  const raw = (req.query as Record<string, unknown> | undefined)?.before
  return typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : undefined
}

export function idParam(req: FastifyRequest, name: string): number | null {
  const raw = (req.params as Record<string, string | undefined>)[name]
  return raw && /^\d{1,9}$/.test(raw) ? Number(raw) : null
}

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
export default async function messagesRoutes(app: FastifyInstance) {
  const { db, clock, config } = app.deps
  const pre = { preHandler: childBox('messages') }
  const ctx = () => ({ now: clock.now(), baseUrl: config.baseUrl })

  app.get('/children/:childId/messages', pre, async (req, reply) => {
    const child = req.child!
    const view = await inbox(db, req.actor!, child, pageParam(req))
    return reply.page('messages/inbox', { inbox: view, base: `/children/${child.id}/messages`, staffView: isStaff(req.actor!) })
  })

  async function renderNew(req: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, unknown> } = {}) {
    const options = await recipientOptions(db, req.child!)
    const preselected = asArray((req.query as { to?: unknown } | undefined)?.to)
    return reply.page('messages/new', {
      options,
      action: `/children/${req.child!.id}/messages`,
      errors: extra.errors ?? {},
      values: { to: preselected, key: randomUUID(), ...extra.values },
      titleMax: TITLE_MAX,
      bodyMax: BODY_MAX,
    })
  }

  app.get('/children/:childId/messages/new', pre, async (req, reply) => {
    // Staff write to guardians from their own area.
    if (isStaff(req.actor!)) return reply.redirect(`/staff/messages/new?child=${req.child!.id}`, 303)
    return renderNew(req, reply)
  })

  app.post('/children/:childId/messages', pre, async (req, reply) => {
    if (isStaff(req.actor!)) return reply.redirect(`/staff/messages/new?child=${req.child!.id}`, 303)
    const body = withKey(req.body)
    const to = asArray(body.to)
    const values = { to, title: body.title ?? '', body: body.body ?? '', key: body.key ?? randomUUID() }
    const parsed = parseForm(NewMessageForm, body)
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
    const ids = parseIds(to)
    if (ids === null) errors.to = { key: 'messages:errors.recipientNotAllowed' }
    else if (ids.length === 0) errors.to = { key: 'messages:errors.noRecipient' }
    if (!parsed.ok || ids === null || ids.length === 0) return renderNew(req, reply.code(422), { errors: orderErrors(errors), values })

    const result = await startConversation(db, req.actor!, req.child!, {
      recipientIds: ids, title: parsed.value.title, body: parsed.value.body, key: parsed.value.key ?? null,
    }, ctx())
    if (!result.ok) return renderNew(req, reply.code(422), { errors: result.errors, values })
    if (!result.duplicate) app.outboxKick()
    reply.flash({ kind: 'success', key: 'messages:sent' })
    return reply.redirect(`/children/${req.child!.id}/messages/${result.conversationId}`, 303)
  })

  app.get('/children/:childId/messages/:conversationId', pre, async (req, reply) => {
    const id = idParam(req, 'conversationId')
    if (id === null) return reply.callNotFound()
    if (isStaff(req.actor!)) return reply.redirect(`/staff/messages/${id}`, 303)
    try {
      const view = await openConversation(db, req.actor!, id, clock.now(), { childId: req.child!.id, beforeId: beforeParam(req) })
      return renderConversation(reply, view, { backHref: `/children/${req.child!.id}/messages` })
    } catch (err) {
      if (err instanceof ConversationNotFound) return reply.callNotFound()
      throw err
    }
  })

  app.post('/children/:childId/messages/:conversationId/replies', pre, async (req, reply) => {
    const id = idParam(req, 'conversationId')
    if (id === null) return reply.callNotFound()
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
