import path from 'node:path'
import { loadConfig, ConfigError } from './config.js'
import { systemClock } from './clock.js'
import { openDatabase, DataDirLockedError } from './db/index.js'
import { migrateToLatest } from './db/migrate.js'
import { buildApp } from './app.js'
import { devOutboxMailer, smtpMailer } from './notify/mailer.js'
import { mailChannel, startDispatcher, type Channels } from './notify/outbox.js'
import { extraChannels } from './notify/channels.js'
import { isDatabaseEmpty, seedDemo, DEMO_PASSWORD, demoLogins } from './demo/seed.js'
import { startMaintenance } from './maintenance.js'
import { startAddressSchedule } from './import/scheduler.js'
import { BankIdClient } from './auth/bankid/client.js'
import { bankIdFromConfig, type BankId } from './auth/bankid/setup.js'
import { loadOrCreateCerts } from './auth/bankid/simulator/certs.js'
import { startSimulator } from './auth/bankid/simulator/server.js'

async function main() {
  const started = performance.now()
  const config = loadConfig()
  const clock = systemClock(config.frozenNow)
  const handle = await openDatabase(config)
  const applied = await migrateToLatest(handle.db)

  // Demo data only on a fresh embedded database; a real server gets it from `npm run demo`.
  let seeded = false
  if (config.env !== 'production' && handle.engine === 'pglite' && (await isDatabaseEmpty(handle.db))) {
    await seedDemo(handle.db, clock)
    seeded = true
  }

  // The mail file stand-in exists only in development and test (loadConfig requires SMTP_URL in production).
  const devMailer = config.smtpUrl || config.env === 'production' ? null : devOutboxMailer(path.join(config.dataDir, 'mail'), clock.now)
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : devMailer!
  const channels: Channels = { email: mailChannel(mailer), ...(await extraChannels(config)) }
  const dispatcher = startDispatcher(handle.db, clock, channels, { onError: (e) => app.log.error({ err: e }, 'outbox dispatch failed') })

  // BankID: the settings when given; otherwise in development the simulator (its test
  // certificates made once into DATA_DIR/bankid-sim), in production not available.
  let bankid: BankId = bankIdFromConfig(config)
  if (!config.bankid && config.env === 'development') {
    const certs = loadOrCreateCerts(path.join(config.dataDir, 'bankid-sim'))
    const simulator = await startSimulator({ certs, port: Number(process.env.BANKID_SIM_PORT) || 0 })
    bankid = { client: new BankIdClient({ url: simulator.url, pfx: certs.clientPfx, passphrase: certs.passphrase, ca: certs.caPem }), simulator, now: Date.now }
  }

  const app = await buildApp(
    // HUBBEN_ACCESS_CACHE=off: read the session and access facts from the database on every request.
    { config, db: handle.db, clock, mailer, channels, bankid, changes: process.env.HUBBEN_ACCESS_CACHE === 'off' ? undefined : handle.changes },
    {
      logger: { level: config.logLevel },
      devMail: devMailer && config.env !== 'production' ? () => devMailer.list() : undefined,
      kick: dispatcher.kick,
    },
  )
  const maintenance = startMaintenance(handle.db, clock, config)
  // The nightly address transfer (02:00 Stockholm), when a directory for its files is set.
  const addressDir = process.env.ADDRESS_IMPORT_DIR
  const addresses = addressDir ? startAddressSchedule({ db: handle.db, clock, dir: addressDir, log: app.log }) : null

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    bankid.client?.close()
    await bankid.simulator?.close()
    await dispatcher.stop()
    maintenance.stop()
    await addresses?.stop()
    await handle.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  await app.listen({ port: config.port, host: config.host })
  const ms = Math.round(performance.now() - started)
  const where = handle.engine === 'pglite' ? `embedded PostgreSQL (PGlite) in ${path.join(config.dataDir, 'pglite')}` : 'PostgreSQL (DATABASE_URL)'
  console.log(`Hubben is running at ${config.baseUrl} on ${where}; ready in ${ms} ms` +
    (applied.length ? `; applied ${applied.length} migration(s)` : ''))
  const s3 = config.uploads.s3
  console.log(s3 ? `Uploaded files are kept in the S3 bucket ${s3.bucket}${s3.endpoint ? ` at ${s3.endpoint}` : ''} (STORAGE=s3).` : `Uploaded files are kept in ${config.uploads.dir}.`)
  if (config.frozenNow) console.log(`The clock is frozen at ${config.frozenNow.toISOString()} (HUBBEN_NOW).`)
  if (seeded) {
    console.log(`Demo world created. Every demo account's password is "${DEMO_PASSWORD}":`)
    for (const l of demoLogins()) console.log(`  ${l.username.padEnd(14)} ${l.description}`)
  }
  if (bankid.simulator) console.log(`BankID: the simulator runs at ${bankid.simulator.url}; its phone page is ${config.baseUrl}/dev/bankid`)
  else if (!bankid.client) console.log('BankID is not configured (BANKID_PFX, BANKID_PASSPHRASE, BANKID_CA): Bedömningar and Dokumentation cannot be opened.')
  if (devMailer) console.log(`Mail is kept in ${path.join(config.dataDir, 'mail')} and listed at ${config.baseUrl}/dev/mail`)
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(`Hubben cannot start: ${err.message}`)
  } else {
    console.error('Hubben failed to start:', err)
  }
  process.exit(1)
})
