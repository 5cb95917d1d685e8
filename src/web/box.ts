import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import type { Actor, Child } from '../people/service.js'
import type { BarCount } from './session-store.js'
import type { DemoWorld } from '../demo/seed.js'
import type { DistrictContext } from '../demo/district.js'
import type { BenchPage, PageBudget, BudgetContext } from './measure.js'

/**
 * The shape of a part of Hubben. Each box exports one `BoxManifest` from
 * `src/boxes/<box>/index.ts`; `src/boxes/index.ts` lists them, and the app, the start
 * page, the staff page, settings, the demo world, the district, the benchmark and the
 * budget tests read that list. Parts without a tile (the bell, the admin tools) are
 * `Feature`s in the same list.
 */
export interface Feature {
  key: string
  /** Routes of the guardians' and pupils' side (and anything else outside /staff). */
  routes?: FastifyPluginAsync
  /** Routes under /staff. */
  staffRoutes?: FastifyPluginAsync
  /** Links on the staff start page. */
  staffLinks?: StaffLink[]
  /** Sections of the settings page. */
  settingsSections?: SettingsSection[]
  /** A count on the purple bar, keyed by `key`: an SQL expression of the person's id, read with the session. */
  barCounter?: BarCount
  /** Periodic upkeep (every few minutes, on every instance: make it idempotent), e.g. reminders; `baseUrl` for links in e-mails. */
  housekeeping?: (db: Db, clock: Clock, ctx: { baseUrl: string }) => Promise<unknown>
  /** Demo content, in the demo world's transaction; dates relative to `clock.today()`. */
  demo?: (db: Db, clock: Clock, world: DemoWorld) => Promise<void>
  /** District content (`npm run seed:district`): set-based SQL for the whole district. */
  district?: {
    seed(ctx: DistrictContext): Promise<void>
    tables: string[]
    /** Boxes whose district content this one reads (it runs after them, in their transaction). */
    after?: string[]
  }
  /** Pages the benchmark loads (`npm run bench`). */
  bench?: BenchPage[]
  /** Pages the budget tests measure, and how to grow the box's data about Elsa to n rows. */
  budgets?: { pages: PageBudget[]; grow?: { what: string; run(ctx: BudgetContext, n: number): Promise<void> } }
}

/** What a tile's summary and a box's availability are computed from. */
export interface BoxContext {
  db: Db
  clock: Clock
  actor: Actor
  child: Child
}

/** A tile's live summary: a translation key with its values. */
export interface BoxSummary {
  key: string
  params?: Record<string, string | number | undefined>
}

export interface BoxAction {
  href: string
  /** Translation key of the button text. */
  label: string
  variant?: 'green' | 'primary'
}

/**
 * Something waiting for the guardian ("Att göra", issue 18): a translation key with its
 * values, and where it is done. It is gone once the data says it is done.
 */
export interface TodoItem {
  /** The box's key (and a key unique within the box, e.g. the conversation's id). */
  id: string
  key: string
  params?: Record<string, string | number | undefined>
  href: string
}

/** A box on the start page (SPEC.md section 1). */
export interface BoxManifest extends Feature {
  /** Translation key of the box's title (may depend on the child, e.g. fritids vs preschool). */
  title(child: Child): string
  /** Path below /children/:childId/ */
  path: string
  /** Does the box apply to this person and child? (A rule on who they are, not on data.) */
  visible(actor: Actor, child: Child): boolean
  /** The box shows only while this holds for the child's data (talks: bookable times or a booking). */
  available?(ctx: BoxContext): Promise<boolean>
  /** Guardian-only boxes answer 403 to pupils. */
  guardianOnly?: boolean
  /** The tile's live summary. */
  summary?(ctx: BoxContext): Promise<BoxSummary | null>
  /**
   * The child's line on the family page (issue 18), or null for nothing to say. A plain
   * read like `summary`: the family page runs every box's line for every child through
   * together(), so the whole page is one statement for the boxes' reads.
   */
  family?(ctx: BoxContext): Promise<BoxSummary | null>
  /** What waits for this guardian about this child (the "Att göra" list); read like `summary`. */
  todo?(ctx: BoxContext): Promise<TodoItem[]>
  /** A main action on the tile itself (the green "Anmäl frånvaro"), when it applies. */
  action?(actor: Actor, child: Child): BoxAction | null
  /** Not built yet: its tile says so and its page is the honest "not in Hubben yet" page. */
  notYet?: boolean
}

/** A link on the staff start page. */
export interface StaffLink {
  key: string
  /** Translation key of the link text. */
  title: string
  href: string
  /** Shown only for these unit kinds; all when absent. */
  unitKinds?: ('school' | 'preschool')[]
  /** Shown only to these roles; staff and admins when absent. */
  roles?: ('staff' | 'admin')[]
}

/** A section of the settings page: `template` is rendered with the page's data plus what `data` returns. */
export interface SettingsSection {
  id: string
  /** Translation key of the section's heading (also its link in the page's menu). */
  title: string
  template: string
  data?: (req: FastifyRequest) => Promise<Record<string, unknown>>
  /**
   * The section's own form posts, registered with the settings page so that a form with
   * errors can answer 422 with the whole page again (`render`, with `errors`, `values` and
   * `form`, the form's name, as the page's own forms do).
   */
  routes?: (app: FastifyInstance, ctx: { render: SettingsRender }) => Promise<void>
}

/** Renders the settings page (status set by the caller), e.g. a section's form with its errors. */
export type SettingsRender = (req: FastifyRequest, reply: FastifyReply, extra?: { errors?: Record<string, { key: string; params?: Record<string, string | number> }>; values?: Record<string, unknown>; form?: string }) => Promise<unknown>

export const isGuardian = (a: Actor) => a.role === 'guardian'
export const isSchool = (c: Child) => c.unitKind === 'school'
/** Pupils see their own Hub; guardians their children's; staff preview a child as a guardian would. */
export const seesHub = (a: Actor) => a.role === 'guardian' || a.role === 'pupil' || a.role === 'staff' || a.role === 'admin'

/** A box whose pages are not built yet: the tile, the visibility rule and an honest page. */
export function notYetBox(def: Pick<BoxManifest, 'key' | 'path' | 'title' | 'visible' | 'guardianOnly' | 'available'>): BoxManifest {
  return { ...def, notYet: true }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The boxes the app was built with, by key (requireBox reads their rules here). */
    boxes: Map<string, BoxManifest>
  }
}
