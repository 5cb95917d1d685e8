import https from 'node:https'
import tls from 'node:tls'

/**
 * A client of BankID's Relying Party API v6.0: /auth, /collect and /cancel, over mutual
 * TLS with the relying party's certificate (PKCS#12 and its passphrase) and BankID's CA
 * certificate pinned (no other CA is trusted for the connection). The same code talks to
 * BankID and to the simulator (src/auth/bankid/simulator/); only the address and the
 * certificates differ.
 */

/** The API's error codes, plus `timeout` (no answer in time) and `transport` (no connection, TLS refused). */
export type BankIdErrorCode =
  | 'alreadyInProgress' | 'invalidParameters' | 'unauthorized' | 'notFound' | 'methodNotAllowed'
  | 'requestTimeout' | 'unsupportedMediaType' | 'internalError' | 'maintenance'
  | 'timeout' | 'transport' | 'unknown'

const KNOWN = new Set<string>(['alreadyInProgress', 'invalidParameters', 'unauthorized', 'notFound', 'methodNotAllowed',
  'requestTimeout', 'unsupportedMediaType', 'internalError', 'maintenance'])

export class BankIdError extends Error {
  override name = 'BankIdError'
  constructor(readonly errorCode: BankIdErrorCode, readonly details: string, readonly status: number | null = null) {
    super(`BankID ${errorCode}${status ? ` (${status})` : ''}: ${details}`)
  }
  /** Worth trying again later (BankID's own advice for these codes). */
  get transient(): boolean {
    return ['requestTimeout', 'internalError', 'maintenance', 'timeout', 'transport'].includes(this.errorCode)
  }
}

export interface AuthRequest {
  endUserIp: string
  requirement?: { personalNumber?: string; pinCode?: boolean; mrtd?: boolean; cardReader?: string; certificatePolicies?: string[] }
}
export interface AuthResponse { orderRef: string; autoStartToken: string; qrStartToken: string; qrStartSecret: string }

export interface CompletionData {
  user: { personalNumber: string; name: string; givenName: string; surname: string }
  device: { ipAddress: string; uhi?: string }
  bankIdIssueDate: string
  stepUp?: { mrtd: boolean }
  signature: string
  ocspResponse: string
}
export type CollectResponse =
  | { orderRef: string; status: 'pending'; hintCode?: string }
  | { orderRef: string; status: 'failed'; hintCode?: string }
  | { orderRef: string; status: 'complete'; completionData: CompletionData }

export interface BankIdClientOptions {
  /** e.g. https://appapi2.bankid.com/rp/v6.0 */
  url: string
  pfx: Buffer
  passphrase: string
  /** BankID's CA certificate (PEM): the only CA trusted for the server's certificate. */
  ca: string | Buffer
  /** Milliseconds per request; BankID answers well within a few seconds. */
  timeoutMs?: number
}

export class BankIdClient {
  private readonly agent: https.Agent
  private readonly base: string
  private readonly timeoutMs: number

  constructor(opts: BankIdClientOptions) {
    this.base = opts.url.replace(/\/+$/, '')
    this.timeoutMs = opts.timeoutMs ?? 10_000
    // The key is read here: a wrong passphrase or a broken file fails at startup, not at the first order.
    tls.createSecureContext({ pfx: opts.pfx, passphrase: opts.passphrase, ca: opts.ca })
    this.agent = new https.Agent({ pfx: opts.pfx, passphrase: opts.passphrase, ca: opts.ca, keepAlive: true, maxSockets: 20 })
  }

  auth(req: AuthRequest): Promise<AuthResponse> {
    return this.post<AuthResponse>('/auth', req)
  }

  collect(orderRef: string): Promise<CollectResponse> {
    return this.post<CollectResponse>('/collect', { orderRef })
  }

  async cancel(orderRef: string): Promise<void> {
    await this.post<object>('/cancel', { orderRef })
  }

  close(): void {
    this.agent.destroy()
  }

  private post<T>(path: string, body: object): Promise<T> {
    const payload = Buffer.from(JSON.stringify(body))
    const url = new URL(this.base + path)
    return new Promise<T>((resolve, reject) => {
      const req = https.request(url, {
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, accept: 'application/json' },
      }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', (e) => reject(new BankIdError('transport', e.message)))
        res.on('end', () => {
          const status = res.statusCode ?? 0
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown
          try { json = text ? JSON.parse(text) : {} } catch { json = undefined }
          if (status === 200 && typeof json === 'object' && json !== null) return resolve(json as T)
          const e = (json ?? {}) as { errorCode?: unknown; details?: unknown }
          const code = typeof e.errorCode === 'string' && KNOWN.has(e.errorCode) ? (e.errorCode as BankIdErrorCode) : 'unknown'
          reject(new BankIdError(code, typeof e.details === 'string' ? e.details : `HTTP ${status}`, status))
        })
      })
      req.setTimeout(this.timeoutMs, () => req.destroy(new BankIdError('timeout', `no answer in ${this.timeoutMs} ms`)))
      req.on('error', (e) => reject(e instanceof BankIdError ? e : new BankIdError('transport', e.message)))
      req.end(payload)
    })
  }
}
