import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { childBox } from '../../web/guards.js'
import { multiValuedField } from '../../web/input-guard.js'
import { addDaysIso, isIsoDate, isoWeekOf, isoWeekday, mondayOf, type IsoDate } from '../../clock.js'
import { asArray, parseForm, type FieldErrors } from '../../web/forms.js'
import { ChildParams, FormBody } from '../../web/schemas.js'
import type { Child } from '../../people/service.js'
import { CareError, WEEKDAYS, dayField, isWeekday, parseWeekParam, todayOf, weekParam } from './rules.js'
import { careScheduleDay, careScheduleWeek, careWeekForm, saveCareDay, saveCareWeek, type CopyResult } from './guardian.js'
import { DayBody, DayParams, WeekBody, WeekFormQuery, WeekParams, WeekQuery, formText, weekInput } from './schemas.js'

const base = (child: Child) => `/children/${child.id}/care-schedule`
export const careWeekUrl = (child: Child, monday: IsoDate) => `${base(child)}?week=${weekParam(monday)}`
export const careDayUrl = (child: Child, date: IsoDate) => `${base(child)}/days/${date}`
export const careWeekFormUrl = (child: Child, monday: IsoDate) => `${base(child)}/weeks/${weekParam(monday)}`

/** The date in the path, a Monday-to-Friday date, or null (404). */
function pathDate(raw: string): IsoDate | null {
  return isIsoDate(raw) && isWeekday(raw) && raw >= '2000-01-01' && raw <= '2100-12-31' ? raw : null
}

/** Dates in messages' values are shown in the reader's language. */
function localized(errors: FieldErrors, fmt: FastifyRequest['fmt']): FieldErrors {
  const out: FieldErrors = {}
  for (const [k, e] of Object.entries(errors)) {
    out[k] = e.params && typeof e.params.date === 'string' && isIsoDate(e.params.date) ? { ...e, params: { ...e.params, date: fmt.date(e.params.date) } } : e
  }
  return out
}

/** Lists like "50, 52 och 2" in the reader's language. */
function listText(lang: string, items: string[]): string {
  return new Intl.ListFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { style: 'long', type: 'conjunction' }).format(items)
}

export default async function careScheduleRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const guard = { preHandler: childBox('care-schedule') }
  // "Samma tider även för" is a checkbox group: several siblings may be ticked.
  multiValuedField('copyTo')

  // Never a 500: the service's refusals are pages.
  async function run(reply: FastifyReply, fn: () => Promise<unknown>): Promise<unknown> {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof CareError) {
        if (err.statusCode === 404) return reply.callNotFound()
        return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'care:errors.guardiansOnly' })
      }
      throw err
    }
  }

  const common = (child: Child) => ({
    boxTitle: child.unitKind === 'school' ? 'boxes.fritidsSchedule' : 'boxes.timeRegistration',
    place: child.unitKind === 'school' ? 'school' : 'preschool',
    messagesUrl: `/children/${child.id}/messages/new`,
    weekBase: base(child),
  })

  app.get('/children/:childId/care-schedule', { ...guard, schema: { params: ChildParams, querystring: WeekQuery } }, async (req, reply) => {
    const child = req.child!
    const raw = req.query.week
    let monday: IsoDate | null
    if (raw === undefined || raw === '') {
      const today = todayOf(clock.now())
      // On a weekend the week that matters is the coming one.
      monday = isoWeekday(today) >= 6 ? addDaysIso(mondayOf(today), 7) : mondayOf(today)
    } else {
      monday = parseWeekParam(raw)
    }
    if (!monday) return reply.callNotFound()
    return run(reply, async () => {
      const view = await careScheduleWeek(db, req.actor!, child, monday, clock.now())
      return reply.page('care-schedule/week', { ...common(child), view })
    })
  })

  async function renderDay(req: FastifyRequest, reply: FastifyReply, date: IsoDate, extra: { errors?: FieldErrors; values?: Record<string, string> } = {}) {
    const child = req.child!
    const view = await careScheduleDay(db, req.actor!, child, date, clock.now())
    return reply.page('care-schedule/day', {
      ...common(child), view, weekUrl: careWeekUrl(child, mondayOf(date)), formUrl: careDayUrl(child, date),
      errors: localized(extra.errors ?? {}, req.fmt),
      values: extra.values ?? { start: view.start ?? '', end: view.end ?? '', comment: view.comment ?? '' },
    })
  }

  app.get('/children/:childId/care-schedule/days/:date', { ...guard, schema: { params: DayParams } }, async (req, reply) => {
    const date = pathDate(req.params.date)
    if (!date) return reply.callNotFound()
    return run(reply, () => renderDay(req, reply, date))
  })

  app.post('/children/:childId/care-schedule/days/:date', { ...guard, schema: { params: DayParams, body: FormBody } }, async (req, reply) => {
    const date = pathDate(req.params.date)
    if (!date) return reply.callNotFound()
    const child = req.child!
    const form = parseForm(DayBody, req.body)
    const values = formText(form.values)
    return run(reply, async () => {
      if (!form.ok) return renderDay(req, reply.code(422), date, { errors: form.errors, values })
      const result = await saveCareDay(db, req.actor!, child, date, {
        start: values.start ?? '', end: values.end ?? '', comment: values.comment ?? '', remove: values.action === 'remove',
      }, clock.now())
      if (!result.ok) return renderDay(req, reply.code(result.status), date, { errors: result.errors, values })
      const fmt = req.fmt
      if (result.action === 'removed') reply.flash({ kind: 'success', key: 'care:day.removed', params: { date: fmt.weekdayDate(date) } })
      else if (result.action === 'unchanged') reply.flash({ kind: 'info', key: 'care:day.unchanged', params: { date: fmt.weekdayDate(date) } })
      else reply.flash({ kind: 'success', key: 'care:day.saved', params: { date: fmt.weekdayDate(date) } })
      return reply.redirect(careWeekUrl(child, mondayOf(date)), 303)
    })
  })

  async function renderWeekForm(req: FastifyRequest, reply: FastifyReply, monday: IsoDate, extra: {
    errors?: FieldErrors; values?: Record<string, string>; fillFrom?: IsoDate | null; copyTo?: string[]; copies?: CopyResult[]
  } = {}) {
    const child = req.child!
    const view = await careWeekForm(db, req.actor!, child, monday, clock.now(), extra.fillFrom)
    const values: Record<string, string> = extra.values ?? { every: '1' }
    if (!extra.values) {
      for (const d of view.days) {
        values[dayField(d.weekday, 'start')] = d.start
        values[dayField(d.weekday, 'end')] = d.end
      }
    }
    return reply.page('care-schedule/week-form', {
      ...common(child), view, values, errors: localized(extra.errors ?? {}, req.fmt),
      weekUrl: careWeekUrl(child, monday), formUrl: careWeekFormUrl(child, monday),
      firstEditableUrl: `${base(child)}/weeks/${view.firstEditable}`,
      filledFrom: extra.fillFrom ? isoWeekOf(extra.fillFrom).week : null,
      copyTo: extra.copyTo ?? [], copies: extra.copies ?? null,
    })
  }

  app.get('/children/:childId/care-schedule/weeks/:week', { ...guard, schema: { params: WeekParams, querystring: WeekFormQuery } }, async (req, reply) => {
    const monday = parseWeekParam(req.params.week)
    if (!monday) return reply.callNotFound()
    const fromRaw = req.query.from
    const fillFrom = fromRaw === undefined ? null : parseWeekParam(fromRaw)
    if (fromRaw !== undefined && !fillFrom) return reply.callNotFound()
    return run(reply, () => renderWeekForm(req, reply, monday, { fillFrom }))
  })

  app.post('/children/:childId/care-schedule/weeks/:week', { ...guard, schema: { params: WeekParams, body: FormBody } }, async (req, reply) => {
    const monday = parseWeekParam(req.params.week)
    if (!monday) return reply.callNotFound()
    const child = req.child!
    const form = parseForm(WeekBody, req.body)
    const values = formText(form.values)
    const copyTo = asArray(form.values.copyTo)
    return run(reply, async () => {
      if (!form.ok) return renderWeekForm(req, reply.code(422), monday, { errors: form.errors, values, copyTo })
      const result = await saveCareWeek(db, req.actor!, child, monday, weekInput(values), clock.now(), copyTo)
      if (!result.ok) return renderWeekForm(req, reply.code(result.status), monday, { errors: result.errors, values, copyTo })
      const weeks = result.mondays.map((m) => String(isoWeekOf(m).week))
      const weeksText = weeks.length > 8 ? req.t('care:weekForm.weekRange', { first: weeks[0], last: weeks[weeks.length - 1] }) : listText(req.lang, weeks)
      const params = { count: weeks.length, weeks: weeksText }
      // A sibling's own rules refused some days: this child's week and the sibling's other days are
      // saved; the form again, with each refused day beside that sibling and the typed values kept.
      const refused = result.copies.filter((c) => c.refused.length)
      if (refused.length) {
        const errors: FieldErrors = {}
        for (const c of refused) {
          errors[`copyTo-${c.childId}`] = { key: 'care:copy.refusedSummary', params: { name: c.givenName, days: listText(req.lang, c.refused.map((r) => req.fmt.weekdayDate(r.date))) } }
        }
        return renderWeekForm(req, reply.code(422), monday, { errors, values, copyTo, copies: result.copies })
      }
      if (result.copies.length) {
        reply.flash({ kind: 'success', key: 'care:copy.saved', params: { ...params, names: listText(req.lang, result.copies.map((c) => c.givenName)) } })
      } else if (result.skipped.length) {
        const shown = result.skipped.slice(0, 5).map((d) => req.fmt.weekdayDate(d))
        if (result.skipped.length > 5) shown.push(req.t('care:weekForm.moreDays', { count: result.skipped.length - 5 }))
        reply.flash({ kind: 'info', key: 'care:weekForm.savedSkipped', params: { ...params, days: listText(req.lang, shown) } })
      } else {
        reply.flash({ kind: 'success', key: 'care:weekForm.saved', params })
      }
      return reply.redirect(careWeekUrl(child, monday), 303)
    })
  })
}

export { WEEKDAYS }
