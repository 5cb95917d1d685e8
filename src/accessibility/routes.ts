import type { FastifyInstance } from 'fastify'

/**
 * Tillgänglighetsredogörelse (issue 18): the accessibility statement the law on accessibility
 * of digital public services (2018:1937) asks for, after DIGG's model. Open to everyone,
 * linked from every page's footer.
 */
export default async function accessibilityRoutes(app: FastifyInstance) {
  app.get('/tillganglighet', async (_req, reply) => reply.page('accessibility/index', {}))
}
