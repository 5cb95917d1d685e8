// npm run bench:rush: guardians report absences for a share of the district in a short
// window while others read pages; then every child must have exactly one report.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { PAGES, type BenchRequest } from './pages.js'
import { ROOT, TODAY, log, num, opt } from './options.js'
import { ensureDatabase, startServer, stopServer } from './server.js'
import { Browser, benchSessions, requestsOf } from './sessions.js'
import { load } from './load.js'
import { machine } from './report.js'

interface RushChild { childId: number; kind: 'school' | 'preschool'; guardians: string[] }
interface RushPlan { child: RushChild; reporters: string[]; scope: 'day' | 'lessons'; doubleSubmit: boolean }

export async function morningRush(): Promise<void> {
  const { pupils } = await ensureDatabase()
  const share = num('rush-share')
  const windowS = num('rush-seconds')
  const db = new pg.Client({ connectionString: opt.db })
  await db.connect()
  const count = Math.max(1, Math.round(pupils * share))
  // Children with no report for today yet, in a deterministic spread-out order.
  const { rows } = await db.query(`
    select c.id as child_id, u.kind, array_agg(p.username order by p.username) as guardians
    from persons c join units u on u.id = c.unit_id
    join guardianships g on g.child_id = c.id join persons p on p.id = g.guardian_id
    where c.role = 'child' and p.username is not null
      and not exists (select 1 from absence_reports r where r.child_id = c.id and r.date = $1)
    group by c.id, u.kind
    order by md5(c.id::text) limit $2`, [TODAY, count])
  const before = Number((await db.query('select count(*) from absence_reports where date = $1', [TODAY])).rows[0].count)
  // Deterministic choices per child: who reports, whole day or lessons, double submits.
  const h = (id: number, salt: number) => ((Math.imul(id ^ salt, 2654435761) >>> 0) % 1000) / 1000
  const plans: RushPlan[] = rows.map((r) => {
    const child: RushChild = { childId: r.child_id, kind: r.kind, guardians: r.guardians }
    const both = h(r.child_id, 1) < 0.1 && r.guardians.length > 1
    return {
      child,
      reporters: both ? r.guardians.slice(0, 2) : [r.guardians[h(r.child_id, 2) < 0.5 ? 0 : r.guardians.length - 1]],
      scope: r.kind === 'school' && h(r.child_id, 3) < 0.25 ? 'lessons' : 'day',
      doubleSubmit: h(r.child_id, 4) < 0.1,
    }
  })
  const reporterCount = plans.reduce((n, p) => n + p.reporters.length, 0)

  const server = await startServer()
  const failures: string[] = []
  const timings = { login: [] as number[], form: [] as number[], report: [] as number[], flow: [] as number[] }
  const chosenLessons = new Map<number, Set<number>>()
  try {
    const readers = await benchSessions(num('sessions'))
    const readerReqs = PAGES.filter((p) => !p.staff).flatMap((p) => requestsOf(p, readers, []))
      .filter((x): x is { req: BenchRequest; cookie: string } => x.req !== null && x.req.method === 'GET')
    log(`Morning rush: ${plans.length} children (${(share * 100).toFixed(1)}% of ${pupils}) reported by ${reporterCount} guardians over ${windowS} s ` +
      `(${plans.filter((p) => p.reporters.length > 1).length} by both guardians at once, ${plans.filter((p) => p.doubleSubmit).length} double submits, ` +
      `${plans.filter((p) => p.scope === 'lessons').length} for some lessons), while ${readers.length} guardians read pages at ${num('rush-readers')} req/s.`)

    // Guardians who logged in earlier (--rush-logged-in): their sessions are made before the window.
    const loggedInShare = num('rush-logged-in')
    const early = new Map<string, Browser>()
    const nameHash = (u: string) => { let x = 2166136261; for (let i = 0; i < u.length; i++) x = Math.imul(x ^ u.charCodeAt(i), 16777619); return x >>> 0 }
    const earlyNames = [...new Set(plans.flatMap((p) => p.reporters))].filter((u) => h(nameHash(u), 6) < loggedInShare)
    for (let i = 0; i < earlyNames.length; i += 8) {
      await Promise.all(earlyNames.slice(i, i + 8).map(async (u) => { const b = new Browser(); await b.login(u); early.set(u, b) }))
    }
    if (early.size) log(`${early.size} of the reporting guardians logged in before the window.`)

    const reporter = async (plan: RushPlan, username: string) => {
      const t0 = performance.now()
      const b = early.get(username) ?? new Browser()
      try {
        if (!early.has(username)) timings.login.push(await b.login(username))
        await b.get(`/children/${plan.child.childId}`)
        const form = await b.get(`/children/${plan.child.childId}/absences/new`)
        timings.form.push(form.ms)
        const fields: [string, string][] = [['date', TODAY], ['scope', plan.scope], ['reason', 'illness']]
        if (plan.scope === 'lessons') {
          const ids = [...form.html.matchAll(/name="lessons" value="(\d+)"/g)].map((m) => Number(m[1])).slice(0, 2)
          if (!ids.length) fields[1] = ['scope', 'day']
          for (const id of ids) fields.push(['lessons', String(id)])
          const set = chosenLessons.get(plan.child.childId) ?? new Set<number>()
          for (const id of ids) set.add(id)
          chosenLessons.set(plan.child.childId, set)
        }
        const url = `/children/${plan.child.childId}/absences`
        const posts = await Promise.all(plan.doubleSubmit ? [b.post(url, fields), b.post(url, fields)] : [b.post(url, fields)])
        for (const p of posts) timings.report.push(p.ms)
        await b.get(posts[0]!.location!)
      } catch (err) {
        failures.push(`${username} for child ${plan.child.childId}: ${(err as Error).message}`)
      }
      timings.flow.push(performance.now() - t0)
    }

    const readersRun = load(readerReqs, windowS + 10, { connections: 10, overallRate: num('rush-readers') })
    const started = performance.now()
    await Promise.all(plans.map((plan, i) => new Promise<void>((resolve) => {
      const at = ((i + h(plan.child.childId, 5)) / plans.length) * windowS * 1000
      setTimeout(() => { void Promise.all(plan.reporters.map((u) => reporter(plan, u))).then(() => resolve()) }, at)
    })))
    const took = (performance.now() - started) / 1000
    const readersResult = await readersRun

    // Every child exactly once: one report for today, and for lessons exactly the chosen lessons.
    const ids = plans.map((p) => p.child.childId)
    const stored = await db.query(`
      select r.child_id, count(distinct r.id)::int as reports, bool_or(r.whole_day) as whole_day,
        count(rl.lesson_id)::int as lesson_rows, count(distinct rl.lesson_id)::int as lessons,
        coalesce(array_agg(rl.lesson_id) filter (where rl.lesson_id is not null), '{}') as lesson_ids
      from absence_reports r left join absence_report_lessons rl on rl.report_id = r.id
      where r.date = $1 and r.child_id = any($2) group by r.child_id`, [TODAY, ids])
    const byChild = new Map(stored.rows.map((r) => [r.child_id as number, r]))
    const problems: string[] = []
    for (const plan of plans) {
      const r = byChild.get(plan.child.childId)
      if (!r) { problems.push(`child ${plan.child.childId}: no report stored (lost)`); continue }
      if (r.reports !== 1) problems.push(`child ${plan.child.childId}: ${r.reports} reports (doubled)`)
      const lessons = chosenLessons.get(plan.child.childId)
      if (plan.scope === 'day' || !lessons?.size) {
        if (!r.whole_day) problems.push(`child ${plan.child.childId}: not a whole-day report`)
      } else {
        if (r.lesson_rows !== r.lessons) problems.push(`child ${plan.child.childId}: a lesson stored twice`)
        const want = [...lessons].sort().join(',')
        const got = [...(r.lesson_ids as number[])].sort().join(',')
        if (want !== got) problems.push(`child ${plan.child.childId}: lessons ${got}, expected ${want}`)
      }
    }
    const after = Number((await db.query('select count(*) from absence_reports where date = $1', [TODAY])).rows[0].count)
    if (after - before !== plans.length) problems.push(`${after - before} new reports for today, expected ${plans.length}`)

    const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))]! : 0 }
    const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(0)} ms, p99 ${pct(xs, 0.99).toFixed(0)} ms`
    const lines = [
      `# Morning rush${opt.label ? `: ${opt.label}` : ''}`,
      '',
      `Taken ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; district of ${pupils} pupils; clock frozen at ${opt.now}.`,
      '',
      `- ${plans.length} children (${(share * 100).toFixed(1)}%) reported absent by ${reporterCount} guardians arriving over ${windowS} s (all done in ${took.toFixed(0)} s): ` +
        `each logs in (${early.size} of them had logged in before the window, --rush-logged-in), opens the child's start page and the report form, and sends it; ${plans.filter((p) => p.reporters.length > 1).length} children were reported by both guardians at the same moment, ` +
        `${plans.filter((p) => p.doubleSubmit).length} reports were double-submitted, ${plans.filter((p) => p.scope === 'lessons').length} were for some lessons.`,
      `- Login POST ${fmt(timings.login)}; report form ${fmt(timings.form)}; report POST ${fmt(timings.report)}; whole visit ${fmt(timings.flow)}.`,
      `- Meanwhile ${readers.length} other guardians read pages at ${num('rush-readers')} req/s: ${readersResult.ok + readersResult.failed} requests, ` +
        `p50 ${readersResult.p50} ms, p99 ${readersResult.p99} ms, ${readersResult.failed} failed.`,
      `- Failed requests: ${failures.length + readersResult.failed}. Reports stored: ${after - before} new for ${plans.length} children; ` +
        `problems: ${problems.length ? problems.length : 'none (every report stored exactly once)'}.`,
      '',
    ]
    const md = lines.join('\n')
    console.log(`\n${md}`)
    for (const f of failures.slice(0, 10)) console.error(`  failed: ${f}`)
    for (const p of problems.slice(0, 10)) console.error(`  problem: ${p}`)
    writeFileSync(path.resolve(ROOT, opt.out ?? 'docs/bench-rush-latest.md'), md)
    if (failures.length || readersResult.failed || problems.length) process.exitCode = 1
  } finally {
    await stopServer(server)
    await db.end()
  }
}
