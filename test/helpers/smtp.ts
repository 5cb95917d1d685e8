import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'

export interface ReceivedMail { from: string; to: string[]; raw: string; subject: string; text: string; at: number }

/** A real SMTP server in the test process; `mails` fills as messages arrive. */
export async function startSmtp(port = 0): Promise<{ url: string; port: number; mails: ReceivedMail[]; stop(): Promise<void>; waitFor(n: number, ms?: number): Promise<void> }> {
  const mails: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const [head, ...body] = raw.split(/\r?\n\r?\n/)
        const subject = decodeHeader(/^Subject: (.*(?:\r?\n\s.*)*)/mi.exec(head ?? '')?.[1] ?? '')
        const text = decodeBody(head ?? '', body.join('\n\n'))
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, subject, text, at: Date.now() })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const actual = (server.server.address() as AddressInfo).port
  return {
    url: `smtp://127.0.0.1:${actual}`,
    port: actual,
    mails,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    async waitFor(n, ms = 5000) {
      const until = Date.now() + ms
      while (mails.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} mail(s), got ${mails.length}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
  }
}

function decodeHeader(v: string): string {
  return v.replace(/\r?\n\s/g, ' ').replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQP(data.replace(/_/g, ' '))).replace(/\?=\s+=\?/g, '')
}

function decodeQP(s: string): string {
  const bytes: number[] = []
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) { bytes.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2 }
    else if (s[i] === '=' && s[i + 1] === '\n') { i += 1 }
    else if (s[i] === '=' && s[i + 1] === '\r') { i += 2 }
    else bytes.push(...Buffer.from(s[i]!, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

function decodeBody(head: string, body: string): string {
  if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8')
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) return decodeQP(body)
  return body
}
