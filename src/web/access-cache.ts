import type { Actor, Child } from '../people/service.js'
import type { ChangeFeed } from '../db/index.js'

/**
 * Sessions, the child-access facts and the purple bar's counts, kept in this process so
 * that a page's only statement is its own data (README, Performance).
 *
 * Exact across processes: every change that ends or narrows access, or changes a count, is
 * announced by a trigger (migrations/20261203_0500_access_notify.ts) on the channel
 * `hubben_access`, whoever wrote it; a notice names people (`s:` their sessions, `p:`
 * everything about them, `c:` their counts) or says `*` (everything). The cache is trusted
 * only while the listening connection is up: it starts empty, is emptied when that
 * connection is lost or comes back, and until LISTEN is active again every read goes to
 * the database. On PGlite the notice arrives before the writing statement returns.
 *
 * A read that started before a notice about the same person must not store what it read
 * (it may be older than the change): each store brings the `mark()` taken before its read.
 */
export class AccessCache {
  private sessions = new Map<string, SessionEntry>()
  private sessionsOf = new Map<number, Set<string>>()
  private counts = new Map<number, Record<string, number>>()
  private children = new Map<number, Map<number, Child | null>>()
  /** childId → the actors with a cached fact about that child. */
  private childIndex = new Map<number, Set<number>>()
  private seq = 0
  private droppedAt = 0
  private touched = new Map<number, number>()
  private listening = false
  /** Hits and misses, for tests and the benchmark's curiosity. */
  readonly stats = { hits: 0, misses: 0, notices: 0, drops: 0 }

  /** False while no listening connection is active (or there is no feed at all): everything is read from the database. */
  get trusted(): boolean { return this.listening }

  /** Taken before a read whose result is to be stored. */
  mark(): number { return this.seq }

  private fresh(mark: number, ...personIds: number[]): boolean {
    if (!this.listening || this.droppedAt > mark) return false
    for (const id of personIds) if ((this.touched.get(id) ?? 0) > mark) return false
    return true
  }

  // ---- sessions -------------------------------------------------------------------

  session(sid: string, nowMs: number): SessionEntry | undefined {
    if (!this.listening) return undefined
    const e = this.sessions.get(sid)
    if (e && e.expires <= nowMs) {
      // Idle or absolute expiry, from the expiry the database holds.
      this.dropSession(sid)
      return undefined
    }
    if (e) this.stats.hits++
    else this.stats.misses++
    return e
  }

  putSession(sid: string, entry: SessionEntry, mark: number): void {
    if (!this.fresh(mark, entry.personId)) return
    if (this.sessions.size >= MAX_ENTRIES) this.dropAll()
    this.dropSession(sid)
    this.sessions.set(sid, entry)
    let of = this.sessionsOf.get(entry.personId)
    if (!of) this.sessionsOf.set(entry.personId, (of = new Set()))
    of.add(sid)
  }

  /** After this process saved the session: its new data and expiry (the person is unchanged). */
  savedSession(sid: string, personId: unknown, data: string, expires: number): void {
    const e = this.sessions.get(sid)
    if (!e) return
    if (e.personId !== personId) this.dropSession(sid)
    else this.sessions.set(sid, { ...e, data, expires })
  }

  dropSession(sid: string): void {
    const e = this.sessions.get(sid)
    if (!e) return
    this.sessions.delete(sid)
    this.sessionsOf.get(e.personId)?.delete(sid)
  }

  // ---- the bar's counts -----------------------------------------------------------

  barCounts(personId: number): Record<string, number> | undefined {
    return this.listening ? this.counts.get(personId) : undefined
  }

  putBarCounts(personId: number, counts: Record<string, number>, mark: number): void {
    if (!this.fresh(mark, personId)) return
    if (this.counts.size >= MAX_ENTRIES) this.dropAll()
    this.counts.set(personId, counts)
  }

  dropBarCounts(personId: number): void {
    this.touch(personId)
    this.counts.delete(personId)
  }

  // ---- the child-access facts (childForActor) -------------------------------------

  /** The child as this actor may see it, null when they may not, undefined when not known here. */
  child(actorId: number, childId: number): Child | null | undefined {
    if (!this.listening) return undefined
    return this.children.get(actorId)?.get(childId)
  }

  putChild(actorId: number, childId: number, child: Child | null, mark: number): void {
    if (!this.fresh(mark, actorId, childId)) return
    let of = this.children.get(actorId)
    if (!of) {
      if (this.children.size >= MAX_ENTRIES) this.dropAll()
      this.children.set(actorId, (of = new Map()))
    }
    of.set(childId, child)
    let who = this.childIndex.get(childId)
    if (!who) this.childIndex.set(childId, (who = new Set()))
    who.add(actorId)
  }

  // ---- invalidation ---------------------------------------------------------------

  private touch(personId: number): void {
    if (this.touched.size >= MAX_ENTRIES) {
      // Forget who was touched when; reads in flight then store nothing.
      this.touched.clear()
      this.droppedAt = ++this.seq
    }
    this.touched.set(personId, ++this.seq)
  }

  private dropSessionsOf(personId: number): void {
    const sids = this.sessionsOf.get(personId)
    if (!sids) return
    for (const sid of sids) this.sessions.delete(sid)
    this.sessionsOf.delete(personId)
  }

  /** Everything about a person: their sessions (and with them the actor), counts, the children they see, and facts about them as a child. */
  forgetPerson(personId: number): void {
    this.touch(personId)
    this.dropSessionsOf(personId)
    this.counts.delete(personId)
    const seen = this.children.get(personId)
    if (seen) {
      for (const childId of seen.keys()) this.childIndex.get(childId)?.delete(personId)
      this.children.delete(personId)
    }
    const viewers = this.childIndex.get(personId)
    if (viewers) {
      for (const actorId of viewers) this.children.get(actorId)?.delete(personId)
      this.childIndex.delete(personId)
    }
  }

  dropAll(): void {
    this.stats.drops++
    this.droppedAt = ++this.seq
    this.touched.clear()
    this.sessions.clear()
    this.sessionsOf.clear()
    this.counts.clear()
    this.children.clear()
    this.childIndex.clear()
  }

  /** A notice on `hubben_access`. Anything unreadable drops everything. */
  notice(payload: string): void {
    this.stats.notices++
    const m = /^([spc]):([0-9,]+)$/.exec(payload)
    if (!m) return this.dropAll()
    for (const part of m[2]!.split(',')) {
      const id = Number(part)
      if (!Number.isSafeInteger(id)) return this.dropAll()
      if (m[1] === 's') { this.touch(id); this.dropSessionsOf(id) }
      else if (m[1] === 'c') this.dropBarCounts(id)
      else this.forgetPerson(id)
    }
  }

  /** The listening connection is active (again): start from nothing. */
  ready(): void {
    this.dropAll()
    this.listening = true
  }

  /** The listening connection is lost: notices may be missed from now on. */
  lost(): void {
    this.listening = false
    this.dropAll()
  }

  /** Starts following the feed; the returned function stops. */
  async follow(feed: ChangeFeed): Promise<() => Promise<void>> {
    return feed.listen({ notice: (p) => this.notice(p), ready: () => this.ready(), lost: () => this.lost() })
  }
}

/** A session as read from the database: its data (JSON), expiry (epoch ms) and person. */
export interface SessionEntry {
  personId: number
  data: string
  expires: number
  actor: Actor
}

/** Past this many sessions, people or counts the cache starts again (a bound on memory, far above a district's morning). */
const MAX_ENTRIES = 200_000
