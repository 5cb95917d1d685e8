import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import i18next, { type TFunction } from 'i18next'

export const LOCALES = ['sv', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'sv'

export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../locales')

export function isLocale(v: unknown): v is Locale {
  return v === 'sv' || v === 'en'
}

/** Every JSON file in locales/<lang>/ is a namespace named after the file. */
function loadResources() {
  const resources: Record<string, Record<string, unknown>> = {}
  for (const lang of LOCALES) {
    resources[lang] = {}
    const dir = path.join(LOCALES_DIR, lang)
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      resources[lang]![file.replace(/\.json$/, '')] = JSON.parse(readFileSync(path.join(dir, file), 'utf8'))
    }
  }
  return resources
}

const instance = i18next.createInstance()
let ready = false

export function initI18n(): typeof instance {
  if (ready) return instance
  const resources = loadResources() as never
  instance.init({
    resources,
    lng: DEFAULT_LOCALE,
    fallbackLng: false,
    supportedLngs: [...LOCALES],
    defaultNS: 'common',
    ns: Object.keys((resources as Record<string, object>)[DEFAULT_LOCALE] ?? {}),
    // Eta escapes output; escaping here too would double-escape.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  })
  ready = true
  return instance
}

// A page calls t() a few hundred times; i18next's lookup (and plural rules) showed in
// profiles. Translations do not change while running, so a text is kept per language and
// call: a bare key, or a key with values that are all strings or numbers (counts, names,
// dates as text). The memo is bounded: when full it starts again. Other calls go to i18next.
const MEMO_MAX = 5000
const fixed = new Map<Locale, TFunction>()

/** The memo key of a call, or null when the call is not kept (values that are not plain). */
function memoKey(key: unknown, options: unknown): string | null {
  if (typeof key !== 'string') return null
  if (options === undefined) return key
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return null
  let out = key
  for (const name in options as Record<string, unknown>) {
    const v = (options as Record<string, unknown>)[name]
    if (typeof v !== 'string' && typeof v !== 'number') return null
    // Strings quoted (JSON escapes control characters): no two calls share a memo key.
    out += `\u0000${name}=${typeof v === 'number' ? String(v) : JSON.stringify(v)}`
  }
  return out
}

export function translator(locale: Locale): TFunction {
  let t = fixed.get(locale)
  if (!t) {
    const base = initI18n().getFixedT(locale) as unknown as (...args: unknown[]) => string
    const memo = new Map<string, string>()
    t = ((...args: unknown[]) => {
      const k = args.length <= 2 ? memoKey(args[0], args[1]) : null
      if (k === null) return base(...args)
      let text = memo.get(k)
      if (text === undefined) {
        text = base(...args)
        if (memo.size >= MEMO_MAX) memo.clear()
        memo.set(k, text)
      }
      return text
    }) as unknown as TFunction
    fixed.set(locale, t)
  }
  return t
}

/** All keys of a namespace in one language, flattened (used by the locale parity test). */
export function flatKeys(obj: unknown, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object') return [prefix]
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k))
}
