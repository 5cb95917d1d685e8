import { randomBytes, randomUUID } from 'node:crypto'
import { isIP } from 'node:net'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { SimulatorCerts } from './certs.js'

/**
 * A BankID simulator: the Relying Party API v6.0 (/auth, /collect, /cancel) over HTTPS
 * with mutual TLS (only client certificates signed by its test CA get through), so the
 * client code is the one production runs; only the address and the certificates differ.
 * The "phone" (scanning, approving as a person, cancelling, letting an order expire) is
 * driven through the methods below, from the development phone page
 * (src/auth/bankid/simulator/phone-routes.ts) or from tests. Never started in production.
 */

export interface SimPerson { personalNumber: string; givenName: string; surname: string }

export type SimStatus = 'pending' | 'failed' | 'complete'

export interface SimOrder {
  orderRef: string
  autoStartToken: string
  qrStartToken: string
  qrStartSecret: string
  endUserIp: string
  /** requirement.personalNumber, when the relying party asked for one person. */
  personalNumber: string | null
  createdAt: number
  status: SimStatus
  hintCode: string
  /** When the order reached its final state (it is forgotten a while later). */
  endedAt: number | null
  person: SimPerson | null
}

export interface BankIdSimulator {
  /** The API's base address, e.g. https://127.0.0.1:8443/rp/v6.0 */
  url: string
  certs: SimulatorCerts
  /** Orders still pending, oldest first. */
  pending(): SimOrder[]
  order(orderRef: string): SimOrder | undefined
  /** The phone scanned the QR code or the app was opened: `started`. */
  scan(orderRef: string): boolean
  /** The person is entering the security code: `userSign`. */
  userSign(orderRef: string): boolean
  /** The person identified: `complete` with their details. */
  approve(orderRef: string, person: SimPerson): boolean
  /** The person pressed Cancel in the app: `failed` / `userCancel`. */
  userCancel(orderRef: string): boolean
  /** The order runs out without the person: `failed` / `expiredTransaction`. */
  expire(orderRef: string): boolean
  close(): Promise<void>
}

export interface SimulatorOptions {
  certs: SimulatorCerts
  /** Milliseconds; tests move it. */
  now?: () => number
  host?: string
  /** 0: a free port. */
  port?: number
}

/** BankID: an order not started (QR scanned, app opened) in 30 s fails; every order ends after 3 minutes. */
export const START_LIMIT_MS = 30_000
export const ORDER_LIMIT_MS = 180_000
/** A finished order can still be collected for a while, then it is unknown. */
const KEEP_FINISHED_MS = 60_000

class ApiError extends Error {
  constructor(readonly status: number, readonly errorCode: string, readonly details: string) { super(details) }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export async function startSimulator(opts: SimulatorOptions): Promise<BankIdSimulator> {
  const now = opts.now ?? Date.now
  const orders = new Map<string, SimOrder>()

  /** Time passes: orders that ran out fail, long-finished ones are forgotten. */
  function age(o: SimOrder): void {
    const t = now()
    if (o.status === 'pending') {
      if (t - o.createdAt >= ORDER_LIMIT_MS) finish(o, 'failed', 'expiredTransaction')
      else if (o.hintCode === 'outstandingTransaction' && t - o.createdAt >= START_LIMIT_MS) finish(o, 'failed', 'startFailed')
    }
    if (o.endedAt !== null && t - o.endedAt >= KEEP_FINISHED_MS) orders.delete(o.orderRef)
  }
  function finish(o: SimOrder, status: SimStatus, hintCode: string) {
    o.status = status
    o.hintCode = status === 'complete' ? '' : hintCode
    o.endedAt = now()
  }
  function live(orderRef: string): SimOrder | undefined {
    const o = orders.get(orderRef)
    if (o) age(o)
    return orders.get(orderRef)
  }
  function pendingOrder(orderRef: string): SimOrder | undefined {
    const o = live(orderRef)
    return o?.status === 'pending' ? o : undefined
  }

  const app: FastifyInstance = Fastify({
    logger: false,
    https: { key: opts.certs.serverKeyPem, cert: opts.certs.serverCertPem, ca: [opts.certs.caPem], requestCert: true, rejectUnauthorized: true },
  })

  // BankID answers every error as {errorCode, details}.
  app.setErrorHandler((err: FastifyError | ApiError, _req, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send({ errorCode: err.errorCode, details: err.details })
    const status = err.statusCode ?? 500
    if (status === 415) return reply.code(415).send({ errorCode: 'unsupportedMediaType', details: 'Content-Type must be application/json' })
    if (status === 400) return reply.code(400).send({ errorCode: 'invalidParameters', details: 'Invalid JSON' })
    return reply.code(500).send({ errorCode: 'internalError', details: 'Internal error' })
  })
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ errorCode: 'notFound', details: 'No such endpoint' }))
  // Only JSON bodies (Fastify answers other types with 415, mapped above).
  app.addHook('onRequest', async (req) => {
    if (req.method !== 'POST') throw new ApiError(405, 'methodNotAllowed', 'Only POST is supported')
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new ApiError(415, 'unsupportedMediaType', 'Content-Type must be application/json')
  })

  function body(raw: unknown): Record<string, unknown> {
    if (!isObject(raw)) throw new ApiError(400, 'invalidParameters', 'The body must be a JSON object')
    return raw
  }
  function orderRefOf(b: Record<string, unknown>): SimOrder {
    if (typeof b.orderRef !== 'string' || !b.orderRef) throw new ApiError(400, 'invalidParameters', 'orderRef is missing')
    const o = live(b.orderRef)
    if (!o) throw new ApiError(400, 'invalidParameters', 'No such order')
    return o
  }

  app.post('/rp/v6.0/auth', async (req) => {
    const b = body(req.body)
    if (typeof b.endUserIp !== 'string' || !isIP(b.endUserIp)) throw new ApiError(400, 'invalidParameters', 'Invalid endUserIp')
    let personalNumber: string | null = null
    if (b.requirement !== undefined) {
      if (!isObject(b.requirement)) throw new ApiError(400, 'invalidParameters', 'Invalid requirement')
      const pn = b.requirement.personalNumber
      if (pn !== undefined) {
        if (typeof pn !== 'string' || !/^\d{12}$/.test(pn)) throw new ApiError(400, 'invalidParameters', 'Invalid personalNumber')
        personalNumber = pn
      }
    }
    // As BankID: a second order for the same person (here also: from the same address) while
    // one is pending aborts the pending one, and no new order is made.
    for (const o of [...orders.values()]) {
      age(o)
      if (o.status !== 'pending') continue
      if ((personalNumber && o.personalNumber === personalNumber) || o.endUserIp === b.endUserIp) {
        finish(o, 'failed', 'cancelled')
        throw new ApiError(400, 'alreadyInProgress', 'Order already in progress for pno or endUserIp')
      }
    }
    const o: SimOrder = {
      orderRef: randomUUID(), autoStartToken: randomUUID(), qrStartToken: randomUUID(), qrStartSecret: randomBytes(16).toString('hex'),
      endUserIp: b.endUserIp, personalNumber, createdAt: now(), status: 'pending', hintCode: 'outstandingTransaction', endedAt: null, person: null,
    }
    orders.set(o.orderRef, o)
    return { orderRef: o.orderRef, autoStartToken: o.autoStartToken, qrStartToken: o.qrStartToken, qrStartSecret: o.qrStartSecret }
  })

  app.post('/rp/v6.0/collect', async (req) => {
    const o = orderRefOf(body(req.body))
    if (o.status === 'pending') return { orderRef: o.orderRef, status: 'pending', hintCode: o.hintCode }
    if (o.status === 'failed') return { orderRef: o.orderRef, status: 'failed', hintCode: o.hintCode }
    const p = o.person!
    return {
      orderRef: o.orderRef,
      status: 'complete',
      completionData: {
        user: { personalNumber: p.personalNumber, name: `${p.givenName} ${p.surname}`, givenName: p.givenName, surname: p.surname },
        device: { ipAddress: o.endUserIp, uhi: 'simulator' },
        bankIdIssueDate: '2024-01-15',
        signature: Buffer.from(`<simulated-signature order="${o.orderRef}"/>`).toString('base64'),
        ocspResponse: Buffer.from('simulated-ocsp-response').toString('base64'),
      },
    }
  })

  app.post('/rp/v6.0/cancel', async (req) => {
    const o = orderRefOf(body(req.body))
    if (o.status === 'pending') finish(o, 'failed', 'cancelled')
    return {}
  })

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : opts.port
  const step = (orderRef: string, f: (o: SimOrder) => void) => {
    const o = pendingOrder(orderRef)
    if (!o) return false
    f(o)
    return true
  }

  return {
    url: `https://127.0.0.1:${port}/rp/v6.0`,
    certs: opts.certs,
    pending() {
      for (const o of [...orders.values()]) age(o)
      return [...orders.values()].filter((o) => o.status === 'pending').sort((a, b) => a.createdAt - b.createdAt)
    },
    order: (orderRef) => live(orderRef),
    scan: (ref) => step(ref, (o) => { if (o.hintCode === 'outstandingTransaction') o.hintCode = 'started' }),
    userSign: (ref) => step(ref, (o) => { o.hintCode = 'userSign' }),
    approve: (ref, person) => step(ref, (o) => {
      if (o.personalNumber && o.personalNumber !== person.personalNumber) return finish(o, 'failed', 'certificateErr')
      o.person = person
      finish(o, 'complete', '')
    }),
    userCancel: (ref) => step(ref, (o) => finish(o, 'failed', 'userCancel')),
    expire: (ref) => step(ref, (o) => finish(o, 'failed', 'expiredTransaction')),
    close: () => app.close(),
  }
}
