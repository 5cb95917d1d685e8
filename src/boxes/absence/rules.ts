// What the guardian side (guardian.ts) and the staff side (staff.ts) of absence share.
import type { AbsenceReason, AttendanceStatus } from './tables.js'

export type AbsenceKind = 'school' | 'preschool'
export const REASONS: Record<AbsenceKind, AbsenceReason[]> = { school: ['illness', 'other'], preschool: ['illness', 'leave'] }
export const COMMENT_MAX = 300
export const ATTENDANCE: AttendanceStatus[] = ['present', 'absent_valid', 'absent_invalid']

export const hhmm = (t: string) => t.slice(0, 5)
