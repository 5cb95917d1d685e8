import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireStaff } from '../../web/guards.js'
import { FormBody, Id } from '../../web/schemas.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { isoWeekKey } from '../../clock.js'
import { createPlan, parsePlan, planFormValues, setPlanPublished, staffGroups, staffPlans, updatePlan } from './service.js'

const Visibility = Type.Object({ status: Type.Union([Type.Literal('published'), Type.Literal('hidden')]) })

/** The staff's side: publish, edit and unpublish plans for their own groups. */
export default async function plansStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const pre = { preHandler: requireStaff }
  const params = Type.Object({ planId: Id })

  async function form(req: FastifyRequest, reply: FastifyReply, values: FormValues, errors: FieldErrors = {}, planId?: number) {
    return reply.page('plans/staff-form', { groups: await staffGroups(db, req.actor!), values, errors, planId })
  }

  app.get('/staff/plans', pre, async (req, reply) => reply.page('plans/staff-index', { plans: await staffPlans(db, clock, req.actor!) }))

  app.get('/staff/plans/new', pre, async (req, reply) =>
    form(req, reply, { key: randomUUID(), from: isoWeekKey(clock.today()), to: isoWeekKey(clock.today()) }))

  app.post('/staff/plans', { ...pre, schema: { body: FormBody } }, async (req, reply) => {
    const parsed = await parsePlan(db, req.actor!, req.body)
    if (!parsed.ok) return form(req, reply.code(422), parsed.values, parsed.errors)
    await createPlan(db, req.actor!, parsed.input, parsed.values.key, clock.now())
    reply.flash({ kind: 'success', key: 'plans:staff.published' })
    return reply.redirect('/staff/plans', 303)
  })

  app.get('/staff/plans/:planId/edit', { ...pre, schema: { params } }, async (req, reply) => {
    const values = await planFormValues(db, req.actor!, Number(req.params.planId))
    if (!values) return reply.callNotFound()
    return form(req, reply, values, {}, Number(req.params.planId))
  })

  app.post('/staff/plans/:planId', { ...pre, schema: { params, body: FormBody } }, async (req, reply) => {
    const planId = Number(req.params.planId)
    if (!(await planFormValues(db, req.actor!, planId))) return reply.callNotFound()
    const parsed = await parsePlan(db, req.actor!, req.body)
    if (!parsed.ok) return form(req, reply.code(422), parsed.values, parsed.errors, planId)
    await updatePlan(db, req.actor!, planId, parsed.input, clock.now())
    reply.flash({ kind: 'success', key: 'plans:staff.saved' })
    return reply.redirect('/staff/plans', 303)
  })

  app.post('/staff/plans/:planId/visibility', { ...pre, schema: { params, body: FormBody } }, async (req, reply) => {
    const planId = Number(req.params.planId)
    if (!(await planFormValues(db, req.actor!, planId))) return reply.callNotFound()
    const parsed = parseForm(Visibility, req.body)
    if (!parsed.ok) return reply.code(422).page('errors/error', { status: 422, titleKey: 'errors.400.title', bodyKey: 'errors.400.body' })
    await setPlanPublished(db, req.actor!, planId, parsed.value.status === 'published', clock.now())
    reply.flash({ kind: 'success', key: parsed.value.status === 'published' ? 'plans:staff.shown' : 'plans:staff.hidden' })
    return reply.redirect('/staff/plans', 303)
  })
}
