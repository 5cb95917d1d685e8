/**
 * npx tsx scripts/bench/profile-summary.ts /tmp/hubben-prof/CPU....cpuprofile [top]
 * Sums a V8 CPU profile (node --cpu-prof, `npm run bench -- --profile`) by function
 * (self time) and by package or source file, to find where a request's time goes.
 */
import { readFileSync } from 'node:fs'

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const file = process.argv[2]
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]')
const top = Number(process.argv[3] ?? 30)
const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] }
const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const self = new Map<number, number>()
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)

const where = (url: string) => {
  if (!url) return '(native/gc/idle)'
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m) return m[1]!
  if (url.startsWith('node:')) return url
  const s = /\/work\/[^/]+\/(.*)$/.exec(url)
  return s ? s[1]! : url
}
const fn = new Map<string, number>()
const pkg = new Map<string, number>()
for (const [id, us] of self) {
  const n = byId.get(id)!
  const key = `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
  fn.set(key, (fn.get(key) ?? 0) + us)
  const p = where(n.callFrame.url) === '(native/gc/idle)' ? n.callFrame.functionName || '(native)' : where(n.callFrame.url)
  pkg.set(p, (pkg.get(p) ?? 0) + us)
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`)
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`)
}
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`)
show('By package or file (self time):', pkg)
show('By function (self time):', fn)

// Inclusive time: a function counts every sample taken while it is on the stack (once per
// sample, however deep), which shows the phases of a request (rendering, compiling SQL...).
const parent = new Map<number, number>()
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const inclusive = new Map<string, number>()
for (const [id, us] of self) {
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!
    if (!n.callFrame.url) continue
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
    if (seen.has(key)) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + us)
  }
}
show('By function (inclusive time):', inclusive)
