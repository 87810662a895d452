import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { CreateEntityBody, ENTITY_KINDS, UpdateEntityBody } from '../../modules/entities/entities.schemas.js';
import { ctxOf, list, need, sendPage, str, WebError, type WebContext } from '../context.js';
import { appErrors, zodErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { UI_LANGS } from '../i18n/index.js';
import { badge, csrfField, errorSummary, page, selectField, textField, type FieldErrors } from '../layout.js';
import { entityOptions, multiSelect } from '../pickers.js';
import type { WebDeps } from '../web.plugin.js';
import type { ReferenceSnapshot } from '../../modules/reference/reference.service.js';

const namesOf = (b: Record<string, unknown>) => Object.fromEntries(UI_LANGS.map((l) => [l, str(b[`name_${l}`])]).filter(([, v]) => v));

function entitiesPage(ctx: WebContext, ref: ReferenceSnapshot, errors: FieldErrors = {}, values: Record<string, unknown> = {}, notice: string | null = null): SafeHtml {
  const { i } = ctx;
  const kinds = ENTITY_KINDS.map((k) => ({ value: k, label: k.replace(/_/g, ' ') }));
  const labels: Record<string, string> = { code: i.t('ent.code'), 'names.en': i.t('ent.name', { lang: i.language('en') }), names: i.t('ent.names'), kind: i.t('ent.kind'), replaces: i.t('ent.replaces'), _form: i.t('error.title') };
  return page(ctx, {
    title: i.t('ent.title'), active: '/admin/entities', wide: true, notice,
    body: html`<h1>${i.t('ent.title')}</h1><p class="lead">${i.t('ent.intro')}</p>
      <table class="data" id="entities">
        <thead><tr><th scope="col">${i.t('ent.code')}</th><th scope="col">${i.t('ent.names')}</th><th scope="col">${i.t('ent.successor')}</th><th scope="col">${i.t('ent.aliases')}</th></tr></thead>
        <tbody>${ref.entities.map((e) => html`<tr id="entity-${e.code}"><th scope="row">${e.code}</th>
          <td><span dir="auto">${e.names[i.lang]}</span>${i.lang !== 'en' ? html`<br><span class="muted">${e.names.en}</span>` : ''}
            <details><summary>${i.t('ent.edit', { code: e.code })}</summary>
              <form method="post" action="/admin/entities/${e.code}">${csrfField(ctx)}
                ${UI_LANGS.map((l) => textField({ name: `name_${l}`, label: i.t('ent.name', { lang: i.language(l) }), value: e.names[l], attrs: html` lang="${l}" dir="${l === 'ar' ? 'rtl' : 'ltr'}"` }))}
                ${selectField({ name: 'successor', label: i.t('ent.successor'), value: e.successor ?? '', options: [{ value: '', label: i.t('ent.noSuccessor') }, ...entityOptions(ctx, ref).filter((o) => o.value !== e.code)] })}
                <button type="submit" class="small">${i.t('ent.save')}</button></form></details></td>
          <td>${e.successor ? e.successor : badge(i.t('ent.current'), 'ok')}</td><td>${e.aliases.join(', ')}</td></tr>`)}</tbody>
      </table>
      <section class="card" aria-labelledby="h-add">
        <h2 id="h-add">${i.t('ent.add')}</h2>
        ${errorSummary(ctx, errors, labels)}
        <form method="post" action="/admin/entities" novalidate>${csrfField(ctx)}
          ${textField({ name: 'code', label: labels.code, hint: i.t('ent.codeHint'), value: str(values.code), errors, required: true, attrs: html` maxlength="20" autocapitalize="characters"` })}
          <p class="hint">${i.t('ent.nameHint')}</p>
          ${UI_LANGS.map((l) => textField({ name: `name_${l}`, label: i.t('ent.name', { lang: i.language(l) }), value: str(values[`name_${l}`]), errors: l === 'en' ? { name_en: errors['names.en'] ?? errors.names ?? '' } : {}, required: l === 'en', attrs: html` lang="${l}" dir="${l === 'ar' ? 'rtl' : 'ltr'}"` }))}
          ${selectField({ name: 'kind', label: labels.kind, value: str(values.kind) || 'other', options: kinds })}
          ${multiSelect({ name: 'replaces', label: labels.replaces, hint: i.t('ent.replacesHint'), options: entityOptions(ctx, ref), selected: list(values.replaces), errors, size: 6 })}
          <button type="submit">${i.t('ent.add')}</button>
        </form>
      </section>`,
  });
}

/** Admins add and rename entities, and record successors, from the browser (the same service as the API). */
export function entityPages(app: FastifyInstance, _deps: WebDeps): void {
  app.get('/admin/entities', async (req, reply) => {
    need(req, 'admin');
    const ctx = ctxOf(req);
    const q = req.query as Record<string, unknown>;
    const code = str(q.code);
    const notice = q.added !== undefined ? ctx.i.t('ent.added', { code }) : q.saved !== undefined ? ctx.i.t('ent.saved', { code }) : null;
    return sendPage(req, reply, entitiesPage(ctx, await app.services.reference.get(), {}, {}, notice));
  });

  app.post('/admin/entities', async (req, reply) => {
    const p = need(req, 'admin');
    const ctx = ctxOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const body = { code: str(b.code).toUpperCase(), names: namesOf(b), kind: str(b.kind) || 'other', replaces: list(b.replaces) };
    const parsed = CreateEntityBody.safeParse(body);
    const ref = await app.services.reference.get();
    if (!parsed.success) return sendPage(req, reply, entitiesPage(ctx, ref, zodErrors(ctx.i, parsed.error.issues, { 'names.en': 'names.en' }, body), b), 400);
    try {
      await app.services.entities.create(p, parsed.data);
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return sendPage(req, reply, entitiesPage(ctx, ref, { code: ctx.i.t('ent.exists', { code: body.code }) }, b), 409);
      const e = appErrors(ctx.i, err);
      if (!e) throw err;
      return sendPage(req, reply, entitiesPage(ctx, ref, e, b), 400);
    }
    return reply.redirect(`/admin/entities?added&code=${encodeURIComponent(parsed.data.code)}`, 303);
  });

  app.post('/admin/entities/:code', async (req, reply) => {
    const p = need(req, 'admin');
    const ctx = ctxOf(req);
    const { code } = req.params as { code: string };
    const ref = await app.services.reference.get();
    if (!ref.entityByCode.has(code)) throw new WebError(404, 'error.notFound');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const parsed = UpdateEntityBody.safeParse({ names: namesOf(b), successor: str(b.successor) || null });
    if (!parsed.success) return sendPage(req, reply, entitiesPage(ctx, ref, zodErrors(ctx.i, parsed.error.issues)), 400);
    try {
      await app.services.entities.update(p, code, parsed.data);
    } catch (err) {
      const e = appErrors(ctx.i, err);
      if (!e) throw err;
      return sendPage(req, reply, entitiesPage(ctx, await app.services.reference.get(), e), 400);
    }
    return reply.redirect(`/admin/entities?saved&code=${encodeURIComponent(code)}#entity-${code}`, 303);
  });
}
