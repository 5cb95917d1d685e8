import type { Db } from '../db/index.js'
import type { Clock } from '../clock.js'
import type { DemoWorld } from './seed.js'
import { seedMessagesDemo } from '../boxes/messages/demo.js'
import { seedTimetableDemo } from '../boxes/timetable/demo.js'
import { seedAbsenceDemo } from '../boxes/absence/demo.js'
import { seedCareScheduleDemo } from '../boxes/care-schedule/demo.js'

/** Each box adds its demo content (messages, a timetable, ...) to the world here, in one transaction. */
export type BoxDemoSeeder = (db: Db, clock: Clock, world: DemoWorld) => Promise<void>

export const BOX_DEMO_SEEDERS: BoxDemoSeeder[] = [seedMessagesDemo, seedCareScheduleDemo, seedTimetableDemo, seedAbsenceDemo]
