import { Type } from '@sinclair/typebox'
import { ChildParams, Hint, Id, Page } from '../../web/schemas.js'

// The forms' shapes (parseForm): lengths here, meaning (whose group, a web address) in the service.
const text = (max: number, extra: Record<string, unknown> = {}) => Type.Optional(Type.String({ maxLength: max, ...extra }))

export const TITLE_MAX = 200
export const BODY_MAX = 10_000
export const ALT_MAX = 300

export const NewsForm = Type.Object({
  key: text(64),
  target: Type.String({ maxLength: 40, pattern: '^(unit|group):[0-9]{1,9}$' }),
  title: Type.String({ maxLength: TITLE_MAX }),
  body: Type.String({ maxLength: BODY_MAX }),
  imageAlt: text(ALT_MAX),
  removeImage: text(10),
}, { additionalProperties: true })

export const FileForm = Type.Object({
  key: text(64),
  unit: Type.String({ pattern: '^[0-9]{1,9}$' }),
  title: Type.String({ maxLength: TITLE_MAX }),
}, { additionalProperties: true })

export const LinkForm = Type.Object({
  key: text(64),
  unit: Type.String({ pattern: '^[0-9]{1,9}$' }),
  title: Type.String({ maxLength: TITLE_MAX }),
  url: Type.String({ maxLength: 2000, pattern: '^https?://[^\\s]+$', errorKey: 'information:errors.url' }),
  description: text(500),
}, { additionalProperties: true })

export const PageQuery = Type.Object({ page: Hint(Page) })
export const NewsParams = Type.Composite([ChildParams, Type.Object({ newsId: Id })])
export const FileParams = Type.Composite([ChildParams, Type.Object({ fileId: Id })])
export const StaffNewsParams = Type.Object({ newsId: Id })
export const StaffFileParams = Type.Object({ fileId: Id })
export const StaffLinkParams = Type.Object({ linkId: Id })
