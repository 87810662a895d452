import type { FastifyRequest } from 'fastify';

/** Query parameters that carry a secret (single-use links of invitations, resets, unlocks; OIDC's code and state). */
const SECRET_PARAMS = /([?&](?:token|code|state|key)=)[^&#]*/gi;

/** A URL as it may be logged: the values of secret-bearing query parameters replaced. */
export const redactUrl = (url: string) => url.replace(SECRET_PARAMS, '$1[redacted]');

/**
 * Fastify's request serializer with the URL redacted: the links people follow from their mail carry a
 * single-use token in the query, and request logs must never keep it (issue 13: no raw secret logged).
 */
export const logSerializers = {
  req(req: FastifyRequest) {
    return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
  },
};
