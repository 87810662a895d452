import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { hashApiKey } from './auth.plugin.js';

/** Security headers and a per-key rate limit (shared through Redis when there is one). */
export default fp(async function security(app: FastifyInstance, opts: { perMinute: number; redis?: Redis }) {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(rateLimit, {
    max: opts.perMinute,
    timeWindow: '1 minute',
    redis: opts.redis,
    nameSpace: 'onedoor-rl:',
    // A Redis outage must not take intake down with it.
    skipOnError: true,
    keyGenerator: (req) => {
      const auth = req.headers.authorization;
      return typeof auth === 'string' && auth.length > 10 ? `key:${hashApiKey(auth).slice(0, 32)}` : `ip:${req.ip}`;
    },
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: { code: 'rate_limited', message: `Too many requests: at most ${ctx.max} a minute; retry in ${Math.ceil(ctx.ttl / 1000)} s.`, details: [] },
    }),
  });
}, { name: 'security' });
