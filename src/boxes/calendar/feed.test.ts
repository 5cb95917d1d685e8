import t from 'tap'
import { buildTestApp, loginAs, type TestContext } from '../../../test/helpers/app.js'

/**
 * The feed read by a parser that is not ical-generator (the writer): no iCal parser is
 * installed, so this is a small RFC 5545 reader of our own (line unfolding, properties
 * with parameters, text unescaping, VEVENT blocks, DATE and UTC DATE-TIME values).
 */
interface VEvent { props: Map<string, { params: Record<string, string>; value: string }> }
function parseICal(text: string): { calendar: Map<string, string>; events: VEvent[] } {
  // Unfold: a CRLF followed by a space or tab continues the previous line.
  const lines = text.replace(/\r\n[ \t]/g, '').split(/\r\n/).filter(Boolean)
  const calendar = new Map<string, string>()
  const events: VEvent[] = []
  let current: VEvent | null = null
  for (const line of lines) {
    const colon = line.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    const [nameAndParams, value] = [line.slice(0, colon), line.slice(colon + 1)]
    const [name, ...paramList] = nameAndParams.split(';')
    const params = Object.fromEntries(paramList.map((p) => p.split('=') as [string, string]))
    if (name === 'BEGIN' && value === 'VEVENT') { current = { props: new Map() }; continue }
    if (name === 'END' && value === 'VEVENT') { events.push(current!); current = null; continue }
    const unescaped = value.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1')
    if (current) current.props.set(name!, { params, value: unescaped })
    else calendar.set(name!, unescaped)
  }
  return { calendar, events }
}
/** A DATE-TIME in UTC (…Z) as an instant, or a DATE as 'YYYY-MM-DD'. */
function when(p: { params: Record<string, string>; value: string }): string {
  const v = p.value
  if (p.params.VALUE === 'DATE' || /^\d{8}$/.test(v)) return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v)
  if (!m) throw new Error(`not a UTC date-time: ${v}`)
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)).toISOString()
}

const ctx: TestContext = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx

t.test('the feed: one secret per person, one address per child, parsed by an independent reader', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const settings = await anna.get('/settings')
  t.match(settings.body, /Kalendern i din kalenderapp/)
  t.match(settings.body, /Skapa prenumerationsadress/)
  const res = await anna.post('/settings/school-calendar-feed', {})
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/settings#school-calendar-feed')
  const page = await anna.get('/settings')
  const urls = [...page.body.matchAll(/id="school-feed-(\d+)" type="text" readonly value="([^"]+)"/g)].map((m) => ({ child: Number(m[1]), url: m[2]! }))
  t.same(urls.map((u) => u.child).sort(), [world.elsa, world.olle].sort(), 'an address for each child')
  const elsaUrl = new URL(urls.find((u) => u.child === world.elsa)!.url)

  // Also book a talk for Elsa, so the feed carries one.
  const slot = await db.selectFrom('talk_slots as s').innerJoin('talk_rounds as r', 'r.id', 's.round_id').select(['s.id', 's.round_id', 's.starts_at'])
    .where('r.staff_id', '=', world.karin).where((eb) => eb.not(eb.exists(eb.selectFrom('talk_bookings as b').select('b.slot_id').whereRef('b.slot_id', '=', 's.id')))).orderBy('s.starts_at').executeTakeFirstOrThrow()
  await db.insertInto('talk_bookings').values({ slot_id: slot.id, round_id: slot.round_id, child_id: world.elsa, booked_by: world.anna, message: '', created_at: new Date() }).execute()

  // Calendar apps send no cookie: the address alone.
  const feed = await app.inject({ method: 'GET', url: elsaUrl.pathname })
  t.equal(feed.statusCode, 200)
  t.match(feed.headers['content-type'], /^text\/calendar/)
  t.equal(feed.headers['referrer-policy'], 'no-referrer')
  const { calendar, events } = parseICal(feed.body)
  t.equal(calendar.get('VERSION'), '2.0')
  t.equal(calendar.get('X-WR-CALNAME'), 'Kalender Elsa')
  const bySummary = (s: string) => events.find((e) => e.props.get('SUMMARY')?.value === s)
  const test = bySummary('Prov: Prov i matematik: bråk')
  t.ok(test, 'the test')
  t.equal(when(test!.props.get('DTSTART')!), '2026-12-08T08:00:00.000Z', '09:00 in Stockholm (winter time)')
  t.equal(when(test!.props.get('DTEND')!), '2026-12-08T09:00:00.000Z')
  t.match(test!.props.get('DESCRIPTION')!.value, /Ta med penna, sudd och linjal./)
  t.match(test!.props.get('URL')!.value, new RegExp(`/children/${world.elsa}/calendar/events/\\d+$`))
  const homework = bySummary('Läxa: Läxa: glosor kapitel 5')
  t.equal(homework!.props.get('DTSTART')!.params.VALUE, 'DATE', 'a whole-day event')
  t.equal(when(homework!.props.get('DTSTART')!), '2026-12-03')
  const survey = bySummary('Enkät: Utflykten till Naturhistoriska museet')
  t.equal(when(survey!.props.get('DTSTART')!), '2026-12-01')
  const talk = bySummary('Utvecklingssamtal med Karin Berg')
  t.equal(when(talk!.props.get('DTSTART')!), new Date(slot.starts_at).toISOString())
  t.equal(talk!.props.get('LOCATION')!.value, 'Klassrum 4B')
  t.notOk(bySummary('Aktivitet: Utflykt till skogen'), 'not Olle\'s events')
  t.equal(new Set(events.map((e) => e.props.get('UID')!.value)).size, events.length, 'unique UIDs')

  const olle = parseICal((await app.inject({ method: 'GET', url: urls.find((u) => u.child === world.olle)!.url.replace(/^https?:\/\/[^/]+/, '') })).body)
  t.ok(olle.events.some((e) => e.props.get('SUMMARY')!.value === 'Aktivitet: Utflykt till skogen'))

  // Another family's child with Anna's secret, an unknown secret, and a renewed secret: 404.
  const token = elsaUrl.pathname.split('/')[3]!
  t.equal((await app.inject({ method: 'GET', url: `/feeds/calendar/${token}/${world.sam}.ics` })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/feeds/calendar/${'x'.repeat(32)}/${world.elsa}.ics` })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/feeds/calendar/short/${world.elsa}.ics` })).statusCode, 404)
  await anna.get('/settings')
  t.equal((await anna.post('/settings/school-calendar-feed', {})).statusCode, 303)
  t.equal((await app.inject({ method: 'GET', url: elsaUrl.pathname })).statusCode, 404, 'the old address stops working')
})
