import { randomBytes } from 'node:crypto'
import { PassThrough, type Readable } from 'node:stream'
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { isStorageKey, type FileStore, type PutResult } from './index.js'
import { TooLarge, uploadMeter } from './meter.js'

/** STORAGE=s3: where the bucket is and who we are there (src/config.ts checks them). */
export interface S3Settings {
  bucket: string
  region: string
  /** For MinIO and other S3-compatible stores; unset: AWS itself. */
  endpoint: string | undefined
  /** Both or neither; neither: the SDK's own chain (environment, instance role...). */
  accessKeyId: string | undefined
  secretAccessKey: string | undefined
  /** Path-style addresses (endpoint/bucket/key), as MinIO wants by default. */
  forcePathStyle: boolean
}

/** Stored contents live under `files/<sha256>`; uploads in progress under `tmp/`. */
export const contentKey = (key: string) => `files/${key}`
export const TMP_PREFIX = 'tmp/'

const notFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } }
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404
}

/**
 * Files in an S3-compatible bucket, content-addressed like the directory store. The SHA-256 is
 * known only at the end of the stream, so an upload goes to a random key under `tmp/` (in
 * parts, never the whole file in memory; at most `queueSize × partSize` bytes buffered) while
 * it is hashed and counted, and is copied to `files/<sha256>` only when complete and within the
 * limit; the temporary object is deleted either way. A refused upload (too large, broken
 * request) aborts the multipart upload, so it leaves nothing behind. Only a process killed
 * between the upload and the copy can leave a `tmp/` object: give the bucket a lifecycle rule
 * that expires `tmp/` after a day (README, Storage).
 */
export function s3Store(settings: S3Settings, client?: S3Client): FileStore {
  const s3 = client ?? s3Client(settings)
  const Bucket = settings.bucket

  const removeObject = (Key: string) => s3.send(new DeleteObjectCommand({ Bucket, Key }))

  return {
    async put(stream: Readable, { maxBytes }): Promise<PutResult> {
      const tmpKey = `${TMP_PREFIX}${Date.now()}-${randomBytes(12).toString('hex')}`
      const meter = uploadMeter(maxBytes)
      // The SDK reads from `body`; an error on the way (too large, a broken request) is passed on
      // so that the upload fails and aborts.
      const body = new PassThrough()
      let failure: unknown = null
      const fail = (err: unknown) => { failure ??= err; body.destroy(err as Error) }
      stream.on('error', fail)
      meter.stream.on('error', fail)
      stream.pipe(meter.stream).pipe(body)

      const upload = new Upload({
        client: s3,
        params: { Bucket, Key: tmpKey, Body: body, ContentType: 'application/octet-stream' },
        queueSize: 2,
        partSize: 5 * 1024 * 1024,
        leavePartsOnError: false,
      })
      let uploadedTmp = false
      try {
        await upload.done()
        uploadedTmp = true
        if (failure) throw failure
        // A multipart parser cuts a file at its own limit and says so instead of failing.
        if ((stream as { truncated?: boolean }).truncated) throw new TooLarge()
      } catch (err) {
        if (uploadedTmp) await removeObject(tmpKey).catch(() => {})
        const cause = failure ?? err
        if (cause instanceof TooLarge) {
          stream.unpipe(meter.stream)
          stream.resume() // let the rest of the request flow past
          return { ok: false, reason: 'tooLarge' }
        }
        throw cause
      }

      try {
        if (meter.size === 0) return { ok: false, reason: 'empty' }
        const key = meter.key()
        const Key = contentKey(key)
        const fresh = !(await s3.send(new HeadObjectCommand({ Bucket, Key })).then(() => true, (err) => {
          if (notFound(err)) return false
          throw err
        }))
        // Same key, same bytes: an existing content is left as it is.
        if (fresh) await s3.send(new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/${tmpKey}`, MetadataDirective: 'COPY' }))
        return { ok: true, key, size: meter.size, head: meter.head(), fresh }
      } finally {
        await removeObject(tmpKey).catch(() => {})
      }
    },

    async get(key) {
      if (!isStorageKey(key)) return null
      try {
        const res = await s3.send(new GetObjectCommand({ Bucket, Key: contentKey(key) }))
        if (!res.Body) return null
        return { stream: res.Body as Readable, size: Number(res.ContentLength ?? 0) }
      } catch (err) {
        if (notFound(err)) return null
        throw err
      }
    },

    async remove(key) {
      if (isStorageKey(key)) await removeObject(contentKey(key))
    },
  }
}

export function s3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.accessKeyId && settings.secretAccessKey
      ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
      : undefined,
    // Checksums only where S3 requires them: many S3-compatible stores refuse the newer defaults.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}
