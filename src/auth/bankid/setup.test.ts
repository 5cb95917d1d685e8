import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../config.js'
import { bankIdFromConfig } from './setup.js'
import { generateCerts } from './simulator/certs.js'

const base = { DATA_DIR: '/tmp/hubben-bankid-setup', SESSION_SECRET: 's'.repeat(32) }
const dir = mkdtempSync(path.join(tmpdir(), 'hubben-bankid-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const certs = generateCerts()
writeFileSync(path.join(dir, 'rp.p12'), certs.clientPfx)
writeFileSync(path.join(dir, 'ca.pem'), certs.caPem)

t.test('no settings: not available, never the simulator', async (t) => {
  const b = bankIdFromConfig(loadConfig(base))
  t.equal(b.client, null)
  t.equal(b.simulator, null)
})

t.test('the certificate files: read at start; unreadable or a wrong passphrase stops the start', async (t) => {
  const ok = bankIdFromConfig(loadConfig({ ...base, BANKID_PFX: path.join(dir, 'rp.p12'), BANKID_PASSPHRASE: certs.passphrase, BANKID_CA: path.join(dir, 'ca.pem') }))
  t.ok(ok.client, 'a client')
  ok.client?.close()
  t.throws(() => bankIdFromConfig(loadConfig({ ...base, BANKID_PFX: path.join(dir, 'missing.p12'), BANKID_CA: path.join(dir, 'ca.pem') })),
    { name: 'ConfigError', message: /BANKID_PFX .*missing\.p12.* cannot be read/ })
  t.throws(() => bankIdFromConfig(loadConfig({ ...base, BANKID_PFX: path.join(dir, 'rp.p12'), BANKID_PASSPHRASE: 'wrong', BANKID_CA: path.join(dir, 'ca.pem') })),
    { name: 'ConfigError', message: /not usable/ })
})
