import { isSchool, notYetBox, seesHub } from '../../web/box.js'

/** Dokumentation: documentation of the pupil's learning (school only). Not built yet. */
export const documentation = notYetBox({ key: 'documentation', path: 'documentation', title: () => 'boxes.documentation', visible: (a, c) => seesHub(a) && isSchool(c) })
