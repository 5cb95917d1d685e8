import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FileStore } from '../storage/index.js'

/**
 * Small valid PDFs made in code, so the demo world needs no binary files in the repository.
 * The demo's rows name them by their SHA-256; outside production the boxes put them in the
 * store at start (content-addressed: once).
 */
export function pdf(title: string, lines: string[]): Buffer {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`)
  const text = [`BT /F1 18 Tf 56 780 Td (${esc(title)}) Tj ET`,
    ...lines.map((l, i) => `BT /F1 12 Tf 56 ${740 - i * 18} Td (${esc(l)}) Tj ET`)].join('\n')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
  ]
  let out = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((o, i) => { offsets.push(Buffer.byteLength(out, 'latin1')); out += `${i + 1} 0 obj\n${o}\nendobj\n` })
  const xref = Buffer.byteLength(out, 'latin1')
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

export interface DemoFile { title: string; filename: string; bytes: Buffer; key: string; type: string }

export const demoFile = (f: { title: string; filename: string; bytes: Buffer }): DemoFile =>
  ({ ...f, key: createHash('sha256').update(f.bytes).digest('hex'), type: 'application/pdf' })

export async function storeDemoFiles(store: FileStore, files: DemoFile[]): Promise<void> {
  for (const f of files) {
    if (await store.get(f.key).then((x) => { x?.stream.destroy(); return x !== null })) continue
    await store.put(Readable.from([f.bytes]), { maxBytes: f.bytes.length })
  }
}
