import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireAdmin, requireAdminBeforeBody } from '../web/guards.js'
import { FormBody, Id } from '../web/schemas.js'
import { importDocument } from './ss12000.js'
import { parseMultipart, MultipartError, type UploadedFile } from './multipart.js'
import { deactivate, latestRuns, listUnits, NotFound, resendActivation, runDetails, unitPeople } from './people.js'

/** The largest file the form takes; a bigger district file is imported with `npm run import`. */
export const UPLOAD_LIMIT = 64 * 1024 * 1024

const RunParams = Type.Object({ runId: Id })
const UnitParams = Type.Object({ unitId: Id })
const PersonParams = Type.Object({ unitId: Id, personId: Id })

declare module 'fastify' {
  interface FastifyRequest {
    /** The file of the import form; the body keeps only its text fields (the CSRF token). */
    upload?: UploadedFile
  }
}

/** The admin's pages for what comes from outside: the import, its runs, and the people of each unit. */
export default async function importAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, config } = app.deps

  // Only this plugin's routes take multipart bodies (the upload form).
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (req, body, done) => {
    try {
      const parts = parseMultipart(body as Buffer, String(req.headers['content-type'] ?? ''))
      const fields: Record<string, string> = {}
      for (const [name, value] of Object.entries(parts)) {
        if (typeof value === 'string') fields[name] = value
        else if (name === 'file') req.upload = value
      }
      done(null, fields)
    } catch (err) {
      const e = err as Error & { statusCode?: number }
      if (err instanceof MultipartError) e.statusCode = 400
      done(e, undefined)
    }
  })

  const notFound = (err: unknown, reply: FastifyReply) => {
    if (err instanceof NotFound) return reply.callNotFound()
    throw err
  }

  const indexData = async (req: FastifyRequest) => ({
    units: await listUnits(db, req.actor!),
    imports: await latestRuns(db, req.actor!, 'ss12000'),
    addressRuns: await latestRuns(db, req.actor!, 'addresses'),
  })

  app.get('/staff/admin/import', { preHandler: requireAdmin }, async (req, reply) => {
    try {
      return reply.page('import/index', { ...(await indexData(req)), values: {}, errors: {} })
    } catch (err) { return notFound(err, reply) }
  })

  app.post('/staff/admin/import', { onRequest: requireAdminBeforeBody, preHandler: requireAdmin, bodyLimit: UPLOAD_LIMIT, schema: { body: FormBody } }, async (req, reply) => {
    const file = req.upload
    try {
      if (!file || file.data.length === 0) {
        return reply.code(422).page('import/index', { ...(await indexData(req)), values: {}, errors: { file: { key: 'import:upload.required' } } })
      }
      const outcome = await importDocument(db, clock, {
        text: file.data.toString('utf8'), source: file.filename || 'upload.json', baseUrl: config.baseUrl, startedBy: req.actor!.id,
      })
      if (!outcome.ok) {
        return reply.code(422).page('import/index', {
          ...(await indexData(req)), values: {}, errors: { file: { key: 'import:upload.rejected' } },
          rejected: { runId: outcome.runId, errors: outcome.errors, errorCount: outcome.errorCount },
        })
      }
      if (outcome.report.activations) app.outboxKick()
      reply.flash({ kind: 'success', key: 'import:upload.done' })
      return reply.redirect(`/staff/admin/import/runs/${outcome.runId}`, 303)
    } catch (err) { return notFound(err, reply) }
  })

  app.get('/staff/admin/import/runs/:runId', { preHandler: requireAdmin, schema: { params: RunParams } }, async (req, reply) => {
    try {
      return reply.page('import/run', { run: await runDetails(db, req.actor!, Number(req.params.runId)) })
    } catch (err) { return notFound(err, reply) }
  })

  app.get('/staff/admin/units/:unitId', { preHandler: requireAdmin, schema: { params: UnitParams } }, async (req, reply) => {
    try {
      return reply.page('import/people', await unitPeople(db, req.actor!, Number(req.params.unitId), clock.now()))
    } catch (err) { return notFound(err, reply) }
  })

  app.post('/staff/admin/units/:unitId/people/:personId/activation',
    { preHandler: requireAdmin, schema: { params: PersonParams, body: FormBody } }, async (req, reply) => {
      try {
        const unitId = Number(req.params.unitId)
        const personId = Number(req.params.personId)
        const result = await resendActivation(db, req.actor!, unitId, personId, clock.now(), config.baseUrl)
        if (result.ok) {
          app.outboxKick()
          reply.flash({ kind: 'success', key: 'import:people.resent', params: { name: result.name } })
        } else {
          reply.flash({ kind: 'error', key: 'import:people.cannotResend', params: { name: result.name, reason: req.t(`import:people.reasons.${result.reason}`) } })
        }
        return reply.redirect(`/staff/admin/units/${unitId}#person-${personId}`, 303)
      } catch (err) { return notFound(err, reply) }
    })

  app.post('/staff/admin/units/:unitId/people/:personId/deactivate',
    { preHandler: requireAdmin, schema: { params: PersonParams, body: FormBody } }, async (req, reply) => {
      try {
        const unitId = Number(req.params.unitId)
        const personId = Number(req.params.personId)
        const { name } = await deactivate(db, req.actor!, unitId, personId, clock.now())
        reply.flash({ kind: 'success', key: 'import:people.deactivated', params: { name } })
        return reply.redirect(`/staff/admin/units/${unitId}#person-${personId}`, 303)
      } catch (err) { return notFound(err, reply) }
    })
}
