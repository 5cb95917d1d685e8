import { createHash, randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { stockholmInstant, toIsoDate, type Clock, type IsoDate } from '../clock.js'
import { importAddresses, type AddressOutcome } from './addresses.js'

export const ADDRESS_JOB = 'address-transfer'
/** Stockholm wall-clock time of the nightly run. */
export const ADDRESS_RUN_AT = '02:00'
const LEASE_MS = 60 * 60_000

/**
 * Tonight's run: the slot is the Stockholm date, due from 02:00 local time that day.
 * On the spring night 02:00 does not exist and the run is due at 03:00 summer time
 * (the same instant); on the autumn night 02:00 comes twice, but the slot is the date,
 * so it runs once. A run missed while no instance was up is made when one starts.
 */
export function nightlySlot(now: Date, at = ADDRESS_RUN_AT): { slot: IsoDate; dueAt: Date; due: boolean } {
  const slot = toIsoDate(now)
  const dueAt = stockholmInstant(slot, at)
  return { slot, dueAt, due: now.getTime() >= dueAt.getTime() }
}

/**
 * Claims a job's slot for one holder. Of any number of instances asking at once, one
 * gets it; another may take it over only after the lease ran out without the run
 * finishing (the holder died).
 */
export async function claimSlot(db: Db, job: string, slot: string, holder: string, now: Date, leaseMs = LEASE_MS): Promise<boolean> {
  const until = new Date(now.getTime() + leaseMs)
  const res = await sql<{ holder: string }>`
    insert into job_claims (job, slot, holder, locked_until) values (${job}, ${slot}, ${holder}, ${until})
    on conflict (job, slot) do update set holder = excluded.holder, locked_until = excluded.locked_until
      where job_claims.finished_at is null and job_claims.locked_until < ${now}
    returning holder`.execute(db)
  return res.rows[0]?.holder === holder
}

export async function finishSlot(db: Db, job: string, slot: string, holder: string, now: Date): Promise<void> {
  await db.updateTable('job_claims').set({ finished_at: now })
    .where('job', '=', job).where('slot', '=', slot).where('holder', '=', holder).execute()
}

export interface DirectoryRun { file: string; skipped: boolean; outcome?: AddressOutcome; error?: string }

/**
 * Every file of the directory, in name order, that has not been applied yet (a file
 * already applied, known by its checksum, is skipped: rerunning is safe either way).
 */
export async function runAddressDirectory(db: Db, clock: Clock, dir: string): Promise<DirectoryRun[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort()
  const out: DirectoryRun[] = []
  for (const name of names) {
    try {
      const text = await readFile(path.join(dir, name), 'utf8')
      const checksum = createHash('sha256').update(text).digest('hex')
      const done = await db.selectFrom('import_runs').select('id')
        .where('kind', '=', 'addresses').where('checksum', '=', checksum).where('status', '=', 'ok').executeTakeFirst()
      if (done) { out.push({ file: name, skipped: true }); continue }
      out.push({ file: name, skipped: false, outcome: await importAddresses(db, clock, { text, source: name }) })
    } catch (err) {
      out.push({ file: name, skipped: false, error: (err as Error).message })
    }
  }
  return out
}

export interface ScheduleLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/**
 * Checks once a minute whether tonight's transfer is due and, if this instance wins
 * the claim, runs it. `tick()` is the check itself (tests call it directly).
 */
export function startAddressSchedule(opts: { db: Db; clock: Clock; dir: string; log: ScheduleLog; holder?: string; intervalMs?: number }) {
  const holder = opts.holder ?? randomUUID()
  let running: Promise<boolean> | null = null
  const tick = async (): Promise<boolean> => {
    const now = opts.clock.now()
    const { slot, due } = nightlySlot(now)
    if (!due) return false
    if (!(await claimSlot(opts.db, ADDRESS_JOB, slot, holder, now))) return false
    try {
      const runs = await runAddressDirectory(opts.db, opts.clock, opts.dir)
      for (const r of runs) {
        if (r.error) opts.log.error({ file: r.file, err: r.error }, 'address transfer failed')
        else if (!r.skipped) opts.log.info({ file: r.file, ...r.outcome!.counts }, 'address transfer')
      }
      await finishSlot(opts.db, ADDRESS_JOB, slot, holder, opts.clock.now())
      return true
    } catch (err) {
      opts.log.error({ err: (err as Error).message }, 'address transfer failed')
      return false
    }
  }
  const guarded = () => {
    if (!running) running = tick().finally(() => { running = null })
    return running
  }
  const timer = setInterval(() => { void guarded().catch(() => {}) }, opts.intervalMs ?? 60_000)
  timer.unref()
  return {
    tick: guarded,
    async stop() {
      clearInterval(timer)
      if (running) await running.catch(() => {})
    },
  }
}
