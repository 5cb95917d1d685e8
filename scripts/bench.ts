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
import type { ChildProcess } from 'node:child_process'
import pg from 'pg'
import { PAGES, type BenchRequest, type BenchSession, type StaffBenchSession } from './bench/pages.js'
import { PORT, ROOT, log, num, opt, useServer } from './bench/options.js'
import { ensureDatabase, ensurePglite, startServer, stopServer, withDatabase } from './bench/server.js'
import { familyRows, loginFamilies, loginMentors, mentorRows, requestsOf } from './bench/sessions.js'
import { load, sizeOf } from './bench/load.js'
import { comparison, report, type Row } from './bench/report.js'
import { chart } from './bench/chart.js'
import { cpuSince, cpuSnapshot } from './bench/cpu.js'
import { morningRush } from './bench/rush.js'

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.floor(s.length / 2)]! : 0
}

/** One server measured: this checkout ("after"), or --app-dir ("before"). */
interface Side {
  label: string
  appDir?: string
  db?: string
  dataDir?: string
  port: number
  server?: ChildProcess
  sessions: BenchSession[]
  mentors: StaffBenchSession[]
  rows: Row[]
  base: Row[]
  loadAvg: number[]
}

async function benchPages(): Promise<void> {
  const pglite = opt.pglite
  const appDir = opt['app-dir']
  const connections = pglite ? num('pglite-connections') : num('connections')
  const sides: Side[] = []
  const side = (label: string, s: Partial<Side>): Side => ({ label, port: PORT, sessions: [], mentors: [], rows: [], base: [], loadAvg: [], ...s })
  if (appDir) sides.push(side(`before (${path.basename(path.resolve(appDir))})`, { appDir, port: PORT + 1, ...(pglite ? { dataDir: `${opt['data-dir']}-before` } : { db: opt['db-before'] ?? opt.db }) }))
  sides.push(side(appDir ? 'after' : 'this checkout', pglite ? { dataDir: opt['data-dir'] } : { db: opt.db }))

  let pupils = 0
  for (const s of sides) pupils = (s.dataDir ? await ensurePglite(s.dataDir, opt['pglite-pupils']!) : await ensureDatabase(s.db, s.appDir)).pupils
  const filter = opt.pages ? opt.pages.split(',').map((s) => s.trim().toLowerCase()) : null
  const pages = PAGES.filter((p) => !filter || filter.some((f) => p.name.toLowerCase().includes(f)))
  const wantMentors = pages.some((p) => p.staff)
  // Who logs in: read before the servers start (a PGlite directory has one user at a time).
  const [families, mentorList] = await withDatabase(sides.at(-1)!, async (q) => [
    await familyRows(num('sessions'), q), wantMentors ? await mentorRows(Math.min(50, num('sessions')), q) : [],
  ])

  try {
    for (const s of sides) {
      log(`Starting ${s.label} on port ${s.port}${s.dataDir ? ` (PGlite in ${s.dataDir})` : ''}...`)
      s.server = await startServer({ appDir: s.appDir, db: s.db, dataDir: s.dataDir, port: s.port })
      useServer(s.port)
      s.sessions = await loginFamilies(families)
      s.mentors = wantMentors ? await loginMentors(mentorList) : []
    }
    const seconds = num('duration')
    const baselineReq: BenchRequest = { method: 'GET', path: '/bench/baseline', expect: 200 }

    if (num('warmup') > 0) {
      for (const s of sides) {
        useServer(s.port)
        const gets = pages.flatMap((p) => requestsOf(p, s.sessions, s.mentors)).filter((x) => x.req.method === 'GET')
        log(`Warming up ${s.label} for ${num('warmup')} s...`)
        // Every page and the baseline, so that the first measurement pays for no lazy loading.
        await load([...gets, ...gets.map(() => ({ req: baselineReq, cookie: undefined }))].map((x) => ({ ...x, req: { ...x.req, expect: 0 } })), num('warmup'), { connections })
      }
    }

    const measure = async (s: Side, name: string, reqs: { req: BenchRequest; cookie?: string }[]) => {
      useServer(s.port)
      // A second for the server to finish the last run's requests.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const cpu0 = await cpuSnapshot(s.server!.pid!, s.db)
      const r = await load(reqs, seconds, { connections })
      const cpu = await cpuSince(cpu0, s.server!.pid!, s.db)
      const answered = Object.values(r.statuses).reduce((n, x) => n + x, 0) || 1
      const samples = await Promise.all(reqs.slice(0, 10).map((x) => sizeOf(x.req, x.cookie)))
      const row: Row = {
        name, rps: r.rps, ratio: 0, p50: r.p50, p99: r.p99, queries: r.queries,
        html: median(samples.map((x) => x.html)), gzip: median(samples.map((x) => x.gzip)), wire: median(samples.map((x) => x.wire)),
        encoding: samples[0]?.encoding ?? '', failed: r.failed, sessions: new Set(reqs.map((x) => x.cookie)).size,
        appCpu: cpu.app / answered, dbCpu: cpu.db === null ? null : cpu.db / answered,
      }
      s.loadAvg.push(os.loadavg()[0]!)
      log(`  ${sides.length > 1 ? `[${s.label}] ` : ''}${name.padEnd(24)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  ` +
        `${row.queries?.toFixed(1) ?? '-'} SQL/req  CPU ${row.appCpu!.toFixed(2)}+${row.dbCpu?.toFixed(2) ?? '-'} ms/req  ${row.gzip} B gzip  load ${os.loadavg()[0]!.toFixed(1)}  ${row.failed ? `FAILED ${row.failed} ${JSON.stringify(r.statuses)}` : ''}`)
      return row
    }

    log(`Measuring: ${connections} connections, ${seconds} s per page, ${families.length} sessions${sides.length > 1 ? ', before and after in turn' : ''}.`)
    const skipBaseline = opt['skip-baseline']
    for (const s of sides) s.loadAvg.push(os.loadavg()[0]!)
    if (!skipBaseline) for (const s of sides) s.base.push(await measure(s, 'baseline', [{ req: baselineReq }]))
    for (const page of pages) {
      for (const s of sides) {
        const reqs = requestsOf(page, s.sessions, s.mentors)
        if (!reqs.length) { log(`  ${page.name}: no session has this page`); continue }
        s.rows.push(await measure(s, page.name, reqs))
      }
    }
    if (!skipBaseline) for (const s of [...sides].reverse()) s.base.push(await measure(s, 'baseline (again)', [{ req: baselineReq }]))
    for (const s of sides) {
      const baseRps = s.base.length === 2 ? (s.base[0]!.rps + s.base[1]!.rps) / 2 : NaN
      for (const r of [...s.rows, ...s.base]) r.ratio = r.rps / baseRps
    }

    const dbVersion = pglite ? 'PGlite (embedded, in the server process)' : await (async () => {
      const c = new pg.Client({ connectionString: opt.db }); await c.connect()
      const v = (await c.query('show server_version')).rows[0].server_version as string
      await c.end()
      return `PostgreSQL ${v} on the same machine`
    })()
    const info = { pupils, sessions: families.length, dbVersion, connections }
    const parts = sides.map((s) => report([s.base[0], ...s.rows, s.base[1]].filter((r): r is Row => !!r), { ...info, loadAvg: s.loadAvg }, sides.length > 1 ? s.label : undefined))
    const before = sides.length > 1 ? sides[0]! : null
    const after = sides.at(-1)!
    const md = [
      ...(before ? [comparison(before.rows, after.rows, before.label, { ...info, loadAvg: after.loadAvg })] : []),
      ...parts,
    ].join('\n')
    console.log(`\n${md}`)
    const out = opt.out ?? (filter ? null : pglite ? 'docs/bench-pglite-latest.md' : 'docs/bench-latest.md')
    if (out) {
      const svgOut = out.replace(/\.md$/, '') + '.svg'
      writeFileSync(path.resolve(ROOT, svgOut), chart(after.rows, before?.rows ?? null, {
        title: `Hubben${pglite ? ' on PGlite' : ''}: pages as a share of the bare baseline (${connections} connections, ${pupils} pupils)`,
        beforeLabel: before?.label ?? '', afterLabel: before ? 'after' : 'this checkout',
        // Issue 17's targets, as ratios to the bare baseline.
        targets: pglite ? [{ label: 'start ≥ 0.30', at: 0.3 }] : [{ label: 'staff', at: 0.25 }, { label: 'guardian', at: 0.35 }, { label: 'start', at: 0.4 }],
      }))
      writeFileSync(path.resolve(ROOT, out), `${md}\n![Ratios to the bare baseline](${path.basename(svgOut)})\n`)
      log(`Written to ${out} and ${svgOut}.`)
    }
    const failed = sides.reduce((n, s) => n + [...s.rows, ...s.base].reduce((m, r) => m + r.failed, 0), 0)
    if (failed) {
      console.error(`${failed} requests failed.`)
      process.exitCode = 1
    }
  } finally {
    for (const s of sides) if (s.server) await stopServer(s.server)
  }
}

await (opt.rush ? morningRush() : benchPages())
