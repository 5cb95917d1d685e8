import type { Config } from '../config.js'
import type { Channels } from './outbox.js'
import { pushChannel, resolveVapid, webPushSend } from './push.js'
import { smsChannel } from './sms.js'
import { publicOnlyAgent } from './push-endpoints.js'

/**
 * Channels beyond e-mail (SMS, push), built from configuration. Each box that adds a
 * channel extends this function; without settings a channel keeps what it would send
 * in DATA_DIR for developers.
 */
export async function extraChannels(_config: Config): Promise<Omit<Partial<Channels>, 'email'>> {
  // Push needs VAPID keys: from the environment, or generated into DATA_DIR outside production.
  const vapid = resolveVapid(_config)
  // In production push messages go out only to public addresses (checked at each connection).
  const extra = _config.env === 'production' ? { agent: publicOnlyAgent() } : {}
  return { sms: smsChannel(_config), ...(vapid ? { push: pushChannel(webPushSend(vapid, extra)) } : {}) }
}
