import { Type } from '@sinclair/typebox'
import { ChildParams, Hint, Id, Page } from '../../web/schemas.js'

export const TITLE_MAX = 200
export const BODY_MAX = 8000
export const IUP_MAX = 4000

export const EntryForm = Type.Object({
  key: Type.Optional(Type.String({ maxLength: 64 })),
  title: Type.String({ maxLength: TITLE_MAX }),
  body: Type.String({ maxLength: BODY_MAX }),
  date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', errorKey: 'documentation:errors.date' }),
}, { additionalProperties: true })

export const IupForm = Type.Object({
  term: Type.String({ maxLength: 6, pattern: '^(HT|VT)[0-9]{4}$', errorKey: 'documentation:errors.term' }),
  goals: Type.String({ maxLength: IUP_MAX }),
  schoolSupport: Type.Optional(Type.String({ maxLength: IUP_MAX })),
  homeSupport: Type.Optional(Type.String({ maxLength: IUP_MAX })),
})

export const PageQuery = Type.Object({ page: Hint(Page) })
export const TermQuery = Type.Object({ term: Hint(Type.String({ pattern: '^(HT|VT)[0-9]{4}$' })) })
export const IupParams = Type.Composite([ChildParams, Type.Object({ iupId: Id })])
export const EntryParams = Type.Composite([ChildParams, Type.Object({ entryId: Id })])
export const PupilParams = Type.Object({ childId: Id })
export const StaffEntryParams = Type.Object({ entryId: Id })
export { ChildParams }
