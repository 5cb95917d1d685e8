import t from 'tap'
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { openPglite } from '../../src/db/index.js'
import { buildTestApp, loginAs } from '../helpers/app.js'

t.test('the embedded database directory is locked while in use', { skip: process.env.DATABASE_URL ? 'PGlite only' : false }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hubben-lock-'))
  // Another live process holds the lock.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
  t.teardown(() => { other.kill() })
  writeFileSync(path.join(dir, 'hubben.lock'), String(other.pid))
  await t.rejects(openPglite(dir), { name: 'DataDirLockedError' })
  await t.rejects(openPglite(dir), /in use by another Hubben process \(pid \d+\)/)

  // A lock left by a process that has died is taken over, and released on close.
  other.kill()
  await new Promise((r) => other.once('exit', r))
  const handle = await openPglite(dir)
  t.ok(existsSync(path.join(dir, 'hubben.lock')))
  await handle.close()
  t.notOk(existsSync(path.join(dir, 'hubben.lock')))
})

t.test('database down: /readyz and pages answer 503, never a stack trace', async (t) => {
  const ctx = await buildTestApp()
  const anna = await loginAs(ctx.app, 'anna.lind')
  await ctx.db.destroy()
  const ready = await ctx.app.inject('/readyz')
  t.equal(ready.statusCode, 503)
  const page = await anna.get(`/children/${ctx.world.elsa}`)
  t.equal(page.statusCode, 503)
  t.match(page.body, /Hubben är inte tillgänglig just nu/)
  t.notMatch(page.body, /Error|at \//)
  t.equal((await ctx.app.inject('/healthz')).statusCode, 200, 'the process itself is alive')
  await ctx.app.close()
})

t.test('database lost after the handler, while the session is saved: still the plain 503 page, not JSON', async (t) => {
  // The outage test on PostgreSQL once met this: a report was stored, the connection was cut
  // before the session (its flash) was saved, and Fastify's last-resort handler answered JSON.
  let cut: () => Promise<void> = async () => {}
  const ctx = await buildTestApp({
    register: async (app) => {
      app.get('/test/cut-before-save', async (req, reply) => {
        req.session.lang = 'sv'
        req.session.currentChildId = 1
        await cut()
        return reply.redirect('/')
      })
    },
  })
  cut = async () => { await ctx.db.destroy() }
  const anna = await loginAs(ctx.app, 'anna.lind')
  const res = await anna.get('/test/cut-before-save')
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /text\/html/)
  t.match(res.body, /Hubben är inte tillgänglig just nu/)
  await ctx.app.close()
})
