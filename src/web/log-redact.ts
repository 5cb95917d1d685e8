import type { FastifyRequest } from 'fastify'

/**
 * Request logs carry the URL, and some URLs are secrets: activation and password-reset
 * links, calendar-feed addresses. Before a URL is logged, its secret parts are replaced:
 * - the segment after /activate/, /password/reset/, /settings/email/confirm/ and /feeds/<kind>/,
 * - the value of any query parameter named token, key, code or secret,
 * - any other run of 24 or more URL-safe characters (what a random token looks like).
 */
export const REDACTED = '[redacted]'

const TOKEN_PATH = /^(\/(?:activate|password\/reset|settings\/email\/confirm|feeds\/[^/?#]+)\/)[^/?#]+/i
const TOKEN_QUERY = /([?&](?:token|key|code|secret)=)[^&#]*/gi
const LONG_RUN = /[A-Za-z0-9_%-]{24,}/g

export function redactUrl(url: string | undefined): string {
  if (!url) return ''
  return url
    .replace(TOKEN_PATH, `$1${REDACTED}`)
    .replace(TOKEN_QUERY, `$1${REDACTED}`)
    .replace(LONG_RUN, (run) => (run.includes(REDACTED) ? run : REDACTED))
}

/** Fastify's request serializer, with the URL redacted; never headers, cookies or bodies. */
export function serializeRequest(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    remoteAddress: req.ip,
  }
}

/** The logger options with the redacting serializer and the secret headers removed. */
export function withRedaction(logger: boolean | object | undefined): boolean | object {
  if (!logger) return false
  const base = logger === true ? {} : (logger as Record<string, unknown>)
  return {
    ...base,
    redact: ['req.headers.cookie', 'req.headers.authorization', 'req.body', ...((base.redact as string[] | undefined) ?? [])],
    serializers: { ...(base.serializers as object | undefined), req: serializeRequest },
  }
}
