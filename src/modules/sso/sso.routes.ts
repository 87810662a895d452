import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { errorResponses, IdParams } from '../common.schemas.js';
import { ProviderRegistrationBody, RegistrationReply, RegistrationsQuery, RejectBody, SsoConfigBody, SsoConfigReply } from './sso.schemas.js';

/**
 * Provider self-registration (public) and the admin's side of it; an organisation's single sign-on
 * settings. The sign-in itself is a browser flow (src/web/pages/sso.pages.ts).
 */
export const ssoRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = app.requireRole('admin');

  app.post('/v1/provider-registrations', {
    config: { rateLimit: 'sensitive' },
    schema: {
      tags: ['registration'], summary: 'A provider registers itself (no key needed)',
      description: 'Makes a pending provider organisation and invites its first user (focal point) by e-mail. Its offerings are seen by nobody but itself and admins until an admin approves it; approval screens it against the UN Security Council Consolidated List. 409 `email_taken` when the address already has an account.',
      body: ProviderRegistrationBody, response: { 201: RegistrationReply, ...errorResponses },
    },
  }, async (req, reply) => reply.code(201).send(await app.services.registrations.register(req.body)));

  app.get('/v1/admin/provider-registrations', {
    schema: { tags: ['registration'], summary: 'Provider registrations (waiting ones by default)', querystring: RegistrationsQuery, response: { 200: z.object({ items: z.array(RegistrationReply) }), ...errorResponses } },
    onRequest: admin,
  }, async (req) => ({ items: await app.services.registrations.list({ status: req.query.status }) }));

  app.post('/v1/admin/provider-registrations/:id/approve', {
    schema: {
      tags: ['registration'], summary: 'Screen and approve a waiting provider',
      description: '409 `screening_hits` (one detail per hit) while a hit of the organisation or its people is open or confirmed; 409 `screening_list_not_loaded` without a list; 409 `not_pending` when it was decided already.',
      params: IdParams, response: { 200: RegistrationReply, ...errorResponses },
    },
    onRequest: admin,
  }, async (req) => app.services.registrations.approve(req.principal!, req.params.id));

  app.post('/v1/admin/provider-registrations/:id/reject', {
    schema: { tags: ['registration'], summary: 'Refuse a waiting provider, with the reason', params: IdParams, body: RejectBody, response: { 200: RegistrationReply, ...errorResponses } },
    onRequest: admin,
  }, async (req) => app.services.registrations.reject(req.principal!, req.params.id, req.body.note));

  app.get('/v1/admin/organisations/:id/sso', {
    schema: { tags: ['sso'], summary: 'An organisation\'s identity provider settings (never the secret)', params: IdParams, response: { 200: SsoConfigReply, ...errorResponses } },
    onRequest: admin,
  }, async (req) => {
    const c = await app.services.sso.getConfig(req.params.id);
    if (!c) throw notFound('Single sign-on settings');
    return c;
  });

  app.put('/v1/admin/organisations/:id/sso', {
    schema: {
      tags: ['sso'], summary: 'Set an organisation\'s OpenID Connect identity provider',
      description: 'The provider\'s discovery document must answer under the issuer. The client secret is stored encrypted (ENCRYPTION_KEY); omit it to keep the stored one. People of the allowed e-mail domains are added to this organisation only, on their first sign-in, with `defaultRole`.',
      params: IdParams, body: SsoConfigBody, response: { 200: SsoConfigReply, ...errorResponses },
    },
    onRequest: admin,
  }, async (req) => app.services.sso.saveConfig(req.principal!, req.params.id, req.body));
};
