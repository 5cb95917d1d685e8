import { notYetBox, seesHub } from '../../web/box.js'

/** Information: news, files and links of the child's groups and unit. Not built yet. */
export const information = notYetBox({ key: 'information', path: 'information', title: () => 'boxes.information', visible: (a) => seesHub(a) })
