import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FileStore } from '../storage/index.js'
import fastifyMultipart from '@fastify/multipart'
import { sniff, type FileKind } from '../storage/index.js'
import { textProblem, MAX_VALUE } from './input-guard.js'

/**
 * Forms with a file (multipart/form-data). The file is streamed to the store (never held
 * whole in memory) with the size limit, and its type is checked by its first bytes.
 *
 * The global CSRF check and input guard read urlencoded bodies; a multipart body is read
 * here instead, so routes that take files say `config: { csrf: false }` and call
 * `readUpload`, which checks the form's CSRF token (the form's first field) before any file
 * is stored, and refuses the same hostile values as the input guard. Such routes declare
 * `params` but no `body` schema: the body is this stream.
 */

/** Accept multipart bodies in this plugin's routes (call it inside a box's routes plugin). */
export async function enableUploads(app: FastifyInstance): Promise<void> {
  await app.register(fastifyMultipart, { throwFileSizeLimit: false })
}

export interface UploadedFile {
  key: string
  /** Stored by this request (not there before): a route that refuses the form removes it with `discardUpload`. */
  fresh: boolean
  size: number
  filename: string
  kind: FileKind
}

export type UploadProblem = 'tooLarge' | 'type' | 'empty'

export type UploadResult =
  /** The reply has been sent (CSRF refused, or a body that is no form of ours). */
  | { sent: true }
  | {
    sent: false
    fields: Record<string, string>
    /** Per file field: the stored file, or what was wrong with it. Absent: no file chosen. */
    files: Record<string, UploadedFile | { problem: UploadProblem }>
  }

const MAX_NAME = 200

export async function readUpload(req: FastifyRequest, reply: FastifyReply, opts: { fileFields: string[]; images?: string[] }): Promise<UploadResult> {
  const app = req.server
  if (!req.isMultipart()) {
    await reply.code(415).page('errors/error', { status: 415, titleKey: 'errors.input.title', bodyKey: 'errors.input.shape' })
    return { sent: true }
  }
  const maxBytes = app.deps.config.uploads.maxBytes
  const fields: Record<string, string> = {}
  const files: Record<string, UploadedFile | { problem: UploadProblem }> = {}
  const stored: string[] = []
  let csrfChecked = false
  let hostile: string | null = null

  const checkCsrf = (): boolean => {
    if (csrfChecked) return true
    const saved = req.body
    req.body = { _csrf: fields._csrf ?? '' }
    let ok = false
    // Synchronous: calls next on success, and sends the 403 page itself otherwise.
    app.csrfProtection(req, reply, () => { ok = true })
    req.body = saved
    csrfChecked = ok
    return ok
  }

  try {
    const parts = req.parts({ limits: { fileSize: maxBytes, files: opts.fileFields.length, fields: 40, fieldSize: MAX_VALUE, parts: 50 } })
    for await (const part of parts) {
      if (part.type === 'field') {
        const value = typeof part.value === 'string' ? part.value : ''
        if (fields[part.fieldname] !== undefined || textProblem(value, MAX_VALUE) || textProblem(part.fieldname, MAX_NAME)) hostile = 'characters'
        fields[part.fieldname] = value
        continue
      }
      // A file: the token must have come first, so nothing is stored for a forged request.
      if (!checkCsrf()) {
        part.file.resume()
        for (const k of stored) await app.storage.remove(k)
        return { sent: true }
      }
      const name = (part.filename ?? '').trim()
      if (!opts.fileFields.includes(part.fieldname) || files[part.fieldname]) {
        part.file.resume()
        hostile = 'shape'
        continue
      }
      if (!name) { part.file.resume(); continue } // no file chosen
      if (name.length > MAX_NAME || textProblem(name, MAX_NAME)) {
        part.file.resume()
        files[part.fieldname] = { problem: 'type' }
        continue
      }
      const put = await app.storage.put(part.file, { maxBytes })
      if (!put.ok) {
        files[part.fieldname] = { problem: put.reason }
        continue
      }
      const kind = sniff(put.head, name)
      const wantsImage = opts.images?.includes(part.fieldname)
      if (!kind || (wantsImage && !kind.image)) {
        files[part.fieldname] = { problem: 'type' }
        if (put.fresh) await app.storage.remove(put.key)
        continue
      }
      if (put.fresh) stored.push(put.key)
      files[part.fieldname] = { key: put.key, fresh: put.fresh, size: put.size, filename: name.replace(/[\\/]/g, '_'), kind }
    }
  } catch (err) {
    for (const k of stored) await app.storage.remove(k)
    const code = (err as { code?: string }).code ?? ''
    if (code.startsWith('FST_') || /multipart|boundary|terminated/i.test(String((err as Error).message))) {
      await reply.code(400).page('errors/error', { status: 400, titleKey: 'errors.input.title', bodyKey: 'errors.input.shape' })
      return { sent: true }
    }
    throw err
  }
  if (!checkCsrf()) {
    for (const k of stored) await app.storage.remove(k)
    return { sent: true }
  }
  if (hostile) {
    for (const k of stored) await app.storage.remove(k)
    await reply.code(422).page('errors/error', { status: 422, titleKey: 'errors.input.title', bodyKey: `errors.input.${hostile}` })
    return { sent: true }
  }
  delete fields._csrf
  return { sent: false, fields, files }
}

/** A stored file's problem, if any. */
export const uploadProblem = (f: UploadedFile | { problem: UploadProblem } | undefined): UploadProblem | null =>
  f && 'problem' in f ? f.problem : null
export const uploaded = (f: UploadedFile | { problem: UploadProblem } | undefined): UploadedFile | null =>
  f && 'key' in f ? f : null

/** The form was refused after the files were stored: forget what this request stored. */
export async function discardUpload(req: FastifyRequest, files: Record<string, UploadedFile | { problem: UploadProblem }>): Promise<void> {
  for (const f of Object.values(files)) if ('key' in f && f.fresh) await req.server.storage.remove(f.key)
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the route checks the CSRF token itself (multipart forms, readUpload). */
    csrf?: boolean
  }
}

/** Sends stored bytes: the right type, never sniffed by the browser, never cached by others. */
export async function sendStored(reply: FastifyReply, store: FileStore, key: string, type: string, disposition: string) {
  const found = await store.get(key)
  if (!found) return reply.callNotFound()
  return reply
    .header('Content-Type', type)
    .header('Content-Length', String(found.size))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Cache-Control', 'private, max-age=3600')
    .header('Content-Disposition', disposition)
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .send(found.stream)
}

/** An attachment's header, with the name in both the old and the RFC 6266 form. */
export const attachment = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`

