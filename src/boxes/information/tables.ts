import type { ColumnType, Generated } from 'kysely'
import type { Timestamp } from '../../db/types.js'

/** A news item: for a group, or for the whole unit (group_id null). */
export interface InfoNewsTable {
  id: Generated<number>
  unit_id: number
  group_id: number | null
  title: string
  /** Plain text: shown as paragraphs with links made of URLs, never as HTML. */
  body: string
  image_key: string | null
  image_type: string | null
  image_alt: Generated<string>
  author_id: number | null
  published_at: Timestamp
  updated_at: Timestamp | null
  unpublished_at: Timestamp | null
  publish_key: string | null
}

/** A file for a unit: its bytes are in the file store under storage_key (SHA-256). */
export interface InfoFileTable {
  id: Generated<number>
  unit_id: number
  title: string
  filename: string
  content_type: string
  size_bytes: ColumnType<string, number, number>
  storage_key: string
  uploaded_by: number | null
  created_at: Timestamp
  /** Edited (title or content) at. */
  updated_at: Timestamp | null
  /** Unpublished files are kept for staff to publish again; nobody else sees them. */
  unpublished_at: Timestamp | null
  publish_key: string | null
}

export interface InfoLinkTable {
  id: Generated<number>
  unit_id: number
  title: string
  url: string
  description: Generated<string>
  created_by: number | null
  created_at: Timestamp
  publish_key: string | null
}

export interface InformationTables {
  info_news: InfoNewsTable
  info_files: InfoFileTable
  info_links: InfoLinkTable
}
