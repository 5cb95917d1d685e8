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
}

export function machine(): string {
  const cpu = os.cpus()
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}`
}

export function report(rows: Row[], info: { pupils: number; sessions: number; loadAvg: number[]; pgVersion: string }): string {
  const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0))
  const lines = [
    `# Benchmark${opt.label ? `: ${opt.label}` : ''}`,
    '',
    `Taken ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}, PostgreSQL ${info.pgVersion} on the same machine.`,
    `District of ${info.pupils} pupils (\`npm run seed:district\`); ${info.sessions} guardians of different families logged in; ` +
      `autocannon with ${num('connections')} connections for ${num('duration')} s per page, \`Accept-Encoding: ${ENCODING}\`; ` +
      `Hubben as a second process with NODE_ENV=test (templates cached, as in production) and the clock frozen at ${opt.now}. ` +
      `Load average (1 min) during the run: ${info.loadAvg.map((l) => l.toFixed(1)).join(' → ')} (other work shares the machine).`,
    '',
    'The baseline is a bare route on the same server (same plugins and hooks): one trivial SQL statement and a tiny template, ' +
      'no session. It runs before and after the pages; the ratio is against their mean. "gzip" is the HTML gzipped at the default ' +
      'level (what the budget tests measure); "wire" is what the server sent.',
    '',
    '| page | req/s | × baseline | p50 ms | p99 ms | SQL/req | HTML B | gzip B | wire B | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.ratio.toFixed(2)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.queries?.toFixed(1) ?? '-'} | ` +
      `${r.html} | ${r.gzip} | ${r.wire}${r.encoding !== 'identity' && r.wire ? ` (${r.encoding})` : ''} | ${r.failed} |`),
    '',
  ]
  return lines.join('\n')
}
