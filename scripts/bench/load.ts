// The load runner: autocannon against the server, counting statuses and the statements
// per request (x-hubben-queries), and one page's response sizes.
import http from 'node:http'
import { gzipSync } from 'node:zlib'
import autocannon, { type Result } from 'autocannon'
import type { BenchRequest } from './pages.js'
import { BASE, num } from './options.js'

// ---- load --------------------------------------------------------------------------

export interface LoadResult {
  rps: number
  p50: number
  p99: number
  queries: number | null
  ok: number
  failed: number
  statuses: Record<string, number>
  result: Result
}

export const ENCODING = 'gzip, deflate, br'

export async function load(requests: { req: BenchRequest; cookie?: string }[], seconds: number, extra: { connections?: number; overallRate?: number } = {}): Promise<LoadResult> {
  let i = 0
  const statuses: Record<string, number> = {}
  let ok = 0
  let failed = 0
  let queries = 0
  let counted = 0
  const result = await autocannon({
    url: BASE,
    connections: extra.connections ?? num('connections'),
    duration: seconds,
    timeout: 10,
    ...(extra.overallRate ? { overallRate: extra.overallRate } : {}),
    requests: [{
      setupRequest(raw) {
        const { req, cookie } = requests[i++ % requests.length]!
        return {
          ...raw,
          method: req.method,
          path: req.path,
          body: req.body,
          headers: {
            'accept-encoding': ENCODING,
            ...(cookie ? { cookie } : {}),
            ...(req.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
        }
      },
      onResponse(status, _body, context, headers) {
        statuses[status] = (statuses[status] ?? 0) + 1
        const q = headers['x-hubben-queries']
        if (typeof q === 'string') { queries += Number(q); counted++ }
        void context
      },
    }],
  })
  // Every request of one run expects the same status.
  const expect = requests[0]!.req.expect
  for (const [s, n] of Object.entries(statuses)) (Number(s) === expect ? (ok += n) : (failed += n))
  failed += result.errors + result.timeouts
  return {
    rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
    queries: counted ? queries / counted : null, ok, failed, statuses, result,
  }
}

/** Response sizes: the HTML, the same gzipped (as the budget test measures), and what went over the wire. */
export function sizeOf(req: BenchRequest, cookie: string | undefined): Promise<{ html: number; gzip: number; wire: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const r = http.request(BASE + req.path, {
      method: req.method, headers: { 'accept-encoding': ENCODING, ...(cookie ? { cookie } : {}), ...(req.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', async () => {
        const wire = Buffer.concat(chunks)
        const encoding = String(res.headers['content-encoding'] ?? 'identity')
        const zlib = await import('node:zlib')
        const html = encoding === 'br' ? zlib.brotliDecompressSync(wire) : encoding === 'gzip' ? zlib.gunzipSync(wire) : encoding === 'deflate' ? zlib.inflateSync(wire) : wire
        resolve({ html: html.length, gzip: html.length ? gzipSync(html).length : 0, wire: wire.length, encoding })
      })
    })
    r.on('error', reject)
    r.end(req.body)
  })
}
