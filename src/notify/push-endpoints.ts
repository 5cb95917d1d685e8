import { lookup as dnsLookup } from 'node:dns'
import { lookup } from 'node:dns/promises'
import https from 'node:https'
import net, { type LookupFunction } from 'node:net'
import type { Db } from '../db/index.js'

/** Devices (push subscriptions) one person may have; a new one beyond it replaces the oldest. */
export const MAX_DEVICES_PER_PERSON = 10

/**
 * Addresses a push endpoint may never be on in production: loopback, private, link-local,
 * carrier-grade NAT, unspecified, multicast, reserved, and their IPv6 counterparts. A
 * push service is on the public internet; anything else is a request into our own network.
 */
const blocked = new net.BlockList()
for (const [net4, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net4, prefix, 'ipv4')
for (const [net6, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64],
] as const) blocked.addSubnet(net6, prefix, 'ipv6')

/** True when the address is on the public internet (not loopback, private, link-local, ...). */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address)
  if (family === 4) return !blocked.check(address, 'ipv4')
  if (family !== 6) return false
  const lower = address.toLowerCase()
  // IPv4-mapped and IPv4-compatible forms (::ffff:127.0.0.1, ::ffff:7f00:1) are judged by their IPv4 address.
  const mapped = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped) return isPublicAddress(mapped[1]!)
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
  if (hex) {
    const n = (parseInt(hex[1]!, 16) << 16 >>> 0) + parseInt(hex[2]!, 16)
    return isPublicAddress([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'))
  }
  return !blocked.check(address, 'ipv6')
}

/**
 * Whether a push endpoint's host is on the public internet: a literal address is judged as
 * it is, a name by every address it resolves to (one private address is enough to refuse).
 * A name that does not resolve is refused too.
 */
export async function endpointIsPublic(endpoint: string, resolve: (host: string) => Promise<string[]> = resolveAll): Promise<boolean> {
  let host: string
  try {
    host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '')
  } catch {
    return false
  }
  if (net.isIP(host)) return isPublicAddress(host)
  try {
    const addresses = await resolve(host)
    return addresses.length > 0 && addresses.every(isPublicAddress)
  } catch {
    return false
  }
}

async function resolveAll(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true, verbatim: true })
  return found.map((a) => a.address)
}

/**
 * An https agent for delivering push messages in production: its DNS lookup refuses
 * non-public addresses, so a name that pointed somewhere public when the device was
 * registered cannot be pointed into our network later (DNS rebinding).
 */
export function publicOnlyAgent(): https.Agent {
  const guarded: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0)
      const list = addresses as unknown as { address: string; family: number }[]
      const bad = list.find((a) => !isPublicAddress(a.address))
      if (bad || list.length === 0) {
        const e = Object.assign(new Error('push endpoint is not on a public address'), { code: 'EPRIVATEADDRESS' })
        return callback(e, '', 0)
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list)
      callback(null, list[0]!.address, list[0]!.family)
    })
  }
  return new https.Agent({ keepAlive: true, lookup: guarded, timeout: 4_000 })
}

/**
 * Saves a device for the person (the device belongs to whoever turned push on last) and
 * keeps at most MAX_DEVICES_PER_PERSON: the oldest beyond that are removed. Returns how
 * many old devices went.
 */
export async function saveSubscription(db: Db, personId: number, sub: { endpoint: string; p256dh: string; auth: string }, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Serializes one person's registrations, so parallel ones cannot pass the limit together.
    await trx.selectFrom('persons').select('id').where('id', '=', personId).forUpdate().execute()
    await trx.insertInto('push_subscriptions')
      .values({ person_id: personId, endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, created_at: now })
      .onConflict((oc) => oc.column('endpoint').doUpdateSet({ person_id: personId, p256dh: sub.p256dh, auth: sub.auth, created_at: now }))
      .execute()
    const res = await trx.deleteFrom('push_subscriptions')
      .where('person_id', '=', personId)
      .where('id', 'not in', (eb) => eb.selectFrom('push_subscriptions').select('id').where('person_id', '=', personId)
        .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(MAX_DEVICES_PER_PERSON))
      .executeTakeFirst()
    return Number(res.numDeletedRows)
  })
}

