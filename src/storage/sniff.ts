/**
 * What a file is, by its first bytes (not its name or the browser's word for it), for the few
 * kinds a school publishes: PDF, images, and office documents (OOXML, which are ZIP files, and
 * the old OLE compound files). Anything else is refused.
 */
export interface FileKind {
  /** The type the file is served with. */
  mime: string
  /** Names such content may have. */
  extensions: string[]
  image: boolean
}

const PDF: FileKind = { mime: 'application/pdf', extensions: ['pdf'], image: false }
const PNG: FileKind = { mime: 'image/png', extensions: ['png'], image: true }
const JPEG: FileKind = { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], image: true }
const GIF: FileKind = { mime: 'image/gif', extensions: ['gif'], image: true }
const WEBP: FileKind = { mime: 'image/webp', extensions: ['webp'], image: true }
const OOXML: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
}
const OLE: Record<string, string> = { doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint' }

const starts = (b: Buffer, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x)

/** The extension of a file name, lowercase ('' when none). */
export function extensionOf(name: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(name)
  return m ? m[1]!.toLowerCase() : ''
}

/** The kind a name claims (by extension), or null for a name we do not take. */
export function typeForName(name: string): string | null {
  const ext = extensionOf(name)
  return [PDF, PNG, JPEG, GIF, WEBP].find((k) => k.extensions.includes(ext))?.mime ?? OOXML[ext] ?? OLE[ext] ?? null
}

/**
 * The kind of the content, given its first bytes and its name; null when the content is not
 * one we take, or does not match the name (a PNG called report.pdf). ZIP and OLE containers
 * say only "an office document": the name says which, and is served with that type.
 */
export function sniff(head: Buffer, name: string): FileKind | null {
  const ext = extensionOf(name)
  let kind: FileKind | null = null
  if (starts(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) kind = PDF // %PDF-
  else if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) kind = PNG
  else if (starts(head, [0xff, 0xd8, 0xff])) kind = JPEG
  else if (starts(head, [0x47, 0x49, 0x46, 0x38]) && (head[4] === 0x37 || head[4] === 0x39) && head[5] === 0x61) kind = GIF
  else if (starts(head, [0x52, 0x49, 0x46, 0x46]) && starts(head, [0x57, 0x45, 0x42, 0x50], 8)) kind = WEBP
  else if (starts(head, [0x50, 0x4b, 0x03, 0x04]) && OOXML[ext]) {
    // An OOXML package names its parts in the first local headers ([Content_Types].xml, _rels/, word/ ...).
    const text = head.toString('latin1')
    if (/\[Content_Types\]\.xml|_rels\/|docProps\/|word\/|xl\/|ppt\//.test(text)) kind = { mime: OOXML[ext]!, extensions: [ext], image: false }
  } else if (starts(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) && OLE[ext]) {
    kind = { mime: OLE[ext]!, extensions: [ext], image: false }
  }
  if (!kind || !kind.extensions.includes(ext)) return null
  return kind
}
