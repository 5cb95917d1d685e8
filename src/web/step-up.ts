import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Strong authentication (BankID) on top of the login, for the boxes that need it
 * (assessments, documentation). The step-up lives in the session: it lasts
 * STEP_UP_MINUTES without a request, is moved forward at most once a minute (so reading
 * a page is not a session write every time), and ends with the session (logout).
 * The BankID pages (src/auth/bankid/) grant it after a completed order whose personal
 * identity number is the logged-in person's own.
 */

/** Is the step-up valid now? */
export function hasStepUp(req: FastifyRequest): boolean {
  const until = req.session.stepUpUntil
  return typeof until === 'number' && until > req.server.deps.clock.now().getTime()
}

/** The BankID order that gave the current step-up (for the audit log), if any. */
export function stepUpOrderRef(req: FastifyRequest): string | null {
  return hasStepUp(req) ? req.session.stepUpOrderRef ?? null : null
}

/** After a completed BankID order for this person: strong authentication for the next minutes. */
export function grantStepUp(req: FastifyRequest, orderRef: string): void {
  const { clock, config } = req.server.deps
  req.session.stepUpUntil = clock.now().getTime() + config.stepUpMinutes * 60_000
  req.session.stepUpOrderRef = orderRef
}

export function endStepUp(req: FastifyRequest): void {
  delete req.session.stepUpUntil
  delete req.session.stepUpOrderRef
}

/**
 * preHandler after the child's guards: without a valid step-up a GET is sent to the BankID
 * page (which comes back to this address), anything else gets 403. With one, the step-up
 * is moved forward (at most once a minute).
 */
export async function requireStepUp(req: FastifyRequest, reply: FastifyReply) {
  if (!hasStepUp(req)) {
    endStepUp(req)
    if (req.method === 'GET') {
      const to = `/bankid?next=${encodeURIComponent(req.url)}`
      if (req.headers['hx-request']) return reply.header('hx-redirect', to).code(204).send()
      return reply.redirect(to, 303)
    }
    return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'errors.403.body' })
  }
  const { clock, config } = req.server.deps
  const fresh = clock.now().getTime() + config.stepUpMinutes * 60_000
  if (fresh - req.session.stepUpUntil! > 60_000) req.session.stepUpUntil = fresh
}
