/**
 * Fastify's trustProxy from TRUST_PROXY (config.ts). A list of addresses goes to Fastify
 * as is. A hop count becomes a function: Fastify 5 treats a bare number as "trust
 * nothing" (it cannot check the immediate peer), so the count is only for deployments
 * where Hubben is reachable solely through that many proxies (README, Operations).
 */
export function trustProxyOption(tp: false | number | string[]): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof tp === 'number' ? (_address: string, hop: number) => hop < tp : tp
}
