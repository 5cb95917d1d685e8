/**
 * Just enough of multipart/form-data (RFC 7578) for the import form: text fields and
 * one uploaded file, read from a body Fastify has already limited in size. Hubben has
 * one upload form; a general parser (@fastify/multipart) can replace this when more come.
 */
export interface UploadedFile { filename: string; data: Buffer }
export type MultipartBody = Record<string, string | UploadedFile>

export class MultipartError extends Error {
  override name = 'MultipartError'
}

export function boundaryOf(contentType: string): string {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const b = m?.[1] ?? m?.[2]
  if (!b || b.length > 70) throw new MultipartError('no boundary')
  return b
}

export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`)
  const out: MultipartBody = {}
  let pos = body.indexOf(delimiter)
  if (pos < 0) throw new MultipartError('no parts')
  for (;;) {
    pos += delimiter.length
    if (body.subarray(pos, pos + 2).toString() === '--') break // the closing delimiter
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw new MultipartError('bad delimiter line')
    pos += 2
    const headerEnd = body.indexOf('\r\n\r\n', pos)
    if (headerEnd < 0) throw new MultipartError('no header end')
    const headers = body.subarray(pos, headerEnd).toString('utf8')
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4)
    if (next < 0) throw new MultipartError('unterminated part')
    const data = body.subarray(headerEnd + 4, next)
    const disposition = /^content-disposition:\s*form-data;(.*)$/im.exec(headers)?.[1] ?? ''
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1]
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1]
    if (name && !(name in out)) {
      out[name] = filename !== undefined ? { filename: filename.split(/[\\/]/).pop()!.slice(0, 200), data: Buffer.from(data) } : data.toString('utf8')
    }
    pos = next + 2
  }
  return out
}
