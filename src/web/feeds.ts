import type { FastifyReply } from 'fastify'
import { Type } from '@sinclair/typebox'
import { Token } from './schemas.js'

/**
 * Calendar feeds (the timetable's and the calendar's): `/feeds/<kind>/<secret>/<child id>.ics`.
 * The secret in the address is the only credential: calendar apps send no cookies.
 */
export const FeedParams = Type.Object({ token: Token, file: Type.String({ pattern: '^[0-9]{1,9}[.]ics$' }) })

/** The child id of a feed's file name (`123.ics`), checked by FeedParams. */
export const feedChildId = (file: string): number => Number(file.slice(0, -'.ics'.length))

/** An iCalendar file: calendar apps may keep it a quarter of an hour; its address is never sent on as a referrer. */
export function sendCalendar(reply: FastifyReply, text: string): FastifyReply {
  return reply
    .header('Cache-Control', 'private, max-age=900')
    .header('Referrer-Policy', 'no-referrer')
    .type('text/calendar; charset=utf-8')
    .send(text)
}
