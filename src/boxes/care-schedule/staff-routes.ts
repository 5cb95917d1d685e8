import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { requireStaff } from '../../web/guards.js'
import { addDaysIso, isIsoDate, isoWeekday, mondayOf, type IsoDate } from '../../clock.js'
import { parseForm, type FieldErrors } from '../../web/forms.js'
import { FormBody } from '../../web/schemas.js'
import { COMMENT_MAX, CareError, parseDate, parseWeekParam, todayOf, weekParam } from './rules.js'
import { saveStaffComment, staffCareGroups, staffChildDay, staffGroupDay, staffGroupWeek } from './staff.js'
import {
  GroupDayQuery, GroupParams, GroupWeekQuery, StaffChildDayParams, StaffChildDayQuery, StaffCommentBody, formText,
} from './schemas.js'

const BASE = '/staff/care-schedule'
const groupDayUrl = (groupId: number, date: IsoDate) => `${BASE}/groups/${groupId}?date=${date}`
const childDayUrl = (childId: number, date: IsoDate, groupId?: number) =>
  `${BASE}/children/${childId}/days/${date}${groupId ? `?group=${groupId}` : ''}`

/** On a weekend, staff plan for the coming Monday. */
function defaultDay(today: IsoDate): IsoDate {
  const wd = isoWeekday(today)
  return wd >= 6 ? addDaysIso(today, 8 - wd) : today
}

/** Staff side of the care schedules (SPEC.md section 5): groups of the staff member's own units. */
export default async function careScheduleStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const opts = { preHandler: requireStaff }

  async function run(reply: FastifyReply, fn: () => Promise<unknown>) {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof CareError) return reply.callNotFound()
      throw err
    }
  }

  app.get(BASE, opts, async (req, reply) => run(reply, async () => {
    const groups = await staffCareGroups(db, req.actor!, clock.now())
    const day = defaultDay(todayOf(clock.now()))
    return reply.page('care-schedule/staff/index', {
      groups: groups.map((g) => ({ ...g, dayUrl: groupDayUrl(g.id, day), weekUrl: `${BASE}/groups/${g.id}/week?week=${weekParam(day)}` })),
    })
  }))

  app.get(`${BASE}/groups/:groupId`, { ...opts, schema: { params: GroupParams, querystring: GroupDayQuery } }, async (req, reply) => {
    const groupId = Number(req.params.groupId)
    const raw = req.query.date
    const today = todayOf(clock.now())
    let date = defaultDay(today)
    const errors: FieldErrors = {}
    if (typeof raw === 'string' && raw.trim() !== '') {
      const parsed = parseDate(raw)
      if (parsed && parsed >= '2000-01-01' && parsed <= '2100-12-31') date = parsed
      else errors.date = { key: 'care:errors.untilInvalid' }
    }
    return run(reply, async () => {
      const view = await staffGroupDay(db, req.actor!, groupId, date, clock.now())
      if (Object.keys(errors).length) reply.code(422)
      return reply.page('care-schedule/staff/day', {
        view, errors, values: { date: typeof raw === 'string' && errors.date ? raw : date }, wide: true,
        weekUrl: `${BASE}/groups/${groupId}/week?week=${weekParam(date)}`,
        childUrl: (childId: number) => childDayUrl(childId, date, groupId),
        dayUrl: (d: IsoDate) => groupDayUrl(groupId, d),
        todayUrl: date === defaultDay(today) ? null : groupDayUrl(groupId, defaultDay(today)),
      })
    })
  })

  app.get(`${BASE}/groups/:groupId/week`, { ...opts, schema: { params: GroupParams, querystring: GroupWeekQuery } }, async (req, reply) => {
    const groupId = Number(req.params.groupId)
    const raw = req.query.week
    const monday = raw === undefined ? mondayOf(defaultDay(todayOf(clock.now()))) : parseWeekParam(raw)
    if (!monday) return reply.callNotFound()
    return run(reply, async () => {
      const view = await staffGroupWeek(db, req.actor!, groupId, monday, clock.now())
      return reply.page('care-schedule/staff/week', {
        view, wide: true,
        weekUrl: (w: string) => `${BASE}/groups/${groupId}/week?week=${w}`,
        childUrl: (childId: number, d: IsoDate) => childDayUrl(childId, d, groupId),
        dayUrl: (d: IsoDate) => groupDayUrl(groupId, d),
      })
    })
  })

  function childDayParams(params: { childId: string; date: string }, query: { group?: string }): { childId: number; date: IsoDate; groupId: number | null } | null {
    if (!isIsoDate(params.date) || params.date < '2000-01-01' || params.date > '2100-12-31') return null
    return { childId: Number(params.childId), date: params.date, groupId: query.group === undefined ? null : Number(query.group) }
  }
  const childDaySchema = { params: StaffChildDayParams, querystring: StaffChildDayQuery }

  async function renderChildDay(req: FastifyRequest, reply: FastifyReply, p: { childId: number; date: IsoDate; groupId: number | null },
    extra: { errors?: FieldErrors; values?: Record<string, string> } = {}) {
    const { child, day } = await staffChildDay(db, req.actor!, p.childId, p.date, clock.now())
    return reply.page('care-schedule/staff/child-day', {
      child, view: day, errors: extra.errors ?? {}, max: COMMENT_MAX,
      values: extra.values ?? { staffComment: day.staffComment?.body ?? '' },
      formUrl: childDayUrl(p.childId, p.date, p.groupId ?? undefined),
      backUrl: p.groupId ? groupDayUrl(p.groupId, p.date) : BASE,
    })
  }

  app.get(`${BASE}/children/:childId/days/:date`, { ...opts, schema: childDaySchema }, async (req, reply) => {
    const p = childDayParams(req.params, req.query)
    if (!p) return reply.callNotFound()
    return run(reply, () => renderChildDay(req, reply, p))
  })

  app.post(`${BASE}/children/:childId/days/:date`, { ...opts, schema: { ...childDaySchema, body: FormBody } }, async (req, reply) => {
    const p = childDayParams(req.params, req.query)
    if (!p) return reply.callNotFound()
    const form = parseForm(StaffCommentBody, req.body)
    const values = formText(form.values)
    return run(reply, async () => {
      if (!form.ok) return renderChildDay(req, reply.code(422), p, { errors: form.errors, values })
      const result = await saveStaffComment(db, req.actor!, p.childId, p.date, values.staffComment ?? '', clock.now())
      if (!result.ok) return renderChildDay(req, reply.code(result.status), p, { errors: result.errors, values })
      reply.flash({ kind: 'success', key: result.removed ? 'care:staff.commentRemoved' : 'care:staff.commentSaved' })
      return reply.redirect(childDayUrl(p.childId, p.date, p.groupId ?? undefined), 303)
    })
  })
}
