import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { UploadAttachmentsBody } from '../../modules/attachments/attachments.schemas.js';
import { sendDownload } from '../../modules/attachments/download.js';
import { AttachmentRefusal } from '../../modules/attachments/file-inspect.js';
import { acceptUploads } from '../../modules/attachments/uploads.plugin.js';
import { EditMessageBody, PostMessageBody } from '../../modules/conversation/conversation.schemas.js';
import { offsetOf, pager, UUID_RE } from '../components.js';
import { ctxOf, namer, need, sendPage, str, WebError, type WebContext } from '../context.js';
import { html } from '../html.js';
import { csrfField, page } from '../layout.js';
import { partyName, refusalQuery, refusalText, talkErrorText, TALK_ERRORS, visibilityBadge } from '../talk.view.js';
import type { WebDeps } from '../web.plugin.js';

const wantsJson = (req: FastifyRequest) => String(req.headers.accept ?? '').includes('application/json');
const idOf = (req: FastifyRequest, name = 'id') => {
  const v = (req.params as Record<string, string>)[name];
  if (!UUID_RE.test(v)) throw new WebError(404, 'error.notFound');
  return v;
};
/** The form's fields without the CSRF token. */
const fieldsOf = (req: FastifyRequest) => {
  const { _csrf: _ignored, ...rest } = (req.body ?? {}) as Record<string, unknown>;
  return rest;
};

type TalkError = (typeof TALK_ERRORS)[number];

/** Which message a zod problem is (the first field that is wrong). */
function zodKey(issues: readonly z.core.$ZodIssue[]): TalkError {
  const field = String(issues[0]?.path[0] ?? '');
  return field === 'visibility' ? 'visibility' : field === 'body' ? 'body' : field === 'addressee' ? 'addressee' : 'file';
}

/**
 * Answers a talk form: JSON for the upload script (a place to go, or the problems in the user's
 * language), a redirect back to the request page otherwise.
 */
function respond(req: FastifyRequest, reply: FastifyReply, ctx: WebContext, back: string, outcome: { ok: true; to: string } | { ok: false; status: number; message: string; key: TalkError; refusal?: AttachmentRefusal }) {
  if (wantsJson(req)) {
    return outcome.ok ? reply.code(200).send({ redirect: outcome.to }) : reply.code(outcome.status).send({ error: { code: 'talk_refused', message: outcome.message, details: [] } });
  }
  // Without JavaScript the page itself says why, the refused file named (talk.view.ts refusalText).
  return reply.redirect(outcome.ok ? outcome.to : `${back}?talkError=${outcome.key}${outcome.refusal ? `&${refusalQuery(outcome.refusal)}` : ''}#talk-form`, 303);
}

async function attempt(req: FastifyRequest, reply: FastifyReply, ctx: WebContext, back: string, run: () => Promise<string>) {
  try {
    return respond(req, reply, ctx, back, { ok: true, to: await run() });
  } catch (err) {
    const message = talkErrorText(ctx.i, err);
    if (message === null) throw err;
    const status = (err as { statusCode?: number }).statusCode ?? 400;
    const key: TalkError = status === 503 ? 'store' : status === 403 ? 'forbidden' : (err as { code?: string }).code === 'already_answered' ? 'alreadyAnswered' : 'file';
    return respond(req, reply, ctx, back, { ok: false, status, message, key, refusal: err instanceof AttachmentRefusal ? err : undefined });
  }
}

/** The conversation and documents in the web interface: posting (with progress), editing, answering, downloads, CTED's search. */
export function talkPages(app: FastifyInstance, _deps: WebDeps): void {
  app.register(async (scope) => {
    await acceptUploads(scope, app.deps.config);

    scope.post('/requests/:id/messages', async (req, reply) => {
      const p = need(req);
      const ctx = ctxOf(req);
      const id = idOf(req);
      const back = `/requests/${id}`;
      const parsed = PostMessageBody.safeParse(fieldsOf(req));
      if (!parsed.success) {
        const key = zodKey(parsed.error.issues);
        const message = key === 'file' ? ctx.i.t('v.invalid') : ctx.i.t(`talk.error.${key}`);
        return respond(req, reply, ctx, back, { ok: false, status: 400, message, key });
      }
      return attempt(req, reply, ctx, back, async () => `${back}?posted=1#msg-${(await app.services.conversation.post(p, id, parsed.data)).id}`);
    });

    scope.post('/requests/:id/attachments', { config: { long: true } }, async (req, reply) => {
      const p = need(req);
      const ctx = ctxOf(req);
      const id = idOf(req);
      const back = `/requests/${id}`;
      const parsed = UploadAttachmentsBody.safeParse(fieldsOf(req));
      if (!parsed.success) return respond(req, reply, ctx, back, { ok: false, status: 400, message: ctx.i.t('refused.unknown_content', { name: '' }), key: 'file' });
      return attempt(req, reply, ctx, back, async () => {
        const added = await app.services.attachments.addToRequest(p, id, parsed.data);
        return `${back}?attached=1#doc-${added[0]?.id ?? ''}`;
      });
    });

    scope.post('/offerings/:id/documents', { config: { long: true } }, async (req, reply) => {
      const p = need(req, 'provider', 'admin');
      const ctx = ctxOf(req);
      const id = idOf(req);
      const back = `/offerings/${id}/documents`;
      const parsed = UploadAttachmentsBody.omit({ useForMatching: true }).safeParse(fieldsOf(req));
      if (!parsed.success) return respond(req, reply, ctx, back, { ok: false, status: 400, message: ctx.i.t('refused.unknown_content', { name: '' }), key: 'file' });
      return attempt(req, reply, ctx, back, async () => { await app.services.attachments.addToOffering(p, id, parsed.data); return `${back}?attached=1`; });
    });
  });

  app.post('/requests/:id/messages/:messageId/edit', async (req, reply) => {
    const p = need(req);
    const ctx = ctxOf(req);
    const id = idOf(req);
    const mid = idOf(req, 'messageId');
    const parsed = EditMessageBody.safeParse({ body: str(fieldsOf(req).body) });
    if (!parsed.success) return respond(req, reply, ctx, `/requests/${id}`, { ok: false, status: 400, message: ctx.i.t('talk.error.body'), key: 'body' });
    return attempt(req, reply, ctx, `/requests/${id}`, async () => { await app.services.conversation.edit(p, id, mid, parsed.data.body); return `/requests/${id}#msg-${mid}`; });
  });

  app.post('/requests/:id/messages/:messageId/answered', async (req, reply) => {
    const p = need(req);
    const ctx = ctxOf(req);
    const id = idOf(req);
    const mid = idOf(req, 'messageId');
    return attempt(req, reply, ctx, `/requests/${id}`, async () => { await app.services.conversation.markAnswered(p, id, mid); return `/requests/${id}#msg-${mid}`; });
  });

  app.post('/attachments/:id/matching', { config: { long: true } }, async (req, reply) => {
    const p = need(req, 'member_state');
    const ctx = ctxOf(req);
    const id = idOf(req);
    const a = await app.services.attachments.view(p, id);
    const back = a.requestId ? `/requests/${a.requestId}` : '/requests';
    return attempt(req, reply, ctx, back, async () => { await app.services.attachments.setMatching(p, id, str(fieldsOf(req).use) === 'true'); return `${back}#doc-${id}`; });
  });

  app.get('/attachments/:id', { config: { long: true } }, async (req, reply) => {
    const p = need(req);
    const { a, data } = await app.services.attachments.content(p, idOf(req));
    return sendDownload(reply, a, data);
  });

  app.get('/offerings/:id/documents', { config: { long: true } }, async (req, reply) => {
    const p = need(req, 'provider', 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const id = idOf(req);
    await app.services.offerings.loadOwned(p, id);
    const o = await app.services.offerings.get(id);
    const docs = await app.services.attachments.listForOffering(p, id);
    const q = req.query as Record<string, unknown>;
    return sendPage(req, reply, page(ctx, {
      title: `${i.t('docs.programme.title')}: ${o.title}`, active: '/offerings', notice: q.attached ? i.t('docs.added') : null, scripts: ['/static/talk.js'],
      body: html`<p><a href="/offerings">← ${i.t('nav.offerings')}</a></p>
        <h1 dir="auto">${o.title}</h1>
        <section class="card" aria-labelledby="h-docs"><h2 id="h-docs">${i.t('docs.programme.title')}</h2><p>${i.t('docs.programme.intro')}</p>
          ${docs.length ? html`<ul class="docs" id="offering-docs">${docs.map((a) => html`<li class="doc" id="doc-${a.id}"><a href="/attachments/${a.id}" download>${a.filename}</a> <span class="muted">(${i.tx('purpose', a.purpose)}, ${i.date(a.uploadedAt)})</span></li>`)}</ul>` : html`<p>${i.t('docs.empty')}</p>`}
          <form method="post" action="/offerings/${id}/documents" enctype="multipart/form-data" id="docs-form" novalidate data-upload data-msg-sending="${i.t('talk.sending')}" data-msg-processing="${i.t('talk.processing')}" data-msg-network="${i.t('talk.network')}" data-msg-failed="${i.t('talk.error.failed')}">
            ${csrfField(ctx)}
            ${q.talkError ? html`<div class="error-summary" role="alert"><p>${refusalText(i, q)}</p></div>` : ''}
            <div class="field"><label for="f-doc-file">${i.t('docs.file')}</label><input type="file" id="f-doc-file" name="file" required accept=".pdf,.docx,.odt,.xlsx,.csv,.png,.jpg,.jpeg"></div>
            <div class="field"><label for="f-doc-purpose">${i.t('docs.purpose')}</label><select id="f-doc-purpose" name="purpose"><option value="programme_sheet">${i.t('purpose.programme_sheet')}</option><option value="other">${i.t('purpose.other')}</option></select></div>
            <button type="submit">${i.t('docs.add')}</button>
            <div class="progress" hidden><label for="docs-bar">${i.t('up.progress')}</label><progress id="docs-bar" max="100" value="0"></progress><p class="upload-status" role="status" aria-live="polite"></p></div>
            <div class="upload-result" aria-live="polite"></div>
          </form></section>`,
    }));
  });

  app.get('/messages/search', async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const qs = req.query as Record<string, unknown>;
    const q = str(qs.q).slice(0, 500);
    const openOnly = str(qs.open) === 'true';
    const offset = offsetOf(qs);
    const [ref, providers] = await Promise.all([app.services.reference.get(), app.services.admin.listProviders()]);
    const d = { names: namer(ref, i), providers: new Map(providers.map((x) => [x.id, x.name])) };
    const res = q ? await app.services.conversation.search(p, { q, openQuestions: openOnly ? 'true' : undefined, limit: 20, offset }) : null;
    return sendPage(req, reply, page(ctx, {
      title: i.t('search.title'), active: '/messages/search',
      body: html`<h1>${i.t('search.title')}</h1><p class="lead">${i.t('search.intro')}</p>
        <form method="get" action="/messages/search" class="card" role="search">
          <div class="field"><label for="f-q">${i.t('search.q')}</label><input id="f-q" name="q" type="search" value="${q}" maxlength="500" dir="auto"></div>
          <div class="choice"><input type="checkbox" id="f-open" name="open" value="true"${openOnly ? html` checked` : ''}><label for="f-open">${i.t('search.openOnly')}</label></div>
          <button type="submit">${i.t('search.submit')}</button>
        </form>
        ${res ? (res.items.length ? html`<p id="search-count">${i.t('search.results', { n: res.items.length + offset })}</p><ol class="thread" id="search-results">${res.items.map(({ message: m, request: r }) => html`<li class="msg msg-${m.visibility}">
            <p class="msg-head">${visibilityBadge(ctx, m.visibility)} <strong>${partyName(ctx, d, m.author.party)}</strong> <span class="muted">· ${i.date(m.postedAt)}</span></p>
            <p><a href="/requests/${r.id}#msg-${m.id}">${i.t('search.onRequest', { title: r.title, state: d.names.state(r.memberState) })}</a></p>
            <div class="msg-body prewrap" dir="auto" lang="${m.language}">${m.body}</div></li>`)}</ol>
            ${pager(ctx, `/messages/search?q=${encodeURIComponent(q)}${openOnly ? '&open=true' : ''}`, offset, 20, res.nextOffset)}`
          : html`<p id="search-none">${i.t('search.none')}</p>`) : ''}`,
    }));
  });
}
