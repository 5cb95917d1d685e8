import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'

export interface Flash { kind: 'success' | 'info' | 'error'; key: string; params?: Record<string, string | number> }

declare module 'fastify' {
  interface FastifyReply {
    flash(flash: Flash): FastifyReply
  }
}

async function flashPlugin(app: FastifyInstance) {
  app.decorateReply('flash', function (this: FastifyReply, flash: Flash) {
    this.request.session.flash = flash
    return this
  })
}

/** A short message kept in the session until the next page shows it (post, redirect, get). */
export default fp(flashPlugin, { name: 'hubben-flash', dependencies: ['hubben-session'] })
