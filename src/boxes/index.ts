import type { FastifyPluginAsync } from 'fastify'

/**
 * Every box's Fastify plugin, in one list. A box module calls defineBox() at import
 * time (marking it built) and exports its routes plugin; add it here.
 */
export const BOX_PLUGINS: FastifyPluginAsync[] = []
