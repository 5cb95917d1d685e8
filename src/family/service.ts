// The family at a glance and "Att göra" (issue 18): every box's line and items, read side by side.
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import { together } from '../db/batch.js'
import type { Actor, Child } from '../people/service.js'
import type { BoxContext, BoxManifest, BoxSummary, TodoItem } from '../web/box.js'

export interface FamilyTodo extends TodoItem { child: { id: number; givenName: string } }

export interface FamilyChild {
  child: Child
  href: string
  lines: { box: string; title: string; summary: BoxSummary }[]
  todo: TodoItem[]
}

/** A read of one box for one child: its family line and its "Att göra" items. */
interface Read { line: BoxSummary | null; todo: TodoItem[] }

type Log = { warn(obj: unknown, msg: string): void }

/** A box's line and items; one box's failure leaves the others (and the page) standing. */
async function readBox(b: BoxManifest, ctx: BoxContext, log: Log, withLine: boolean): Promise<Read> {
  const [line, todo] = await Promise.all([
    withLine && b.family ? b.family(ctx).catch((err: unknown) => { log.warn({ err, box: b.key }, 'family line failed'); return null }) : null,
    b.todo ? b.todo(ctx).catch((err: unknown) => { log.warn({ err, box: b.key }, 'todo failed'); return [] }) : [],
  ])
  return { line, todo }
}

/**
 * The family page: for each child, the lines and "Att göra" items of the boxes that apply
 * to them. Every box's reads for every child go through one together(): one statement.
 */
export async function familyOverview(db: Db, clock: Clock, actor: Actor, children: Child[], boxes: readonly BoxManifest[], log: Log): Promise<FamilyChild[]> {
  const jobs = children.flatMap((child) => boxes
    .filter((b) => !b.notYet && (b.family || b.todo) && b.visible(actor, child))
    .map((b) => ({ child, b })))
  const results = await together(db, jobs.map(({ child, b }) => (batched) => readBox(b, { db: batched, clock, actor, child }, log, true)))
  return children.map((child) => {
    const mine = jobs.flatMap((j, i) => (j.child === child ? [{ b: j.b, r: results[i]! }] : []))
    const ok = mine.flatMap(({ b, r }) => (r.status === 'fulfilled' ? [{ b, v: r.value }] : []))
    return {
      child,
      href: `/children/${child.id}`,
      lines: ok.flatMap(({ b, v }) => (v.line ? [{ box: b.key, title: b.title(child), summary: v.line }] : [])),
      todo: ok.flatMap(({ v }) => v.todo),
    }
  })
}

/** The start page's "Att göra" for one child: a box's items, run inside the start page's together(). */
export async function todoOf(b: BoxManifest, ctx: BoxContext, log: Log): Promise<TodoItem[]> {
  return (await readBox(b, ctx, log, false)).todo
}
