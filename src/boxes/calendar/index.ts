import { notYetBox, seesHub } from '../../web/box.js'

/** Kalender: events of the child's groups and unit, with surveys. Not built yet. */
export const calendar = notYetBox({ key: 'calendar', path: 'calendar', title: () => 'boxes.calendar', visible: (a) => seesHub(a) })
