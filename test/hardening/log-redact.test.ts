import t from 'tap'
import { randomBytes } from 'node:crypto'
import { buildTestApp, Client } from '../helpers/app.js'
import { redactUrl } from '../../src/web/log-redact.js'

const lines: string[] = []
const ctx = await buildTestApp({ logger: { level: 'info', stream: { write: (l: string) => { lines.push(l) } } } })
t.teardown(() => ctx.close())

t.test('request logs never carry activation, reset or feed tokens', async (t) => {
  const secrets = Array.from({ length: 4 }, () => randomBytes(32).toString('base64url'))
  const short = 'abc123'
  const c = new Client(ctx.app)
  await c.get(`/activate/${secrets[0]}`)
  await c.post(`/activate/${short}`, { username: 'x', password: 'y' })
  await c.get(`/password/reset/${secrets[1]}`)
  await c.get(`/feeds/timetable/${secrets[2]}/${ctx.world.elsa}.ics`)
  await c.get(`/login?token=${short}&next=%2Fstart`)
  await c.get(`/login?next=%2Factivate%2F${secrets[3]}`)
  const log = lines.join('')
  t.ok(lines.length > 6, 'requests were logged')
  for (const s of [...secrets, short]) t.notOk(log.includes(s), `token ${s.slice(0, 6)}… not in the log`)
  t.match(log, /"url":"\/activate\/\[redacted\]"/)
  t.match(log, /"url":"\/password\/reset\/\[redacted\]"/)
  t.match(log, /"url":"\/feeds\/timetable\/\[redacted\]\//)
  t.match(log, /token=\[redacted\]&next=%2Fstart/)
  t.notMatch(log, /hubbendemo/, 'no passwords')
  t.notMatch(log, /"cookie"/i, 'no cookies')
})

t.test('redactUrl keeps ordinary URLs readable', async (t) => {
  t.equal(redactUrl('/children/12/messages?page=2'), '/children/12/messages?page=2')
  t.equal(redactUrl('/activate/abc'), '/activate/[redacted]')
  t.equal(redactUrl('/password/reset/abc?x=1'), '/password/reset/[redacted]?x=1')
})
