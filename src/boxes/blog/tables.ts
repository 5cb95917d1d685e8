import type { Generated } from 'kysely'
import type { Timestamp } from '../../db/types.js'

export interface BlogPostTable {
  id: Generated<number>
  group_id: number
  title: string
  /** Plain text: paragraphs and links, never HTML. */
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

export interface BlogCommentTable {
  id: Generated<number>
  post_id: number
  author_id: number
  body: string
  created_at: Timestamp
  comment_key: string | null
}

export interface BlogTables {
  blog_posts: BlogPostTable
  blog_comments: BlogCommentTable
}
