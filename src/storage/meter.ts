import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'
import { HEAD_BYTES } from './index.js'

/** The stream was longer than the store's limit. */
export class TooLarge extends Error {}

/**
 * What every store does to an upload on its way through: counts it (failing with TooLarge past
 * `maxBytes`), hashes it (the content's key) and keeps its first HEAD_BYTES (for sniffing).
 * Read `size`, `key()` and `head()` once the stream has ended.
 */
export function uploadMeter(maxBytes: number) {
  const hash = createHash('sha256')
  const head: Buffer[] = []
  let headLen = 0
  let size = 0
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length
      if (size > maxBytes) return done(new TooLarge())
      hash.update(chunk)
      if (headLen < HEAD_BYTES) {
        const part = chunk.subarray(0, HEAD_BYTES - headLen)
        head.push(part)
        headLen += part.length
      }
      done(null, chunk)
    },
  })
  return {
    stream,
    get size() { return size },
    key: () => hash.digest('hex'),
    head: () => Buffer.concat(head),
  }
}
