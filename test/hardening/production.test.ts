import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { loadConfig, ConfigError } from '../../src/config.js'
import { assertDemoAllowed } from '../../src/demo/seed.js'
import { smsChannel } from '../../src/notify/sms.js'
import { buildTestApp } from '../helpers/app.js'

const SECRET = 's'.repeat(40)
const PROD_ALL = {
  NODE_ENV: 'production', SESSION_SECRET: SECRET, DATABASE_URL: 'postgres://u@db/x', SMTP_URL: 'smtp://mail.example:587',
  SMS_API_URL: 'https://sms.example/a1/sms', SMS_API_USER: 'u', SMS_API_PASSWORD: 'p',
}

t.test('production refuses to start without the database, mail and SMS settings', async (t) => {
  let err: unknown
  try { loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET }) } catch (e) { err = e }
  t.type(err, ConfigError)
  for (const name of ['DATABASE_URL', 'SMTP_URL', 'SMS_API_URL', 'SMS_API_USER', 'SMS_API_PASSWORD']) t.match((err as Error).message, name)
  for (const drop of ['DATABASE_URL', 'SMTP_URL', 'SMS_API_PASSWORD']) {
    const env: Record<string, string | undefined> = { ...PROD_ALL, [drop]: undefined }
    t.throws(() => loadConfig(env), new RegExp(drop), `without ${drop}`)
  }
  t.equal(loadConfig(PROD_ALL).env, 'production')
  t.equal(loadConfig({ NODE_ENV: 'development', SESSION_SECRET: SECRET }).env, 'development', 'development keeps its stand-ins')
})

t.test('the demo world and the file stand-ins refuse production', async (t) => {
  t.throws(() => assertDemoAllowed('production'), /never created/)
  t.doesNotThrow(() => assertDemoAllowed('test'))
  t.throws(() => smsChannel({ dataDir: '/tmp/x', env: 'production' }), /SMS_API_URL/)
})

t.test('/dev/* exists only outside production', async (t) => {
  const prod = await buildTestApp({ seed: false, env: PROD_ALL, devMail: () => [] })
  t.teardown(() => prod.close())
  t.equal((await prod.app.inject('/dev/mail')).statusCode, 404, 'production: no /dev/mail even when a list is handed in')
  t.equal((await prod.app.inject('/dev/mail.json')).statusCode, 404)
  t.equal((await prod.app.inject('/dev/sms')).statusCode, 404)
  const dev = await buildTestApp({ seed: false, devMail: () => [] })
  t.teardown(() => dev.close())
  t.equal((await dev.app.inject('/dev/mail.json')).statusCode, 200, 'test: the development outbox is listed')
})

function runMain(env: Record<string, string>, until: RegExp, onReady: () => Promise<void> = async () => {}, timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let done = false
    let ready = false
    const finish = (code: number | null) => { if (!done) { done = true; clearTimeout(timer); resolve({ code, out }) } }
    const onData = (d: Buffer) => {
      out += d.toString()
      if (!ready && until.test(out)) {
        ready = true
        void onReady().finally(() => { child.once('exit', () => finish(null)); child.kill('SIGTERM') })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => finish(code))
    const timer = setTimeout(() => { child.kill('SIGKILL'); finish(-1) }, timeoutMs)
  })
}

t.test('NODE_ENV=production with an empty DATA_DIR: no embedded database, no demo accounts, a clear message', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hubben-prod-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const { code, out } = await runMain({ NODE_ENV: 'production', DATA_DIR: dir, SESSION_SECRET: SECRET, PORT: '0' }, /Hubben is running/)
  t.equal(code, 1, 'exits with 1')
  t.match(out, /Hubben cannot start: NODE_ENV=production requires DATABASE_URL/)
  t.notMatch(out, /hubbendemo/)
  t.notOk(existsSync(path.join(dir, 'pglite')), 'no embedded database was created')
})

t.test('production on PostgreSQL: starts, creates no demo world, no /dev pages', { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL' }, async (t) => {
  const url = process.env.DATABASE_URL!
  const name = `hubben_t_prod_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create database ${name}`)
  t.teardown(async () => { await admin.query(`drop database if exists ${name} with (force)`); await admin.end() })
  const u = new URL(url)
  u.pathname = `/${name}`
  const port = String(20000 + Math.floor(Math.random() * 20000))
  const dir = mkdtempSync(path.join(tmpdir(), 'hubben-prod-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  let devStatus = 0
  const run = runMain({ ...PROD_ALL, DATABASE_URL: u.toString(), DATA_DIR: dir, PORT: port, SECURE_COOKIES: 'false' }, /Hubben is running/,
    async () => { devStatus = (await fetch(`http://127.0.0.1:${port}/dev/mail`)).status })
  const { code, out } = await run
  t.ok(out.includes('Hubben is running') && (code === 0 || code === null), `started and stopped cleanly: ${out.slice(0, 300)}`)
  t.notMatch(out, /Demo world|hubbendemo/)
  const c = new pg.Client({ connectionString: u.toString() })
  await c.connect()
  const { rows } = await c.query('select count(*)::int as n from persons')
  await c.end()
  t.equal(rows[0].n, 0, 'no people: no demo accounts')
  t.equal(devStatus, 404, '/dev/mail does not exist')
})
