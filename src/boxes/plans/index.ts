import { isSchool, notYetBox, seesHub } from '../../web/box.js'

/** Planeringar: the teachers' plans per subject (school only). Not built yet. */
export const plans = notYetBox({ key: 'plans', path: 'plans', title: () => 'boxes.plans', visible: (a, c) => seesHub(a) && isSchool(c) })
