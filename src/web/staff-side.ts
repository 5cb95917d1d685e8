import type { FastifyReply, FastifyRequest } from 'fastify'
import { isStaff } from '../people/service.js'

/**
 * For the boxes behind BankID (assessments, documentation): staff do not step up with
 * BankID in the Hub (their personal identity numbers are not kept); they read a pupil's
 * assessments and documentation on the staff side, for pupils of their own groups, where
 * each read is audited with their role. A staff member who opens the child's page is sent
 * there (where someone else's pupil is 404). After loadChild, before requireStepUp.
 */
export function staffToStaffSide(base: string) {
  return async function (req: FastifyRequest, reply: FastifyReply) {
    if (req.actor && isStaff(req.actor) && req.child) return reply.redirect(`${base}/${req.child.id}`, 303)
  }
}
