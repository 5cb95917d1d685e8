import type { FastifyRequest } from 'fastify'
import { writeAudit } from '../../audit/log.js'
import { grantStepUp } from '../../web/step-up.js'
import { BankIdError } from './client.js'
import { errorMessage, failedMessage, pendingMessage, type MessageId, type StartMode } from './messages.js'
import { samePersonalNumber } from './personal-number.js'
import { qrData, qrSvg } from './qr.js'

/**
 * One BankID order per session, kept server-side in the session (stored in PostgreSQL):
 * the order reference, the QR code's token and secret, when it started, where to go after
 * it and whose it is. The secret never leaves the server; the page gets only the QR image.
 */
export interface BankIdOrderState {
  ref: string
  qrToken: string
  qrSecret: string
  autoStartToken: string
  mode: StartMode
  /** Wall-clock ms (app.bankid.now) when the order was made: the QR code's seconds count from it. */
  startedAt: number
  /** When collect last asked BankID (wall-clock ms), and what it said. */
  collectedAt: number | null
  hintCode: string | null
  next: string
  personId: number
}

declare module '@fastify/session' {
  interface FastifySessionObject {
    bankidOrder?: BankIdOrderState
  }
}

/** BankID asks relying parties to collect every two seconds. */
export const COLLECT_EVERY_MS = 2000

export type StartResult = { ok: true } | { ok: false; message: MessageId }

/** Starts an order for the logged-in person (a pending one of this session is cancelled first). */
export async function startOrder(req: FastifyRequest, mode: StartMode, next: string): Promise<StartResult> {
  const bankid = req.server.bankid
  if (!bankid.client || !req.actor) return { ok: false, message: 'RFA22' }
  await cancelOrder(req)
  try {
    // An IPv4 address seen through an IPv6 socket (::ffff:a.b.c.d) is sent as IPv4.
    const r = await bankid.client.auth({ endUserIp: req.ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '') })
    req.session.bankidOrder = {
      ref: r.orderRef, qrToken: r.qrStartToken, qrSecret: r.qrStartSecret, autoStartToken: r.autoStartToken,
      mode, startedAt: bankid.now(), collectedAt: null, hintCode: null, next, personId: req.actor.id,
    }
    return { ok: true }
  } catch (e) {
    if (!(e instanceof BankIdError)) throw e
    req.log.warn({ errorCode: e.errorCode, status: e.status }, 'BankID auth failed')
    return { ok: false, message: errorMessage(e.errorCode) }
  }
}

/** Cancels the session's order, if any (the person pressed Cancel, started anew or it is done). */
export async function cancelOrder(req: FastifyRequest): Promise<BankIdOrderState | null> {
  const order = req.session.bankidOrder
  if (!order) return null
  delete req.session.bankidOrder
  try {
    await req.server.bankid.client?.cancel(order.ref)
  } catch (e) {
    // Already finished or unknown at BankID: nothing left to cancel.
    if (!(e instanceof BankIdError)) throw e
  }
  return order
}

export type OrderView =
  | { state: 'none' }
  | { state: 'pending'; message: MessageId; mode: StartMode; qr: string | null; autoStartUrl: string | null; next: string }
  | { state: 'failed'; message: MessageId; mode: StartMode; next: string }
  | { state: 'refused'; mode: StartMode; next: string }
  | { state: 'granted'; next: string }

/**
 * Where the session's order stands: BankID is asked (collect) at most every two seconds,
 * between those the last answer is shown with a fresh QR code. A completed order whose
 * personal identity number is the logged-in person's own gives the step-up; another
 * person's (or a person without a number on file) is refused and written to the audit log.
 */
export async function orderStatus(req: FastifyRequest, qrLabel: string): Promise<OrderView> {
  const { bankid, deps } = req.server
  const order = req.session.bankidOrder
  if (!order || !bankid.client || !req.actor) return { state: 'none' }
  if (order.personId !== req.actor.id) {
    delete req.session.bankidOrder
    return { state: 'none' }
  }
  const now = bankid.now()
  if (order.collectedAt === null || now - order.collectedAt >= COLLECT_EVERY_MS) {
    try {
      const r = await bankid.client.collect(order.ref)
      order.collectedAt = now
      if (r.status === 'pending') {
        order.hintCode = r.hintCode ?? null
        req.session.bankidOrder = { ...order }
      } else if (r.status === 'failed') {
        delete req.session.bankidOrder
        return { state: 'failed', message: failedMessage(r.hintCode, order.mode), mode: order.mode, next: order.next }
      } else {
        delete req.session.bankidOrder
        const person = await deps.db.selectFrom('persons').select('personal_number').where('id', '=', req.actor.id).executeTakeFirst()
        if (samePersonalNumber(person?.personal_number, r.completionData.user.personalNumber)) {
          grantStepUp(req, order.ref)
          return { state: 'granted', next: order.next }
        }
        await writeAudit(deps.db, {
          actor: req.actor, childId: null, action: 'bankid.refused', orderRef: order.ref, now: deps.clock.now(),
          detail: person?.personal_number ? 'another person identified' : 'no personal identity number on file',
        })
        req.log.warn({ orderRef: order.ref }, 'BankID identification of another person refused')
        return { state: 'refused', mode: order.mode, next: order.next }
      }
    } catch (e) {
      if (!(e instanceof BankIdError)) throw e
      req.log.warn({ errorCode: e.errorCode, status: e.status }, 'BankID collect failed')
      // Passing trouble: keep asking. An order BankID no longer knows: start again.
      if (!e.transient) {
        delete req.session.bankidOrder
        return { state: 'failed', message: errorMessage(e.errorCode), mode: order.mode, next: order.next }
      }
      order.collectedAt = now
      req.session.bankidOrder = { ...order }
    }
  }
  const message = pendingMessage(order.hintCode ?? 'outstandingTransaction', order.mode)
  const qr = order.mode === 'qr'
    ? await qrSvg(qrData(order.qrToken, order.qrSecret, (now - order.startedAt) / 1000), qrLabel)
    : null
  const autoStartUrl = order.mode === 'device' ? `bankid:///?autostarttoken=${encodeURIComponent(order.autoStartToken)}&redirect=null` : null
  return { state: 'pending', message, mode: order.mode, qr, autoStartUrl, next: order.next }
}
