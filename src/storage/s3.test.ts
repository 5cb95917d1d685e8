import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { s3Store, TMP_PREFIX } from './s3.js'
import { buildTestApp, loginAs } from '../../test/helpers/app.js'

/**
 * A tiny S3 in this test: path-style addresses (/bucket/key), and just the calls the store makes
 * through the SDK: PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload, GetObject, HeadObject, DeleteObject and CopyObject.
 */
function fakeS3(bucketName: string) {
  const objects = new Map<string, Buffer>()
  const uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>()
  const calls: string[] = []
  let nextUpload = 1

  const xml = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/xml' })
    res.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`)
  }
  const noSuchKey = (res: ServerResponse, method: string) => {
    if (method === 'HEAD') { res.writeHead(404); res.end(); return }
    xml(res, 404, '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>')
  }
  const etag = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`

  /** The body as sent: plain, or aws-chunked (size;ext\r\ndata\r\n ... 0\r\ntrailers) when the SDK streams. */
  async function bodyOf(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks)
    if (!/aws-chunked/.test(String(req.headers['content-encoding'] ?? ''))) return raw
    const out: Buffer[] = []
    let at = 0
    for (;;) {
      const eol = raw.indexOf('\r\n', at)
      const size = parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0]!, 16)
      if (!size) break
      out.push(raw.subarray(eol + 2, eol + 2 + size))
      at = eol + 2 + size + 2
    }
    return Buffer.concat(out)
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://fake')
    const [, bucket, ...rest] = url.pathname.split('/')
    const key = decodeURIComponent(rest.join('/'))
    const q = url.searchParams
    const method = req.method!
    if (bucket !== bucketName) return xml(res, 404, '<Error><Code>NoSuchBucket</Code></Error>')
    const body = await bodyOf(req)
    if (method === 'PUT' && req.headers['x-amz-copy-source']) {
      calls.push('CopyObject')
      const src = decodeURIComponent(String(req.headers['x-amz-copy-source'])).replace(/^\//, '')
      const from = objects.get(src.slice(bucketName.length + 1))
      if (!src.startsWith(`${bucketName}/`) || !from) return noSuchKey(res, method)
      objects.set(key, from)
      return xml(res, 200, `<CopyObjectResult><ETag>${etag(from)}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyObjectResult>`)
    }
    if (method === 'PUT' && q.has('uploadId')) {
      calls.push('UploadPart')
      const u = uploads.get(q.get('uploadId')!)
      if (!u) return xml(res, 404, '<Error><Code>NoSuchUpload</Code></Error>')
      u.parts.set(Number(q.get('partNumber')), body)
      res.writeHead(200, { etag: etag(body) })
      return res.end()
    }
    if (method === 'PUT') {
      calls.push('PutObject')
      objects.set(key, body)
      res.writeHead(200, { etag: etag(body) })
      return res.end()
    }
    if (method === 'POST' && q.has('uploads')) {
      calls.push('CreateMultipartUpload')
      const id = `upload-${nextUpload++}`
      uploads.set(id, { key, parts: new Map() })
      return xml(res, 200, `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`)
    }
    if (method === 'POST' && q.has('uploadId')) {
      calls.push('CompleteMultipartUpload')
      const u = uploads.get(q.get('uploadId')!)
      if (!u) return xml(res, 404, '<Error><Code>NoSuchUpload</Code></Error>')
      const numbers = [...body.toString().matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]))
      const whole = Buffer.concat(numbers.map((n) => u.parts.get(n)!))
      objects.set(u.key, whole)
      uploads.delete(q.get('uploadId')!)
      return xml(res, 200, `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${u.key}</Key><ETag>${etag(whole)}</ETag></CompleteMultipartUploadResult>`)
    }
    if (method === 'DELETE' && q.has('uploadId')) {
      calls.push('AbortMultipartUpload')
      uploads.delete(q.get('uploadId')!)
      res.writeHead(204)
      return res.end()
    }
    if (method === 'DELETE') {
      calls.push('DeleteObject')
      objects.delete(key)
      res.writeHead(204)
      return res.end()
    }
    if (method === 'GET' || method === 'HEAD') {
      calls.push(method === 'GET' ? 'GetObject' : 'HeadObject')
      const found = objects.get(key)
      if (!found) return noSuchKey(res, method)
      res.writeHead(200, { 'content-length': String(found.length), 'content-type': 'application/octet-stream', etag: etag(found), 'last-modified': new Date().toUTCString() })
      return res.end(method === 'GET' ? found : undefined)
    }
    xml(res, 405, '<Error><Code>MethodNotAllowed</Code></Error>')
  })
  return { server, objects, uploads, calls }
}

const fake = fakeS3('hubben-test')
await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise<void>((resolve) => fake.server.close(() => resolve())))
const port = (fake.server.address() as AddressInfo).port

const store = s3Store({
  bucket: 'hubben-test', region: 'eu-north-1', endpoint: `http://127.0.0.1:${port}`,
  accessKeyId: 'test-key', secretAccessKey: 'test-secret', forcePathStyle: true,
})

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
/** A stream that hands out the bytes in small pieces, as a request body does. */
const streamOf = (b: Buffer, piece = 64 * 1024) => Readable.from((function* () { for (let i = 0; i < b.length; i += piece) yield b.subarray(i, i + piece) })())
const keys = () => [...fake.objects.keys()].sort()
const readAll = async (r: Readable) => { const c: Buffer[] = []; for await (const x of r) c.push(x as Buffer); return Buffer.concat(c) }

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2000)])

t.test('a small file: stored under its SHA-256, read back, and the temporary object gone', async (t) => {
  fake.calls.length = 0
  const put = await store.put(streamOf(PDF), { maxBytes: 1024 * 1024 })
  t.ok(put.ok)
  if (!put.ok) return
  t.equal(put.key, sha(PDF))
  t.equal(put.size, PDF.length)
  t.equal(put.fresh, true)
  t.equal(put.head.subarray(0, 5).toString(), '%PDF-')
  t.same(keys(), [`files/${sha(PDF)}`], 'only the content key is left')
  t.same(fake.calls, ['PutObject', 'HeadObject', 'CopyObject', 'DeleteObject'])
  const got = await store.get(put.key)
  t.ok(got)
  t.equal(got!.size, PDF.length)
  t.same(await readAll(got!.stream), PDF)
})

t.test('the same content again is stored once (fresh: false)', async (t) => {
  fake.calls.length = 0
  const again = await store.put(streamOf(PDF, 100), { maxBytes: 1024 * 1024 })
  t.ok(again.ok && !again.fresh && again.key === sha(PDF))
  t.same(keys(), [`files/${sha(PDF)}`])
  t.notOk(fake.calls.includes('CopyObject'), 'no copy over an existing content')
})

t.test('a large file goes up in parts, never whole in memory at once', async (t) => {
  fake.calls.length = 0
  const big = randomBytes(11 * 1024 * 1024 + 123)
  const put = await store.put(streamOf(big), { maxBytes: 12 * 1024 * 1024 })
  t.ok(put.ok)
  if (!put.ok) return
  t.equal(put.key, sha(big))
  t.equal(fake.calls.filter((c) => c === 'UploadPart').length, 3, '5 + 5 + 1 MiB')
  t.ok(fake.calls.includes('CreateMultipartUpload') && fake.calls.includes('CompleteMultipartUpload'))
  const got = await store.get(put.key)
  t.equal(sha(await readAll(got!.stream)), sha(big))
  await store.remove(put.key)
  t.equal(await store.get(put.key), null, 'removed')
})

t.test('oversized: refused, the multipart upload aborted, nothing left behind', async (t) => {
  fake.calls.length = 0
  const before = keys()
  const big = randomBytes(13 * 1024 * 1024)
  const put = await store.put(streamOf(big), { maxBytes: 12 * 1024 * 1024 })
  t.same(put, { ok: false, reason: 'tooLarge' })
  t.same(keys(), before, 'no object added, no tmp/ object')
  t.equal(fake.uploads.size, 0, 'no unfinished multipart upload')
  t.ok(fake.calls.includes('AbortMultipartUpload'))

  const small = await store.put(streamOf(Buffer.alloc(3000, 1)), { maxBytes: 2000 })
  t.same(small, { ok: false, reason: 'tooLarge' }, 'too large within the first part: nothing sent at all')
  t.same(keys(), before)
})

t.test('a multipart parser\'s cut (truncated) counts as too large, and leaves nothing', async (t) => {
  const before = keys()
  const cut = Object.assign(streamOf(Buffer.concat([Buffer.from('%PDF-'), randomBytes(500)])), { truncated: true })
  t.same(await store.put(cut, { maxBytes: 10_000 }), { ok: false, reason: 'tooLarge' })
  t.same(keys(), before)
  t.notOk(keys().some((k) => k.startsWith(TMP_PREFIX)))
})

t.test('empty: refused and nothing kept; unknown or malformed keys read as nothing', async (t) => {
  const before = keys()
  t.same(await store.put(streamOf(Buffer.alloc(0)), { maxBytes: 1000 }), { ok: false, reason: 'empty' })
  t.same(keys(), before)
  t.equal(await store.get('0'.repeat(64)), null)
  t.equal(await store.get('../etc/passwd'), null)
  await store.remove('0'.repeat(64)) // nothing there: no error
})

t.test('a broken request body fails the upload and leaves nothing', async (t) => {
  const before = keys()
  const broken = new Readable({ read() {} })
  broken.push(randomBytes(1000))
  setTimeout(() => broken.destroy(new Error('connection reset')), 20)
  await t.rejects(store.put(broken, { maxBytes: 100_000 }), /connection reset/)
  t.same(keys(), before)
  t.equal(fake.uploads.size, 0)
})

t.test('the fake answers like S3 for a missing object (sanity)', async (t) => {
  const res = await fetch(`http://127.0.0.1:${port}/hubben-test/files/nothing`)
  t.equal(res.status, 404)
  t.match(await text(res.body as unknown as Readable), /NoSuchKey/)
})

t.test('STORAGE=s3 is what the app uses: demo files go to the bucket, a download streams from it, an upload lands there once', async (t) => {
  const ctx = await buildTestApp({
    env: {
      STORAGE: 's3', S3_BUCKET: 'hubben-test', S3_REGION: 'eu-north-1', S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY_ID: 'test-key', S3_SECRET_ACCESS_KEY: 'test-secret', S3_FORCE_PATH_STYLE: 'true', MAX_UPLOAD_MB: '1',
    },
  })
  t.teardown(() => ctx.close())
  const { app, db, world } = ctx
  const file = await db.selectFrom('info_files').selectAll().where('unit_id', '=', world.school).orderBy('id').executeTakeFirstOrThrow()
  t.ok(fake.objects.has(`files/${file.storage_key}`), 'the demo file was put in the bucket')
  const anna = await loginAs(app, 'anna.lind')
  const res = await anna.get(`/children/${world.elsa}/information/files/${file.id}`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/pdf')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.same(res.rawPayload, fake.objects.get(`files/${file.storage_key}`))

  const karin = await loginAs(app, 'karin.berg')
  await karin.get('/staff/information/files/new')
  const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3000)])
  const post = (name: string, content: Buffer, k: string) => {
    const boundary = '----s3test' + Math.random().toString(16).slice(2)
    const field = (n: string, v: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`)
    const payload = Buffer.concat([field('_csrf', karin.csrf), field('key', k), field('unit', String(world.school)), field('title', 'Via S3'),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`), content,
      Buffer.from(`\r\n--${boundary}--\r\n`)])
    return app.inject({ method: 'POST', url: '/staff/information/files', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: karin.cookie } })
  }
  const before = keys()
  const big = await post('stor.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1024 * 1024 + 10, 0x20)]), 'k-s3-big-1234')
  t.equal(big.statusCode, 422)
  t.match(big.body, /Filen är för stor. Den får vara högst 1 MB./)
  const wrong = await post('bild.pdf', Buffer.from('GIF89a' + 'x'.repeat(100)), 'k-s3-gif-1234')
  t.equal(wrong.statusCode, 422, 'content and name do not match')
  t.same(keys(), before, 'nothing left in the bucket by refused uploads')
  t.equal((await post('via-s3.pdf', bytes, 'k-s3-ok-12345')).statusCode, 303)
  t.same(keys(), [...before, `files/${sha(bytes)}`].sort(), 'stored under its SHA-256, no tmp/ object')
  const row = await db.selectFrom('info_files').selectAll().where('title', '=', 'Via S3').executeTakeFirstOrThrow()
  t.equal(row.storage_key, sha(bytes))
  const got = await anna.get(`/children/${world.elsa}/information/files/${row.id}`)
  t.same(got.rawPayload, bytes)
})
