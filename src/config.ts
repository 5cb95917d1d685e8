import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { SmsSettings } from './notify/sms.js'
import type { S3Settings } from './storage/s3.js'

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  /** Public base URL used in e-mailed links. */
  baseUrl: string
  databaseUrl: string | undefined
  dataDir: string
  sessionSecret: string
  sessionIdleMinutes: number
  /** Absolute lifetime of a login, however active: after it the person logs in again. */
  sessionMaxHours: number
  /** Strong authentication (BankID) lasts this many minutes without a request. */
  stepUpMinutes: number
  smtpUrl: string | undefined
  mailFrom: string
  /** SMS gateway (46elks API shape); unset: SMS are kept in DATA_DIR/sms. */
  sms: SmsSettings | undefined
  /** ISO instant that freezes the clock; never in production. */
  frozenNow: Date | undefined
  secureCookies: boolean
  logLevel: string
  /** Fastify's trustProxy: false, a hop count, or the proxies' addresses; never "trust everything". */
  trustProxy: false | number | string[]
  /** Messages (new and replies) a person may send per hour. */
  messagesPerHour: number
  /** Password hashes at once (unset: the cores but one). */
  passwordHashConcurrency: number | undefined
  /**
   * Uploaded files (information, blog, plans): the largest accepted, and where they are kept:
   * the directory `dir` (STORAGE=directory, the default) or an S3-compatible bucket (STORAGE=s3).
   */
  uploads: { maxBytes: number; dir: string; s3: S3Settings | undefined }
  /**
   * BankID's Relying Party API (the step-up): the address, the relying party's certificate
   * (PKCS#12 file and passphrase) and BankID's CA certificate. Unset: BankID is not
   * available (production: nothing behind it opens; development: `npm start` runs the simulator).
   */
  bankid: BankIdSettings | undefined
}

export interface BankIdSettings { url: string; pfxPath: string; passphrase: string; caPath: string }

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`)
  const n = Number(raw)
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`)
  return n
}

/** A development secret is generated once into DATA_DIR so sessions survive restarts. */
function devSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('hex')
  writeFileSync(file, secret, { mode: 0o600 })
  return secret
}

/** SMS_API_URL, SMS_API_USER and SMS_API_PASSWORD together, or none of them. */
function smsSettings(env: Env): SmsSettings | undefined {
  const apiUrl = env.SMS_API_URL || undefined
  const user = env.SMS_API_USER || undefined
  const password = env.SMS_API_PASSWORD || undefined
  if (!apiUrl && !user && !password) return undefined
  if (!apiUrl || !user || !password) throw new ConfigError('SMS_API_URL, SMS_API_USER and SMS_API_PASSWORD must be set together')
  if (!/^https?:\/\//.test(apiUrl)) throw new ConfigError('SMS_API_URL must start with http:// or https://')
  const from = env.SMS_FROM || 'Hubben'
  if (!/^[A-Za-z][A-Za-z0-9]{1,10}$/.test(from) && !/^\+[1-9]\d{7,14}$/.test(from)) {
    throw new ConfigError('SMS_FROM must be 2-11 letters and digits starting with a letter, or a phone number such as +46701234567')
  }
  return { apiUrl, user, password, from }
}

const S3_NAMES = ['S3_BUCKET', 'S3_REGION', 'S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE']

/**
 * STORAGE: `directory` (default; files under STORAGE_DIR or DATA_DIR/files) or `s3`, which needs
 * S3_BUCKET and S3_REGION, takes S3_ENDPOINT (MinIO and other S3-compatibles) and
 * S3_FORCE_PATH_STYLE, and S3_ACCESS_KEY_ID with S3_SECRET_ACCESS_KEY (both, or neither for the
 * SDK's own credentials: environment, instance role). S3 settings without STORAGE=s3 are refused
 * rather than silently ignored.
 */
function s3Settings(env: Env): S3Settings | undefined {
  const kind = env.STORAGE || 'directory'
  if (kind !== 'directory' && kind !== 's3') throw new ConfigError(`STORAGE must be "directory" or "s3", got "${kind}"`)
  const given = S3_NAMES.filter((n) => env[n])
  if (kind === 'directory') {
    if (given.length) throw new ConfigError(`${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set but STORAGE is not "s3"; set STORAGE=s3 to keep files in the bucket, or remove them`)
    return undefined
  }
  const missing = ['S3_BUCKET', 'S3_REGION'].filter((n) => !env[n])
  if (missing.length) throw new ConfigError(`STORAGE=s3 requires ${missing.join(' and ')}`)
  const bucket = env.S3_BUCKET!
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError(`S3_BUCKET must be a bucket name (3-63 lowercase letters, digits, dots and hyphens), got "${bucket}"`)
  const endpoint = env.S3_ENDPOINT || undefined
  if (endpoint && !/^https?:\/\/[^\s/]+/.test(endpoint)) throw new ConfigError('S3_ENDPOINT must start with http:// or https://')
  const accessKeyId = env.S3_ACCESS_KEY_ID || undefined
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined
  if (!accessKeyId !== !secretAccessKey) throw new ConfigError('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or neither, for the SDK\'s own credentials)')
  const pathStyle = env.S3_FORCE_PATH_STYLE || 'false'
  if (pathStyle !== 'true' && pathStyle !== 'false') throw new ConfigError(`S3_FORCE_PATH_STYLE must be "true" or "false", got "${pathStyle}"`)
  return { bucket, region: env.S3_REGION!, endpoint, accessKeyId, secretAccessKey, forcePathStyle: pathStyle === 'true' }
}

/**
 * BANKID_PFX and BANKID_CA together (BANKID_PASSPHRASE with them; BANKID_URL defaults to
 * BankID's production API), or none of them: then BankID is not available.
 */
function bankIdSettings(env: Env): BankIdSettings | undefined {
  const pfxPath = env.BANKID_PFX || undefined
  const caPath = env.BANKID_CA || undefined
  if (!pfxPath && !caPath) {
    if (env.BANKID_URL || env.BANKID_PASSPHRASE) throw new ConfigError('BANKID_URL and BANKID_PASSPHRASE need BANKID_PFX and BANKID_CA (the certificate files)')
    return undefined
  }
  if (!pfxPath || !caPath) throw new ConfigError('BANKID_PFX and BANKID_CA must be set together')
  const url = (env.BANKID_URL || 'https://appapi2.bankid.com/rp/v6.0').replace(/\/+$/, '')
  if (!/^https:\/\/[^/]+/.test(url)) throw new ConfigError(`BANKID_URL must start with https://, got "${url}"`)
  return { url, pfxPath: path.resolve(pfxPath), passphrase: env.BANKID_PASSPHRASE ?? '', caPath: path.resolve(caPath) }
}

/**
 * Production fails closed: it never falls back to the embedded database, the mail and SMS
 * files in DATA_DIR or the demo world. Every missing setting is named at once.
 */
function requireProductionServices(env: Env): void {
  const missing = [
    ['DATABASE_URL', 'the PostgreSQL server'],
    ['SMTP_URL', 'outgoing mail'],
    ['SMS_API_URL', 'the SMS gateway'],
    ['SMS_API_USER', 'the SMS gateway'],
    ['SMS_API_PASSWORD', 'the SMS gateway'],
  ].filter(([name]) => !env[name!])
  if (missing.length) {
    throw new ConfigError(`NODE_ENV=production requires ${missing.map(([n, what]) => `${n} (${what})`).join(', ')}. ` +
      'Production never uses the embedded database, the development mail and SMS files or the demo accounts.')
  }
}

/**
 * TRUST_PROXY: unset or `false`: no proxy (the peer's address is the client's); a number:
 * that many proxies in front (the address that many hops from the right of
 * X-Forwarded-For); otherwise a comma-separated list of proxy addresses or CIDR ranges.
 * `true` would believe any X-Forwarded-For a client sends, so anyone could pick the
 * address their failed logins and rate limits are counted on: refused.
 */
function trustProxy(raw: string | undefined): false | number | string[] {
  if (raw === undefined || raw === '' || raw === 'false') return false
  if (raw === 'true') {
    throw new ConfigError('TRUST_PROXY=true would trust any X-Forwarded-For header; give the number of proxies in front (e.g. 1) or their addresses (e.g. 10.0.0.5,10.0.1.0/24)')
  }
  if (/^\d+$/.test(raw)) {
    const n = Number(raw)
    if (n < 1 || n > 10) throw new ConfigError(`TRUST_PROXY as a hop count must be between 1 and 10, got ${n}`)
    return n
  }
  const list = raw.split(',').map((x) => x.trim()).filter(Boolean)
  for (const a of list) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a)) throw new ConfigError(`TRUST_PROXY must be a hop count or a list of IP addresses or CIDR ranges, got "${a}"`)
  }
  return list
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development'
  const port = int(env, 'PORT', 3000, 0, 65535)
  const host = env.HOST || '127.0.0.1'
  const dataDir = path.resolve(env.DATA_DIR || './data')

  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://')
  }

  let frozenNow: Date | undefined
  if (env.HUBBEN_NOW) {
    if (nodeEnv === 'production') throw new ConfigError('HUBBEN_NOW freezes the clock and is refused when NODE_ENV=production')
    frozenNow = new Date(env.HUBBEN_NOW)
    if (Number.isNaN(frozenNow.getTime())) {
      throw new ConfigError(`HUBBEN_NOW must be an ISO date-time such as 2026-12-02T07:10:00+01:00, got "${env.HUBBEN_NOW}"`)
    }
  }

  let sessionSecret = env.SESSION_SECRET
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    throw new ConfigError('SESSION_SECRET must be at least 32 characters long')
  }
  if (!sessionSecret) {
    if (nodeEnv === 'production') throw new ConfigError('SESSION_SECRET is required when NODE_ENV=production')
    sessionSecret = devSecret(dataDir)
  }

  const smtpUrl = env.SMTP_URL || undefined
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://')

  if (nodeEnv === 'production') requireProductionServices(env)

  const baseUrl = (env.BASE_URL || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/$/, '')
  if (!/^https?:\/\//.test(baseUrl)) throw new ConfigError('BASE_URL must start with http:// or https://')

  return {
    env: nodeEnv,
    port,
    host,
    baseUrl,
    databaseUrl,
    dataDir,
    sessionSecret,
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 120, 5, 24 * 60),
    sessionMaxHours: int(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 30),
    stepUpMinutes: int(env, 'STEP_UP_MINUTES', 15, 1, 120),
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Hubben <no-reply@hubben.local>',
    sms: smsSettings(env),
    frozenNow,
    // Production cookies are Secure unless explicitly turned off (e.g. TLS ends at a proxy on the same host).
    secureCookies: env.SECURE_COOKIES ? env.SECURE_COOKIES === 'true' : nodeEnv === 'production' || baseUrl.startsWith('https://'),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    trustProxy: trustProxy(env.TRUST_PROXY),
    messagesPerHour: int(env, 'MESSAGES_PER_HOUR', 60, 1, 10_000),
    // Read where passwords are hashed (src/auth/passwords.ts); checked here so a bad value stops the start.
    passwordHashConcurrency: env.PASSWORD_HASH_CONCURRENCY ? int(env, 'PASSWORD_HASH_CONCURRENCY', 1, 1, 64) : undefined,
    bankid: bankIdSettings(env),
    uploads: { maxBytes: int(env, 'MAX_UPLOAD_MB', 20, 1, 1024) * 1024 * 1024, dir: path.resolve(env.STORAGE_DIR || path.join(dataDir, 'files')), s3: s3Settings(env) },
  }
}
