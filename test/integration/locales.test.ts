import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { flatKeys, LOCALES_DIR } from '../../src/web/i18n.js'

const ROOT = path.resolve(LOCALES_DIR, '..')
const plural = /_(zero|one|two|few|many|other)$/

function keysOf(lang: string): Set<string> {
  const out = new Set<string>()
  for (const file of readdirSync(path.join(LOCALES_DIR, lang)).filter((f) => f.endsWith('.json'))) {
    const ns = file.replace(/\.json$/, '')
    for (const k of flatKeys(JSON.parse(readFileSync(path.join(LOCALES_DIR, lang, file), 'utf8')))) out.add(`${ns}:${k.replace(plural, '')}`)
  }
  return out
}

function walk(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? walk(full, ext) : ext.test(name) ? [full] : []
  })
}

const sv = keysOf('sv')
const namespaces = new Set([...sv].map((k) => k.split(':')[0]!))
const en = keysOf('en')

t.test('Swedish and English have the same keys', async (t) => {
  t.same([...sv].filter((k) => !en.has(k)), [], 'keys only in sv')
  t.same([...en].filter((k) => !sv.has(k)), [], 'keys only in en')
})

t.test('every literal translation key used in views and code exists', async (t) => {
  const files = [...walk(path.join(ROOT, 'views'), /\.eta$/), ...walk(path.join(ROOT, 'src'), /\.ts$/).filter((f) => !f.endsWith('.test.ts'))]
  const missing: string[] = []
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    // t('ns:key') in templates and code, and { key: 'ns:key' } in field errors and flashes.
    for (const m of text.matchAll(/(?:\bt\(|\bkey:\s*|titleKey:\s*|bodyKey:\s*|title:\s*)'([a-zA-Z][\w-]*(?::[\w.-]+|\.[\w.-]+))'/g)) {
      const raw = m[1]!
      const key = raw.includes(':') ? raw : `common:${raw}`
      if (!namespaces.has(key.split(':')[0]!)) continue
      if (!sv.has(key) && !sv.has(key.replace(plural, ''))) missing.push(`${path.relative(ROOT, file)}: ${raw}`)
    }
  }
  t.same([...new Set(missing)], [], 'translation keys that do not exist')
})
