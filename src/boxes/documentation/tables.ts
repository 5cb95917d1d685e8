import type { Generated } from 'kysely'
import type { DateColumn, Timestamp } from '../../db/types.js'

/** A portfolio entry: plain text paragraphs (never HTML), and an optional stored image or file. */
export interface PortfolioEntryTable {
  id: Generated<number>
  child_id: number
  title: string
  body: Generated<string>
  entry_date: DateColumn
  file_key: string | null
  file_name: string | null
  file_type: string | null
  file_size: number | null
  file_is_image: Generated<boolean>
  author_id: number | null
  created_at: Timestamp
  removed_at: Timestamp | null
  publish_key: string | null
}

/** The IUP (individuell utvecklingsplan) of a pupil for a term. */
export interface IupPlanTable {
  id: Generated<number>
  child_id: number
  term: string
  goals: string
  school_support: Generated<string>
  home_support: Generated<string>
  author_id: number | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface DocumentationTables {
  portfolio_entries: PortfolioEntryTable
  iup_plans: IupPlanTable
}
