import { Type } from '@sinclair/typebox'
import { ChildParams, Hint, Id, Page } from '../../web/schemas.js'

const text = (max: number) => Type.Optional(Type.String({ maxLength: max }))
export const TITLE_MAX = 200
export const BODY_MAX = 10_000
export const COMMENT_MAX = 2_000

export const PostForm = Type.Object({
  key: text(64),
  group: Type.String({ pattern: '^[0-9]{1,9}$' }),
  title: Type.String({ maxLength: TITLE_MAX }),
  body: Type.String({ maxLength: BODY_MAX }),
  imageAlt: text(300),
  removeImage: text(10),
}, { additionalProperties: true })

export const CommentForm = Type.Object({ key: text(64), comment: Type.String({ maxLength: COMMENT_MAX }) }, { additionalProperties: true })

export const BlogQuery = Type.Object({ group: Hint(Id), page: Hint(Page) })
export const PostParams = Type.Composite([ChildParams, Type.Object({ postId: Id })])
export const CommentParams = Type.Composite([ChildParams, Type.Object({ commentId: Id })])
export const StaffPostParams = Type.Object({ postId: Id })
export const StaffCommentParams = Type.Object({ commentId: Id })
