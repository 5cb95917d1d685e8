// CPU time the server and its database spend, per request: a cost that stays comparable
// when other work shares the machine (throughput and latency do not). From /proc (Linux):
// the server process, and the PostgreSQL backends connected to its database (PGlite runs
// inside the server, so there it is all "app").
import { readFileSync } from 'node:fs'
import pg from 'pg'

const TICK_MS = 10 // USER_HZ is 100 on Linux

function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) * TICK_MS
  } catch {
    return null
  }
}

export interface CpuSnapshot { app: number; db: Map<number, number> }

async function backends(dbUrl: string | undefined): Promise<number[]> {
  if (!dbUrl) return []
  const name = new URL(dbUrl).pathname.slice(1)
  const c = new pg.Client({ connectionString: dbUrl })
  await c.connect()
  try {
    const { rows } = await c.query(`select pid from pg_stat_activity where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()`, [name])
    return rows.map((r) => Number(r.pid))
  } finally {
    await c.end()
  }
}

export async function cpuSnapshot(serverPid: number, dbUrl?: string): Promise<CpuSnapshot> {
  const db = new Map<number, number>()
  for (const pid of await backends(dbUrl)) {
    const ms = cpuMs(pid)
    if (ms !== null) db.set(pid, ms)
  }
  return { app: cpuMs(serverPid) ?? 0, db }
}

/** CPU ms spent between two snapshots: the server's, and its database backends' (new backends count from zero). */
export async function cpuSince(before: CpuSnapshot, serverPid: number, dbUrl?: string): Promise<{ app: number; db: number | null }> {
  const after = await cpuSnapshot(serverPid, dbUrl)
  let db = 0
  for (const [pid, ms] of after.db) db += ms - (before.db.get(pid) ?? 0)
  return { app: after.app - before.app, db: dbUrl ? db : null }
}
