import t from 'tap'
import { loadConfig } from './config.js'

const base = { DATA_DIR: '/tmp/hubben-config-test', SESSION_SECRET: 's'.repeat(32) }

t.test('defaults', async (t) => {
  const c = loadConfig(base)
  t.equal(c.port, 3000)
  t.equal(c.host, '127.0.0.1')
  t.equal(c.databaseUrl, undefined)
  t.equal(c.baseUrl, 'http://127.0.0.1:3000')
  t.equal(c.secureCookies, false)
})

t.test('bad values fail fast with a clear message', async (t) => {
  t.throws(() => loadConfig({ ...base, PORT: 'eighty' }), { name: 'ConfigError', message: 'PORT must be a whole number, got "eighty"' })
  t.throws(() => loadConfig({ ...base, PORT: '70000' }), { name: 'ConfigError' })
  t.throws(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' }), /DATABASE_URL must start with postgres/)
  t.throws(() => loadConfig({ ...base, HUBBEN_NOW: 'tomorrow' }), /HUBBEN_NOW must be an ISO date-time/)
  t.throws(() => loadConfig({ ...base, SESSION_SECRET: 'short' }), /at least 32 characters/)
  t.throws(() => loadConfig({ ...base, SMTP_URL: 'http://mail' }), /SMTP_URL/)
  t.throws(() => loadConfig({ ...base, SESSION_IDLE_MINUTES: '1' }), /between 5 and 1440/)
})

t.test('production refuses a frozen clock and a missing session secret', async (t) => {
  t.throws(() => loadConfig({ ...base, NODE_ENV: 'production', HUBBEN_NOW: '2026-12-01T07:10:00+01:00' }), /refused when NODE_ENV=production/)
  t.throws(() => loadConfig({ DATA_DIR: '/tmp/x', NODE_ENV: 'production' }), /SESSION_SECRET is required/)
  const services = { DATABASE_URL: 'postgres://u@db/x', SMTP_URL: 'smtp://mail.example', SMS_API_URL: 'https://sms.example', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p' }
  const ok = loadConfig({ ...base, ...services, NODE_ENV: 'production', BASE_URL: 'https://hubben.example.se' })
  t.equal(ok.secureCookies, true)
  t.equal(loadConfig({ ...base, ...services, NODE_ENV: 'production' }).secureCookies, true, 'Secure cookies in production')
})

t.test('HUBBEN_NOW freezes the clock', async (t) => {
  const c = loadConfig({ ...base, HUBBEN_NOW: '2026-12-01T07:10:00+01:00' })
  t.equal(c.frozenNow?.toISOString(), '2026-12-01T06:10:00.000Z')
})

t.test('BankID: unset is not available; the certificate files together; https only', async (t) => {
  t.equal(loadConfig(base).bankid, undefined, 'no BankID settings: not available (development runs the simulator)')
  const services = { DATABASE_URL: 'postgres://u@db/x', SMTP_URL: 'smtp://mail.example', SMS_API_URL: 'https://sms.example', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p' }
  t.equal(loadConfig({ ...base, ...services, NODE_ENV: 'production' }).bankid, undefined, 'production without BankID starts, with BankID not available')
  const c = loadConfig({ ...base, BANKID_PFX: '/etc/hubben/rp.p12', BANKID_PASSPHRASE: 'secret', BANKID_CA: '/etc/hubben/bankid-ca.pem' })
  t.same(c.bankid, { url: 'https://appapi2.bankid.com/rp/v6.0', pfxPath: '/etc/hubben/rp.p12', passphrase: 'secret', caPath: '/etc/hubben/bankid-ca.pem' })
  const test = loadConfig({ ...base, BANKID_URL: 'https://appapi2.test.bankid.com/rp/v6.0/', BANKID_PFX: 'rp.p12', BANKID_CA: 'ca.pem' })
  t.equal(test.bankid?.url, 'https://appapi2.test.bankid.com/rp/v6.0', 'the test environment, trailing slash dropped')
  t.equal(test.bankid?.passphrase, '')
  t.throws(() => loadConfig({ ...base, BANKID_PFX: 'rp.p12' }), /BANKID_PFX and BANKID_CA must be set together/)
  t.throws(() => loadConfig({ ...base, BANKID_CA: 'ca.pem' }), /BANKID_PFX and BANKID_CA must be set together/)
  t.throws(() => loadConfig({ ...base, BANKID_URL: 'https://appapi2.bankid.com/rp/v6.0' }), /need BANKID_PFX and BANKID_CA/)
  t.throws(() => loadConfig({ ...base, BANKID_URL: 'http://bankid.example/rp/v6.0', BANKID_PFX: 'a', BANKID_CA: 'b' }), /BANKID_URL must start with https/)
})

t.test('STEP_UP_MINUTES: 15 by default, 1 to 120', async (t) => {
  t.equal(loadConfig(base).stepUpMinutes, 15)
  t.equal(loadConfig({ ...base, STEP_UP_MINUTES: '5' }).stepUpMinutes, 5)
  t.throws(() => loadConfig({ ...base, STEP_UP_MINUTES: '0' }), /between 1 and 120/)
})

t.test('storage: the directory by default; S3 only with STORAGE=s3 and all that it needs', async (t) => {
  const d = loadConfig(base)
  t.equal(d.uploads.s3, undefined)
  t.equal(d.uploads.dir, '/tmp/hubben-config-test/files')
  const s3 = { STORAGE: 's3', S3_BUCKET: 'hubben-files', S3_REGION: 'eu-north-1' }
  t.same(loadConfig({ ...base, ...s3 }).uploads.s3, {
    bucket: 'hubben-files', region: 'eu-north-1', endpoint: undefined, accessKeyId: undefined, secretAccessKey: undefined, forcePathStyle: false,
  }, 'no keys: the SDK\'s own credentials')
  t.same(loadConfig({
    ...base, ...s3, S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'minio', S3_SECRET_ACCESS_KEY: 'minio-secret', S3_FORCE_PATH_STYLE: 'true',
  }).uploads.s3, {
    bucket: 'hubben-files', region: 'eu-north-1', endpoint: 'http://127.0.0.1:9000', accessKeyId: 'minio', secretAccessKey: 'minio-secret', forcePathStyle: true,
  })
  const err = (env: Record<string, string>, message: RegExp) => t.throws(() => loadConfig({ ...base, ...env }), { name: 'ConfigError', message })
  err({ STORAGE: 'ftp' }, /^STORAGE must be "directory" or "s3", got "ftp"$/)
  err({ STORAGE: 's3' }, /^STORAGE=s3 requires S3_BUCKET and S3_REGION$/)
  err({ STORAGE: 's3', S3_BUCKET: 'hubben-files' }, /^STORAGE=s3 requires S3_REGION$/)
  err({ S3_BUCKET: 'hubben-files', S3_REGION: 'eu-north-1' }, /^S3_BUCKET, S3_REGION are set but STORAGE is not "s3"/)
  err({ STORAGE: 'directory', S3_ENDPOINT: 'http://minio:9000' }, /^S3_ENDPOINT is set but STORAGE is not "s3"/)
  err({ ...s3, S3_ACCESS_KEY_ID: 'minio' }, /^S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together/)
  err({ ...s3, S3_SECRET_ACCESS_KEY: 'x' }, /must be set together/)
  err({ ...s3, S3_ENDPOINT: 'minio:9000' }, /^S3_ENDPOINT must start with http:\/\/ or https:\/\/$/)
  err({ ...s3, S3_FORCE_PATH_STYLE: 'yes' }, /^S3_FORCE_PATH_STYLE must be "true" or "false", got "yes"$/)
  err({ ...s3, S3_BUCKET: 'Hubben_Files' }, /^S3_BUCKET must be a bucket name/)
})
