import { notYetBox, seesHub } from '../../web/box.js'

/** Blogg: posts per group, with comments. Not built yet. */
export const blog = notYetBox({ key: 'blog', path: 'blog', title: () => 'boxes.blog', visible: (a) => seesHub(a) })
