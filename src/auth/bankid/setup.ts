import { readFileSync } from 'node:fs'
import { ConfigError, type Config } from '../../config.js'
import { BankIdClient } from './client.js'
import type { BankIdSimulator } from './simulator/server.js'

/** BankID as the app sees it (app.bankid). */
export interface BankId {
  /** null: BankID is not configured here (production without its settings): nothing behind it opens. */
  client: BankIdClient | null
  /** Development and tests: the simulator in this process; its phone page is at /dev/bankid. */
  simulator: BankIdSimulator | null
  /**
   * Wall-clock milliseconds for the order's own timing (the QR code's seconds, the pace of
   * collect). Not the app's clock: that one may be frozen (HUBBEN_NOW, tests).
   */
  now: () => number
}

/** From BANKID_URL, BANKID_PFX, BANKID_PASSPHRASE and BANKID_CA; unset: not available (fails closed). */
export function bankIdFromConfig(config: Config): BankId {
  const s = config.bankid
  if (!s) return { client: null, simulator: null, now: Date.now }
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file)
    } catch (e) {
      throw new ConfigError(`${name} (${file}) cannot be read: ${(e as Error).message}`)
    }
  }
  const pfx = read('BANKID_PFX', s.pfxPath)
  const ca = read('BANKID_CA', s.caPath)
  try {
    return { client: new BankIdClient({ url: s.url, pfx, passphrase: s.passphrase, ca }), simulator: null, now: Date.now }
  } catch (e) {
    throw new ConfigError(`BANKID_PFX, BANKID_PASSPHRASE or BANKID_CA is not usable: ${(e as Error).message}`)
  }
}
