import { availableParallelism } from 'node:os'
import { hash, verify } from '@node-rs/argon2'

// argon2id with OWASP's minimum parameters (m=19 MiB, t=2, p=1): ~50 ms here.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 }

/**
 * At most this many hashes at once (PASSWORD_HASH_CONCURRENCY; default: the cores but one).
 * A storm of logins (a city's guardians at 07:10) otherwise fills every core with argon2 and
 * every page waits; with a limit the logins queue and the pages and reports keep flowing.
 */
const LIMIT = Math.max(1, Number(process.env.PASSWORD_HASH_CONCURRENCY) || availableParallelism() - 1)
let running = 0
const waiting: (() => void)[] = []
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= LIMIT) await new Promise<void>((resolve) => waiting.push(resolve))
  else running++
  try {
    return await work()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 200

/** How many passwords were hashed (tests check that work is not done before checks). */
export const hashCount = { n: 0 }

export function hashPassword(password: string): Promise<string> {
  hashCount.n++
  return limited(() => hash(password, OPTIONS))
}

let dummy: Promise<string> | undefined

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    // Same work for an unknown account, so timing does not reveal which usernames exist.
    dummy ??= hash('not-a-real-password', OPTIONS)
    const known = await dummy
    await limited(() => verify(known, password)).catch(() => false)
    return false
  }
  return limited(() => verify(stored, password)).catch(() => false)
}

/** Hashes running and waiting now (tests, and a look during a storm). */
export const hashing = () => ({ limit: LIMIT, running, waiting: waiting.length })
