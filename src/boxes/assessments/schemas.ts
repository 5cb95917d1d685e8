import { Type } from '@sinclair/typebox'
import { ChildParams, Hint, Id } from '../../web/schemas.js'

// The staff's form: lengths here; whose pupil it is, in the service.
export const SUBJECT_MAX = 60
export const GRADE_MAX = 40
export const COMMENT_MAX = 4000

export const AssessmentForm = Type.Object({
  key: Type.Optional(Type.String({ maxLength: 64 })),
  subject: Type.String({ maxLength: SUBJECT_MAX }),
  term: Type.String({ maxLength: 6, pattern: '^(HT|VT)[0-9]{4}$', errorKey: 'assessments:errors.term' }),
  grade: Type.String({ maxLength: GRADE_MAX }),
  comment: Type.Optional(Type.String({ maxLength: COMMENT_MAX })),
  date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', errorKey: 'assessments:errors.date' }),
})

export const Visibility = Type.Object({ status: Type.Union([Type.Literal('published'), Type.Literal('hidden')]) })

export const TermQuery = Type.Object({ term: Hint(Type.String({ pattern: '^(HT|VT)[0-9]{4}$' })) })
export const PupilParams = Type.Object({ childId: Id })
export const AssessmentParams = Type.Object({ assessmentId: Id })
export { ChildParams }
