import t from 'tap'
import { parseMultipart } from './multipart.js'

const body = (parts: string[]) => Buffer.from(parts.join('\r\n'))
t.test('fields and a file', async (t) => {
  const b = body(['--XyZ', 'Content-Disposition: form-data; name="_csrf"', '', 'tok', '--XyZ',
    'Content-Disposition: form-data; name="file"; filename="C:\\dir\\skola.json"', 'Content-Type: application/json', '',
    '{"a":\r\n1}', '--XyZ--', ''])
  const out = parseMultipart(b, 'multipart/form-data; boundary=XyZ')
  t.equal(out._csrf, 'tok')
  t.same(out.file, { filename: 'skola.json', data: Buffer.from('{"a":\r\n1}') })
})
t.test('broken bodies are errors, not crashes', async (t) => {
  t.throws(() => parseMultipart(Buffer.from('nothing'), 'multipart/form-data; boundary=a'), { name: 'MultipartError' })
  t.throws(() => parseMultipart(Buffer.from('--a\r\nContent-Disposition: form-data; name="x"\r\n\r\nv'), 'multipart/form-data; boundary=a'), { name: 'MultipartError' })
  t.throws(() => parseMultipart(Buffer.from(''), 'multipart/form-data'), { name: 'MultipartError' })
})
