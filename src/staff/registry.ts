/** Links on the staff start page; each box with a staff side adds one (SPEC.md section 5). */
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

export const STAFF_LINKS: StaffLink[] = []

export function addStaffLink(link: StaffLink): void {
  if (!STAFF_LINKS.some((l) => l.key === link.key)) STAFF_LINKS.push(link)
}
