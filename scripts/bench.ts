/**
 * npm run bench [-- options]       the page benchmark (see README, Performance)
 * npm run bench:rush [-- options]  the morning rush
 *
 * Against real PostgreSQL (a throwaway database, `hubben_bench` by default, seeded with
 * the district when empty), starts Hubben as a second process on loopback
 * (NODE_ENV=test: templates cached, x-hubben-queries present; the clock frozen at a
 * school morning), logs in as guardians of many families and loads each page of
 * scripts/bench/pages.ts with autocannon. The same run measures a baseline (a bare
 * route: one trivial SQL statement and a tiny template, HUBBEN_BENCH=1) before and
 * after the pages; each page's throughput is given as a ratio to it.
 */
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { PAGES, type BenchRequest } from './bench/pages.js'
import { ROOT, log, num, opt } from './bench/options.js'
import { ensureDatabase, startServer, stopServer } from './bench/server.js'
import { benchSessions, requestsOf, staffSessions } from './bench/sessions.js'
import { load, sizeOf } from './bench/load.js'
import { report, type Row } from './bench/report.js'
import { morningRush } from './bench/rush.js'

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.floor(s.length / 2)]! : 0
}

async function benchPages(): Promise<void> {
  const { pupils } = await ensureDatabase()
  const server = await startServer()
  try {
    const sessions = await benchSessions(num('sessions'))
    const filter = opt.pages ? opt.pages.split(',').map((s) => s.trim().toLowerCase()) : null
    const pages = PAGES.filter((p) => !filter || filter.some((f) => p.name.toLowerCase().includes(f)))
    const mentors = pages.some((p) => p.staff) ? await staffSessions(Math.min(50, num('sessions'))) : []
    const seconds = num('duration')
    const baselineReq: BenchRequest = { method: 'GET', path: '/bench/baseline', expect: 200 }
    const loadAvg = [os.loadavg()[0]!]

    const gets = pages.flatMap((p) => requestsOf(p, sessions, mentors)).filter((x) => x.req.method === 'GET')
    if (num('warmup') > 0 && gets.length) {
      log(`Warming up for ${num('warmup')} s...`)
      // Every page and the baseline, so that the first measurement pays for no lazy loading.
      await load([...gets, ...gets.map(() => ({ req: baselineReq, cookie: undefined }))].map((x) => ({ ...x, req: { ...x.req, expect: 0 } })), num('warmup'))
    }

    const measure = async (name: string, reqs: { req: BenchRequest; cookie?: string }[]) => {
      // A second for the server to finish the last run's requests.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const r = await load(reqs, seconds)
      const samples = await Promise.all(reqs.slice(0, 10).map((x) => sizeOf(x.req, x.cookie)))
      const row = {
        name, rps: r.rps, ratio: 0, p50: r.p50, p99: r.p99, queries: r.queries,
        html: median(samples.map((s) => s.html)), gzip: median(samples.map((s) => s.gzip)), wire: median(samples.map((s) => s.wire)),
        encoding: samples[0]?.encoding ?? '', failed: r.failed, sessions: new Set(reqs.map((x) => x.cookie)).size,
      }
      log(`  ${name.padEnd(24)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  ` +
        `${row.queries?.toFixed(1) ?? '-'} SQL/req  ${row.gzip} B gzip  ${row.failed ? `FAILED ${row.failed} ${JSON.stringify(r.statuses)}` : ''}`)
      return row
    }

    log(`Measuring: ${num('connections')} connections, ${seconds} s per page, ${sessions.length} sessions.`)
    const skipBaseline = opt['skip-baseline']
    const base1 = skipBaseline ? null : await measure('baseline', [{ req: baselineReq }])
    const rows: Row[] = []
    for (const page of pages) {
      const reqs = requestsOf(page, sessions, mentors)
      if (!reqs.length) { log(`  ${page.name}: no session has this page`); continue }
      rows.push(await measure(page.name, reqs))
      loadAvg.push(os.loadavg()[0]!)
    }
    const base2 = skipBaseline ? null : await measure('baseline (again)', [{ req: baselineReq }])
    const baseRps = base1 && base2 ? (base1.rps + base2.rps) / 2 : NaN
    for (const r of [...rows, ...(base1 ? [base1] : []), ...(base2 ? [base2] : [])]) r.ratio = r.rps / baseRps

    const pgVersion = await (async () => {
      const c = new pg.Client({ connectionString: opt.db }); await c.connect()
      const v = (await c.query('show server_version')).rows[0].server_version as string
      await c.end()
      return v
    })()
    const md = report([...(base1 ? [base1] : []), ...rows, ...(base2 ? [base2] : [])], { pupils, sessions: sessions.length, loadAvg, pgVersion })
    console.log(`\n${md}`)
    const out = opt.out ?? (filter ? null : 'docs/bench-latest.md')
    if (out) {
      writeFileSync(path.resolve(ROOT, out), md)
      log(`Written to ${out}.`)
    }
    const failed = rows.reduce((n, r) => n + r.failed, 0) + (base1?.failed ?? 0) + (base2?.failed ?? 0)
    if (failed) {
      console.error(`${failed} requests failed.`)
      process.exitCode = 1
    }
  } finally {
    await stopServer(server)
  }
}

await (opt.rush ? morningRush() : benchPages())
