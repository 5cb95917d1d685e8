// The benchmark's chart: each page's throughput as a share of the bare baseline, as a
// hand-written SVG (horizontal bars; before and after when both are given), written beside
// the markdown table. Text labels carry every number, so the chart reads without colour.
import type { Row } from './report.js'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function chart(after: Row[], before: Row[] | null, o: { title: string; beforeLabel: string; afterLabel: string; targets?: { label: string; at: number }[] }): string {
  const byName = new Map((before ?? []).map((r) => [r.name, r]))
  const rows = after.filter((r) => Number.isFinite(r.ratio))
  const bars = before ? 2 : 1
  const labelW = 230
  const plotW = 460
  const barH = 14
  const groupH = bars * barH + 10
  const top = 56
  const height = top + rows.length * groupH + 40
  const width = labelW + plotW + 70
  const max = Math.max(1, ...rows.map((r) => r.ratio), ...(before ?? []).map((r) => (Number.isFinite(r.ratio) ? r.ratio : 0)))
  const x = (v: number) => labelW + (v / max) * plotW
  const out: string[] = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="t d" font-family="system-ui, sans-serif" font-size="12">`)
  out.push(`<title id="t">${esc(o.title)}</title>`)
  out.push(`<desc id="d">${esc(rows.map((r) => {
    const b = byName.get(r.name)
    return `${r.name}: ${b ? `${o.beforeLabel} ${b.ratio.toFixed(2)}, ` : ''}${o.afterLabel} ${r.ratio.toFixed(2)}`
  }).join('; '))} (throughput as a share of the bare baseline).</desc>`)
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`)
  out.push(`<text x="8" y="20" font-size="14" font-weight="bold">${esc(o.title)}</text>`)
  // Legend.
  if (before) {
    out.push(`<rect x="${labelW}" y="30" width="12" height="12" fill="#b9b9b9"/><text x="${labelW + 16}" y="40">${esc(o.beforeLabel)}</text>`)
    out.push(`<rect x="${labelW + 200}" y="30" width="12" height="12" fill="#6b2c91"/><text x="${labelW + 216}" y="40">${esc(o.afterLabel)}</text>`)
  }
  // Grid at 0.1 steps (labels every 0.2).
  for (let v = 0; v <= max + 1e-9; v += 0.1) {
    const gx = x(v).toFixed(1)
    out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${height - 30}" stroke="#e4e4e4"/>`)
    if (Math.round(v * 10) % 2 === 0) out.push(`<text x="${gx}" y="${height - 14}" text-anchor="middle" fill="#555">${v.toFixed(1)}</text>`)
  }
  for (const t of o.targets ?? []) {
    const tx = x(t.at).toFixed(1)
    out.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${height - 30}" stroke="#c0392b" stroke-dasharray="4 3"/><text x="${tx}" y="${top - 10}" text-anchor="middle" fill="#c0392b">${esc(t.label)}</text>`)
  }
  rows.forEach((r, i) => {
    const y = top + i * groupH
    out.push(`<text x="${labelW - 8}" y="${y + (bars * barH) / 2 + 4}" text-anchor="end">${esc(r.name)}</text>`)
    const b = byName.get(r.name)
    const draw = (row: Row, k: number, fill: string) => {
      const w = Math.max(1, x(row.ratio) - labelW)
      const by = y + k * barH
      out.push(`<rect x="${labelW}" y="${by}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${fill}"/>`)
      out.push(`<text x="${(labelW + w + 4).toFixed(1)}" y="${by + barH - 4}" fill="#222">${row.ratio.toFixed(2)}</text>`)
    }
    if (before) {
      if (b && Number.isFinite(b.ratio)) draw(b, 0, '#b9b9b9')
      draw(r, 1, '#6b2c91')
    } else draw(r, 0, '#6b2c91')
  })
  out.push(`<text x="${labelW + plotW / 2}" y="${height - 2}" text-anchor="middle" fill="#555">requests per second ÷ the bare baseline's</text>`)
  out.push('</svg>')
  return out.join('\n') + '\n'
}
