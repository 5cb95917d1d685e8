import type { Readable } from 'node:stream'

/**
 * Where uploaded files live. Content-addressed: a file's key is the SHA-256 of its bytes, so
 * the same file uploaded twice is stored once, and a key names exactly one content forever
 * (a row in a box's table points at it; removing the row does not need to remove the bytes).
 *
 * The default is a directory under DATA_DIR (`directoryStore`); an S3-compatible object store
 * is the production option behind this same interface (see README, Storage). Boxes never
 * touch paths: they hand a stream to `put` and read one back with `get`.
 */
export interface FileStore {
  /**
   * Streams the bytes into the store, at most `maxBytes` of them. Never holds the whole
   * file in memory. `head` is the first bytes (for checking the type by content).
   */
  put(stream: Readable, opts: { maxBytes: number }): Promise<PutResult>
  /** The stored bytes, or null when the key names nothing stored. */
  get(key: string): Promise<{ stream: Readable; size: number } | null>
  /** Forgets a stored content (nothing happens when it is not there). */
  remove(key: string): Promise<void>
}

export type PutResult =
  /** `fresh`: the content was not stored before (only then may a refused upload remove it again). */
  | { ok: true; key: string; size: number; head: Buffer; fresh: boolean }
  | { ok: false; reason: 'tooLarge' | 'empty' }

/** The first bytes `put` keeps for sniffing. */
export const HEAD_BYTES = 4096

/** A key as the store makes them: 64 lowercase hex digits. */
export const isStorageKey = (key: unknown): key is string => typeof key === 'string' && /^[0-9a-f]{64}$/.test(key)

export { directoryStore } from './directory.js'
export { sniff, typeForName, type FileKind } from './sniff.js'
