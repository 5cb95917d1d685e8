import { isSchool, notYetBox, seesHub } from '../../web/box.js'

/** Bedömningar: the teachers' assessments (school only). Not built yet. */
export const assessments = notYetBox({ key: 'assessments', path: 'assessments', title: () => 'boxes.assessments', visible: (a, c) => seesHub(a) && isSchool(c) })
