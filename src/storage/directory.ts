import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { HEAD_BYTES, isStorageKey, type FileStore, type PutResult } from './index.js'

class TooLarge extends Error {}

/**
 * Files in a directory (by default DATA_DIR/files): `ab/cdef…` by SHA-256. An upload goes to
 * `tmp/` first while it is hashed and counted, and is renamed into place only when complete
 * and within the limit, so a refused or broken upload leaves nothing behind.
 */
export function directoryStore(root: string): FileStore {
  const tmpDir = path.join(root, 'tmp')
  const fileOf = (key: string) => path.join(root, key.slice(0, 2), key.slice(2))

  return {
    async put(stream: Readable, { maxBytes }): Promise<PutResult> {
      await mkdir(tmpDir, { recursive: true })
      const tmp = path.join(tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`)
      const hash = createHash('sha256')
      const head: Buffer[] = []
      let headLen = 0
      let size = 0
      const meter = new Transform({
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
      try {
        await pipeline(stream, meter, createWriteStream(tmp, { flags: 'wx' }))
        // A multipart parser cuts a file at its own limit and says so instead of failing.
        if ((stream as { truncated?: boolean }).truncated) throw new TooLarge()
      } catch (err) {
        await rm(tmp, { force: true })
        if (err instanceof TooLarge) {
          stream.resume() // let the rest of the request flow past
          return { ok: false, reason: 'tooLarge' }
        }
        throw err
      }
      if (size === 0) {
        await rm(tmp, { force: true })
        return { ok: false, reason: 'empty' }
      }
      const key = hash.digest('hex')
      const target = fileOf(key)
      await mkdir(path.dirname(target), { recursive: true })
      const fresh = !(await stat(target).then(() => true, () => false))
      await rename(tmp, target)
      return { ok: true, key, size, head: Buffer.concat(head), fresh }
    },

    async get(key) {
      if (!isStorageKey(key)) return null
      const file = fileOf(key)
      try {
        const s = await stat(file)
        return { stream: createReadStream(file), size: s.size }
      } catch {
        return null
      }
    },

    async remove(key) {
      if (isStorageKey(key)) await rm(fileOf(key), { force: true })
    },
  }
}
