import type { FastifyInstance } from 'fastify';
import { UUID_RE } from '../components.js';
import { need, str, WebError, type WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField } from '../layout.js';
import type { WebDeps } from '../web.plugin.js';

/** The state's consent to publish, on its request's page. */
export function requestPublishForm(ctx: WebContext, id: string, consent: boolean): SafeHtml {
  const { i } = ctx;
  return html`<section class="card" aria-labelledby="h-publish" id="publish">
    <h2 id="h-publish" class="h3">${i.t('pub.title')}</h2><p>${i.t(consent ? 'pub.stateOn' : 'pub.stateOff')}</p>
    <form method="post" action="/requests/${id}/publish-consent">${csrfField(ctx)}<input type="hidden" name="consent" value="${consent ? 'no' : 'yes'}">
      <button type="submit" class="secondary">${i.t(consent ? 'pub.withdraw' : 'pub.give')}</button></form>
  </section>`;
}

/** The provider's consent to publish, on its offerings page. */
export function providerPublishForm(ctx: WebContext, consent: boolean): SafeHtml {
  const { i } = ctx;
  return html`<section class="card" aria-labelledby="h-publish" id="publish">
    <h2 id="h-publish" class="h3">${i.t('pub.title')}</h2><p>${i.t(consent ? 'pub.providerOn' : 'pub.providerOff')}</p>
    <form method="post" action="/offerings/publish-consent">${csrfField(ctx)}<input type="hidden" name="consent" value="${consent ? 'no' : 'yes'}">
      <button type="submit" class="secondary">${i.t(consent ? 'pub.withdraw' : 'pub.give')}</button></form>
  </section>`;
}

/** Publishing in IATI 2.03: the file for CTED and admins, the two consents. */
export function publishingPages(app: FastifyInstance, _deps: WebDeps): void {
  app.get('/publishing/iati.xml', { config: { long: true } }, async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const xml = await app.services.publishing.iatiFile(p);
    if (xml === null) throw new WebError(404, 'error.notFound');
    return reply.type('application/xml; charset=utf-8').header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="onedoor-iati-activities-${new Date().toISOString().slice(0, 10)}.xml"`).send(xml);
  });

  app.post('/requests/:id/publish-consent', async (req, reply) => {
    const p = need(req, 'member_state');
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    await app.services.publishing.setRequestConsent(p, id, str((req.body as Record<string, unknown> | undefined)?.consent) === 'yes');
    return reply.redirect(`/requests/${id}#publish`, 303);
  });

  app.post('/offerings/publish-consent', async (req, reply) => {
    const p = need(req, 'provider');
    await app.services.publishing.setProviderConsent(p, str((req.body as Record<string, unknown> | undefined)?.consent) === 'yes');
    return reply.redirect('/offerings#publish', 303);
  });
}
