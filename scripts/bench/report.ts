// The page benchmark's report: one markdown table (docs/bench-latest.md by default).
import os from 'node:os'
import { ENCODING } from './load.js'
import { num, opt } from './options.js'

export interface Row {
  name: string
  rps: number
  ratio: number
  p50: number
  p99: number
  queries: number | null
  html: number
  gzip: number
  wire: number
  encoding: string
  failed: number
  sessions: number
  /** CPU ms per request of the server process and of its database backends (bench/cpu.ts). */
  appCpu?: number
  dbCpu?: number | null
}

const cpu = (n: number | null | undefined) => (n === undefined || n === null || !Number.isFinite(n) ? '-' : n.toFixed(2))

export function machine(): string {
  const cpu = os.cpus()
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}`
}

export interface RunInfo { pupils: number; sessions: number; loadAvg: number[]; dbVersion: string; connections: number }

const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0))

export function report(rows: Row[], info: RunInfo, heading?: string): string {
  const lines = [
    heading ? `## ${heading}` : `# Benchmark${opt.label ? `: ${opt.label}` : ''}`,
    '',
    `Taken ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}, ${info.dbVersion}.`,
    `District of ${info.pupils} pupils (\`npm run seed:district\`); ${info.sessions} guardians of different families logged in; ` +
      `autocannon with ${info.connections} connections for ${num('duration')} s per page, \`Accept-Encoding: ${ENCODING}\`; ` +
      `Hubben as a second process with NODE_ENV=test (templates cached, as in production) and the clock frozen at ${opt.now}. ` +
      `Load average (1 min) during the run: ${info.loadAvg.map((l) => l.toFixed(1)).join(' → ')} (other work shares the machine).`,
    '',
    'The baseline is a bare route on the same server (same plugins and hooks): one trivial SQL statement and a tiny template, ' +
      'no session. It runs before and after the pages; the ratio is against their mean. "gzip" is the HTML gzipped at the default ' +
      'level (what the budget tests measure); "wire" is what the server sent.',
    '',
    '| page | req/s | × baseline | p50 ms | p99 ms | SQL/req | CPU ms/req app + db | HTML B | gzip B | wire B | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.ratio.toFixed(2)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.queries?.toFixed(1) ?? '-'} | ${cpu(r.appCpu)} + ${cpu(r.dbCpu)} | ` +
      `${r.html} | ${r.gzip} | ${r.wire}${r.encoding !== 'identity' && r.wire ? ` (${r.encoding})` : ''} | ${r.failed} |`),
    '',
  ]
  return lines.join('\n')
}

/** Before and after, side by side: the same pages, measured in turn in one run. */
export function comparison(before: Row[], after: Row[], beforeLabel: string, info: RunInfo): string {
  const by = new Map(before.map((r) => [r.name, r]))
  const lines = [
    `# Benchmark${opt.label ? `: ${opt.label}` : ''}: ${beforeLabel} and after, in one run`,
    '',
    `Taken ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}, ${info.dbVersion}; ${info.pupils} pupils, ` +
      `${info.connections} connections, ${num('duration')} s per page, each page measured on both servers in turn; each side's ratio is to ` +
      `its own bare baseline (measured first and last). Load average (1 min): ${info.loadAvg.map((l) => l.toFixed(1)).join(' → ')}.`,
    '',
    'CPU is the time the server process and its PostgreSQL backends spent per answered request (from /proc): unlike req/s and ' +
      'latency it does not depend much on what else the machine is doing.',
    '',
    '| page | × baseline before / after | p99 ms before / after | SQL/req before / after | CPU ms/req app + db, before | CPU ms/req app + db, after |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...after.map((a) => {
      const b = by.get(a.name)
      return `| ${a.name} | ${b ? b.ratio.toFixed(2) : '-'} / ${a.ratio.toFixed(2)} | ${b ? ms(b.p99) : '-'} / ${ms(a.p99)} | ` +
        `${b?.queries?.toFixed(1) ?? '-'} / ${a.queries?.toFixed(1) ?? '-'} | ${cpu(b?.appCpu)} + ${cpu(b?.dbCpu)} | ${cpu(a.appCpu)} + ${cpu(a.dbCpu)} |`
    }),
    '',
  ]
  return lines.join('\n')
}
