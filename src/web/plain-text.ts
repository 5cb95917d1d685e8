/**
 * Text that staff write (news, blog posts, comments) shown as paragraphs with its web
 * addresses as links: a view model of plain strings that templates escape, so nothing a
 * person typed is ever rendered as HTML. Only http and https addresses become links.
 */
export type Run = { text: string } | { text: string; href: string }
export type Paragraph = Run[][]

const URL_RE = /\bhttps?:\/\/[^\s<>"]+/gi

function runs(line: string): Run[] {
  const out: Run[] = []
  let at = 0
  for (const m of line.matchAll(URL_RE)) {
    let url = m[0]
    // Sentence punctuation after an address is not part of it.
    while (/[.,;:!?)\]']$/.test(url)) url = url.slice(0, -1)
    const start = m.index!
    if (start > at) out.push({ text: line.slice(at, start) })
    out.push({ text: url, href: url })
    at = start + url.length
  }
  if (at < line.length) out.push({ text: line.slice(at) })
  return out
}

/** Paragraphs (split at blank lines), each a list of lines, each a list of runs. */
export function paragraphs(text: string): Paragraph[] {
  return text.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)
    .map((p) => p.split('\n').map(runs))
}

/** The first words of a text, for a list or a tile. */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`
}
