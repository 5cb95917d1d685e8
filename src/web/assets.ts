import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public')
const require = createRequire(import.meta.url)

/** htmx comes from its npm package, at the version package-lock.json pins. */
export const HTMX_FILE = require.resolve('htmx.org/dist/htmx.min.js')

function hashFile(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 10)
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? walk(full, `${prefix}${name}/`) : [`${prefix}${name}`]
  })
}

// Hashed once at start-up: a changed file gets a new URL, so browsers may cache forever.
const hashes = new Map<string, string>(walk(PUBLIC_DIR).map((f) => [f, hashFile(path.join(PUBLIC_DIR, f))]))
hashes.set('js/htmx.min.js', hashFile(HTMX_FILE))

export function assetUrl(file: string): string {
  const h = hashes.get(file)
  return h ? `/static/${file}?v=${h}` : `/static/${file}`
}
