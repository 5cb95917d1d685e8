import type { Config } from '../config.js'
import type { Channels } from './outbox.js'
import { pushChannel, resolveVapid, webPushSend } from './push.js'
import { smsChannel } from './sms.js'

/**
 * Channels beyond e-mail (SMS, push), built from configuration. Each box that adds a
 * channel extends this function; without settings a channel keeps what it would send
 * in DATA_DIR for developers.
 */
export async function extraChannels(_config: Config): Promise<Omit<Partial<Channels>, 'email'>> {
  // Push needs VAPID keys: from the environment, or generated into DATA_DIR outside production.
  const vapid = resolveVapid(_config)
  return { sms: smsChannel(_config), ...(vapid ? { push: pushChannel(webPushSend(vapid)) } : {}) }
}
