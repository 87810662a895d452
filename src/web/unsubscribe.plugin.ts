import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from './html.js';
import { fromAcceptLanguage, i18n, isUiLang, type UiLang } from './i18n/index.js';
import { page } from './layout.js';
import type { WebContext } from './context.js';

const langOf = (req: FastifyRequest): UiLang => {
  const q = (req.query as Record<string, unknown>).lang;
  return isUiLang(q) ? q : fromAcceptLanguage(req.headers['accept-language']) ?? 'en';
};
const tokenOf = (req: FastifyRequest) => (req.query as Record<string, unknown>).token;

/**
 * One-click unsubscribe (RFC 8058), outside the web interface's session and CSRF checks on purpose:
 * a mail client POSTs `List-Unsubscribe=One-Click` to the link of the List-Unsubscribe header with
 * no cookie, and the signed token in the link is the only credential. GET shows a page with a button
 * (link checkers and previews fetch URLs: a GET never unsubscribes).
 */
export async function unsubscribePlugin(app: FastifyInstance): Promise<void> {
  // RFC 8058 bodies are tiny and say nothing the token does not: read and ignored.
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, body));
  }
  const render = (req: FastifyRequest, reply: FastifyReply, status: number, body: (ctx: WebContext) => ReturnType<typeof html>) => {
    const i = i18n(langOf(req));
    const ctx: WebContext = { i, principal: null, csrf: '', path: '/' };
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return reply.code(status).type('text/html; charset=utf-8').send(page(ctx, { title: i.t('notify.unsub.title'), body: body(ctx) }).value);
  };
  const wantsHtml = (req: FastifyRequest) => String(req.headers.accept ?? '').includes('text/html');

  app.get('/unsubscribe', { schema: { hide: true } }, async (req, reply) => {
    const token = tokenOf(req);
    const valid = await app.services.notifications.verifyUnsubscribe(token);
    return render(req, reply, valid ? 200 : 400, ({ i }) => (valid
      ? html`<h1>${i.t('notify.unsub.title')}</h1><p>${i.t('notify.unsub.confirm')}</p>
        <form method="post" action="/unsubscribe?token=${encodeURIComponent(String(token))}&amp;lang=${i.lang}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${i.t('notify.unsub.button')}</button></form>`
      : html`<h1>${i.t('notify.unsub.title')}</h1><p>${i.t('notify.unsub.invalid')}</p><p><a href="/sign-in">${i.t('nav.signIn')}</a></p>`));
  });

  app.post('/unsubscribe', { schema: { hide: true }, config: { rateLimit: 'sensitive' } }, async (req, reply) => {
    const done = await app.services.notifications.unsubscribe(tokenOf(req));
    if (wantsHtml(req)) {
      return render(req, reply, done ? 200 : 400, ({ i }) => html`<h1>${i.t('notify.unsub.title')}</h1><p>${done ? i.t('notify.unsub.done') : i.t('notify.unsub.invalid')}</p><p><a href="/notifications">${i.t('nav.notifications')}</a></p>`);
    }
    return reply.code(done ? 200 : 400).send(done ? { unsubscribed: true, kind: done.kind } : { error: { code: 'invalid_token', message: 'This unsubscribe link is not valid.', details: [] } });
  });
}
