import type { BoxManifest, Feature } from '../web/box.js'
import { notify } from '../notify/index.js'
import { admin } from '../admin/index.js'
import { dataImport } from '../import/index.js'
import { messages } from './messages/index.js'
import { talks } from './talks/index.js'
import { timetable } from './timetable/index.js'
import { absence } from './absence/index.js'
import { information } from './information/index.js'
import { assessments } from './assessments/index.js'
import { plans } from './plans/index.js'
import { documentation } from './documentation/index.js'
import { calendar } from './calendar/index.js'
import { blog } from './blog/index.js'
import { careSchedule } from './care-schedule/index.js'

/**
 * Every box, in the start page's order (SPEC.md section 1). The app, the start page, the
 * staff page, settings, the demo world, the district, the benchmark and the budget tests
 * read this list; a new box is one line here. A box's demo and district content run in
 * this order too, so a box comes after the boxes its content builds on.
 */
export const BOXES: readonly BoxManifest[] = [
  messages, talks, timetable, absence, information, assessments, plans, documentation, calendar, blog, careSchedule,
]

/** The parts without a tile, then the boxes: everything the app is built from. */
export const FEATURES: readonly Feature[] = [notify, admin, dataImport, ...BOXES]
