import type { Config } from '../config.js'
import type { Channels } from './outbox.js'
import { smsChannel } from './sms.js'

/**
 * Channels beyond e-mail (SMS, push), built from configuration. Each box that adds a
 * channel extends this function; without settings a channel keeps what it would send
 * in DATA_DIR for developers.
 */
export async function extraChannels(_config: Config): Promise<Omit<Partial<Channels>, 'email'>> {
  return { sms: smsChannel(_config) }
}
