import { hash, verify } from '@node-rs/argon2'

// argon2id with OWASP's minimum parameters (m=19 MiB, t=2, p=1): ~50 ms here.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 }

export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 200

/** How many passwords were hashed (tests check that work is not done before checks). */
export const hashCount = { n: 0 }

export function hashPassword(password: string): Promise<string> {
  hashCount.n++
  return hash(password, OPTIONS)
}

let dummy: Promise<string> | undefined

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    // Same work for an unknown account, so timing does not reveal which usernames exist.
    dummy ??= hash('not-a-real-password', OPTIONS)
    await verify(await dummy, password).catch(() => false)
    return false
  }
  return verify(stored, password).catch(() => false)
}
