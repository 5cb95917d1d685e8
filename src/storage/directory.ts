import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { isStorageKey, type FileStore, type PutResult } from './index.js'
import { TooLarge, uploadMeter } from './meter.js'

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
      const meter = uploadMeter(maxBytes)
      try {
        await pipeline(stream, meter.stream, createWriteStream(tmp, { flags: 'wx' }))
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
      if (meter.size === 0) {
        await rm(tmp, { force: true })
        return { ok: false, reason: 'empty' }
      }
      const key = meter.key()
      const target = fileOf(key)
      await mkdir(path.dirname(target), { recursive: true })
      const fresh = !(await stat(target).then(() => true, () => false))
      await rename(tmp, target)
      return { ok: true, key, size: meter.size, head: meter.head(), fresh }
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
