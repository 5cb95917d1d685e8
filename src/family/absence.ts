// Siblings in one absence report (issue 18): each child under its own rules, through the absence box's guardian service.
import type { Db } from '../db/index.js'
import type { Clock, IsoDate } from '../clock.js'
import { together } from '../db/batch.js'
import { childrenOfActor, type Actor, type Child } from '../people/service.js'
import { asArray, cleanBody, type FieldErrors } from '../web/forms.js'
import { reportAbsence, reportForm, reportableDates, type ReportForm } from '../boxes/absence/guardian.js'

export interface SiblingForm {
  dates: { date: IsoDate; which: 'today' | 'tomorrow' }[]
  date: IsoDate
  children: { child: Child; form: ReportForm; done: { status: string; reportId: number } | null }[]
}

/** The guardian's children, each with their form for the day; the lessons are read side by side. */
export async function siblingForm(db: Db, clock: Clock, actor: Actor, dateParam: unknown, children?: Child[]): Promise<SiblingForm> {
  const dates = reportableDates(clock)
  const date = typeof dateParam === 'string' && dates.includes(dateParam) ? dateParam : dates[0]!
  const mine = children ?? await childrenOfActor(db, actor)
  const forms = await together(db, mine.map((child) => (batched) => reportForm(batched, clock, actor, child, date)))
  return {
    dates: dates.map((d, i) => ({ date: d, which: i === 0 ? 'today' : 'tomorrow' })),
    date,
    children: mine.map((child, i) => {
      const r = forms[i]!
      if (r.status === 'rejected') throw r.reason
      return { child, form: r.value, done: null }
    }),
  }
}

export type SiblingResult =
  | { kind: 'notFound' }
  | { kind: 'done'; reported: { child: Child; status: string; reportId: number }[] }
  | { kind: 'invalid'; form: SiblingForm; errors: FieldErrors; values: Record<string, unknown> }

/**
 * Reports the chosen children absent for the same day. A child id that is not the guardian's
 * child: nothing is stored (404). Each child's report is the absence box's own
 * (`reportAbsence`: its rules, its transaction, idempotent per day and lesson); a refused
 * child is shown with its errors beside the children whose reports were stored.
 */
export async function reportSiblings(db: Db, clock: Clock, actor: Actor, body: unknown, now: Date): Promise<SiblingResult> {
  const input = cleanBody(body)
  const mine = await childrenOfActor(db, actor)
  const chosenRaw = asArray(input.children)
  const chosen: Child[] = []
  for (const raw of chosenRaw) {
    const child = /^\d{1,9}$/.test(raw) ? mine.find((c) => c.id === Number(raw)) : undefined
    if (!child) return { kind: 'notFound' }
    if (!chosen.includes(child)) chosen.push(child)
  }
  const values: Record<string, unknown> = { ...input, children: chosenRaw, lessons: asArray(input.lessons) }
  const dates = reportableDates(clock)
  const errors: FieldErrors = {}
  if (typeof input.date !== 'string' || !dates.includes(input.date)) errors.date = { key: 'absence:errors.date' }
  if (chosen.length === 0) errors.children = { key: 'family:absence.noChild' }
  if (Object.keys(errors).length) {
    return { kind: 'invalid', form: await siblingForm(db, clock, actor, input.date, mine), errors, values }
  }

  const date = input.date as IsoDate
  const reported: { child: Child; status: string; reportId: number }[] = []
  const refused = new Set<number>()
  // One child after the other: each its own transaction, as when reported one by one.
  for (const child of chosen) {
    const prefix = `${child.id}:`
    const sub = {
      date,
      scope: input[`scope-${child.id}`],
      reason: input[`reason-${child.id}`],
      comment: input[`comment-${child.id}`] ?? '',
      lessons: asArray(input.lessons).filter((v) => v.startsWith(prefix)).map((v) => v.slice(prefix.length)),
    }
    const r = await reportAbsence(db, clock, actor, child, sub, now)
    if (r.ok) { reported.push({ child, status: r.status, reportId: r.reportId }); continue }
    refused.add(child.id)
    for (const [field, err] of Object.entries(r.errors)) errors[field === 'date' ? 'date' : `${field}-${child.id}`] = err
  }
  if (refused.size === 0) return { kind: 'done', reported }
  const form = await siblingForm(db, clock, actor, date, mine)
  for (const c of form.children) {
    const done = reported.find((r) => r.child.id === c.child.id)
    if (done) c.done = { status: done.status, reportId: done.reportId }
  }
  // What was stored is not chosen again; the refused children keep what was typed.
  values.children = chosenRaw.filter((id) => refused.has(Number(id)))
  return { kind: 'invalid', form, errors, values }
}
