import { randomBytes } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import pg from 'pg'
import { sql } from 'kysely'
import { loadConfig } from '../../src/config.js'
import { fixedClock } from '../../src/clock.js'
import { openPglite, openPostgres, type Db, type DbHandle } from '../../src/db/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { buildApp } from '../../src/app.js'
import { seedDemo, type DemoWorld } from '../../src/demo/seed.js'
import { dispatchDue, mailChannel, type Channels } from '../../src/notify/outbox.js'
import type { Mailer, MailMessage } from '../../src/notify/mailer.js'
import type { BankId } from '../../src/auth/bankid/setup.js'

/** Tuesday 1 December 2026, 07:10 in Stockholm: a school morning. */
export const TEST_NOW = '2026-12-01T07:10:00+01:00'

/**
 * A fresh database for one test file: in-memory PGlite by default, or a throwaway
 * database on the server named by DATABASE_URL (created here, dropped at teardown).
 */
export async function freshDatabase(): Promise<DbHandle> {
  const url = process.env.DATABASE_URL
  if (!url) return openPglite(undefined)
  const name = `hubben_t_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const u = new URL(url)
  u.pathname = `/${name}`
  const handle = await openPostgres(u.toString(), 5)
  return {
    ...handle,
    async close() {
      await handle.close()
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

export interface CapturingMailer extends Mailer { sent: MailMessage[] }
export function capturingMailer(): CapturingMailer {
  const sent: MailMessage[] = []
  return { kind: 'dev-outbox', sent, async send(m) { sent.push(m) } }
}

export interface TestContext {
  app: FastifyInstance
  db: Db
  clock: ReturnType<typeof fixedClock>
  world: DemoWorld
  mailer: CapturingMailer
  channels: Channels
  /** Runs the outbox dispatcher until nothing due is left. */
  deliver(): Promise<void>
  close(): Promise<void>
}

export async function buildTestApp(opts: { accessCache?: boolean; now?: string; channels?: Partial<Channels>; seed?: boolean; logger?: object; env?: Record<string, string>; devMail?: () => unknown[]; onRoute?: (route: { method: string | string[]; url: string }) => void; bankid?: BankId; register?: (app: FastifyInstance) => Promise<void> } = {}): Promise<TestContext> {
  const handle = await freshDatabase()
  await migrateToLatest(handle.db)
  const clock = fixedClock(opts.now ?? TEST_NOW)
  const world = opts.seed === false ? ({} as DemoWorld) : await seedDemo(handle.db, clock)
  const mailer = capturingMailer()
  const channels: Channels = { email: mailChannel(mailer), ...opts.channels }
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/hubben-test-unused', BASE_URL: 'http://hubben.test', ...opts.env })
  // Sessions and access facts in memory (src/web/access-cache.ts). On PGlite a notice arrives
  // before the writing statement returns, so every test runs with it; on PostgreSQL a notice
  // arrives a moment after the commit, and tests that write to the database themselves and
  // read at once would race it: there only the tests that ask for it (accessCache: true).
  const cache = opts.accessCache ?? handle.engine === 'pglite'
  const app = await buildApp({ config, db: handle.db, clock, mailer, channels, bankid: opts.bankid, changes: cache ? handle.changes : undefined }, { logger: opts.logger, devMail: opts.devMail, onRoute: opts.onRoute })
  // A test's own routes on the whole frame (e.g. one behind requireStepUp).
  if (opts.register) await app.register(opts.register)
  await app.ready()
  return {
    app, db: handle.db, clock, world, mailer, channels,
    async deliver() {
      // A claim takes only what fits in its lease: go on until nothing due is left.
      for (let i = 0; i < 50; i++) {
        const r = await dispatchDue(handle.db, clock, channels)
        if (r.sent + r.retried + r.failed === 0) break
      }
    },
    async close() {
      await app.close()
      await handle.close()
    },
  }
}

/** A browser-like client: keeps the session cookie and sends the CSRF token of the last page. */
export class Client {
  cookie = ''
  csrf = ''
  constructor(private app: FastifyInstance) {}

  private remember(res: LightMyRequestResponse) {
    const set = res.headers['set-cookie']
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const pair = c.split(';')[0]!
      if (pair.startsWith('hubben=')) this.cookie = pair.endsWith('=') ? '' : pair
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body)
    if (m) this.csrf = m[1]!
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...headers } })
    this.remember(res)
    return res
  }

  /** POSTs a form; fields may repeat (arrays). Fetches a page first when no CSRF token is known. */
  async post(url: string, fields: Record<string, string | string[]> = {}, opts: { csrf?: string | false; headers?: Record<string, string> } = {}) {
    if (!this.csrf && opts.csrf !== false) await this.get('/login')
    const params = new URLSearchParams()
    const token = opts.csrf === false ? undefined : opts.csrf ?? this.csrf
    if (token) params.append('_csrf', token)
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x)
    const res = await this.app.inject({
      method: 'POST', url, payload: params.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}), ...opts.headers },
    })
    this.remember(res)
    return res
  }
}

export async function loginAs(app: FastifyInstance, username: string, password = 'hubbendemo'): Promise<Client> {
  const client = new Client(app)
  await client.get('/login')
  const res = await client.post('/login', { username, password })
  if (res.statusCode !== 303) throw new Error(`login as ${username} failed: ${res.statusCode}`)
  // The session id (and with it the CSRF secret) is new after login: pick up a fresh token.
  await client.get('/profile')
  return client
}

/**
 * Gives a logged-in client a valid BankID step-up without going through BankID (for tests
 * of the boxes behind it; the BankID flow itself has its own tests). Writes the session row.
 */
export async function stepUp(ctx: Pick<TestContext, 'db' | 'clock'>, client: Client, minutes = 15, orderRef = 'test-order'): Promise<void> {
  const value = decodeURIComponent(client.cookie.replace(/^hubben=/, ''))
  const sid = value.slice(0, value.lastIndexOf('.'))
  const until = ctx.clock.now().getTime() + minutes * 60_000
  const res = await ctx.db.updateTable('sessions')
    .set({ data: sql`data || jsonb_build_object('stepUpUntil', ${until}::bigint, 'stepUpOrderRef', ${orderRef}::text)` })
    .where('sid', '=', sid).executeTakeFirst()
  if (Number(res.numUpdatedRows) !== 1) throw new Error('stepUp: no session for this client')
}
