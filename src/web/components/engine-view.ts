import type { FastifyInstance } from 'fastify';
import { REPARTABLE, type RequestStatus } from '../../modules/requests/request-lifecycle.js';
import { PartsBody, type RequestView } from '../../modules/requests/requests.schemas.js';
import { UUID_RE } from '../components.js';
import { conceptName } from '../explanation.js';
import { ctxOf, need, sendPage, str, WebError, type Namer, type WebContext } from '../context.js';
import { zodErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, page, textArea, textField, type FieldErrors } from '../layout.js';

/** Paragraphs of a textarea (parts are separated by an empty line). */
const paragraphs = (text: string): string[] => text.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean);

/** The texts the merge/split form starts from: CTED's parts, else the engine's, else the whole description. */
const startingParts = (r: RequestView): string[] => r.ctedParts ?? (r.parts.length ? r.parts.map((p) => p.text) : [r.description]);

/** Whether the signed-in person may merge or split this request now. */
export const canEditParts = (ctx: WebContext, r: RequestView): boolean =>
  (ctx.principal?.role === 'cted' || ctx.principal?.role === 'admin') && REPARTABLE.includes(r.status as RequestStatus);

function partsForm(ctx: WebContext, r: Pick<RequestView, 'id'> & { ctedParts: string[] | null }, text: string, errors: FieldErrors = {}): SafeHtml {
  const { i } = ctx;
  return html`<section class="card" aria-labelledby="h-parts-edit">
    <h2 id="h-parts-edit">${i.t('eng.edit.title')}</h2>
    <form method="post" action="/requests/${r.id}/parts" novalidate>
      ${csrfField(ctx)}
      ${textArea({ name: 'parts', label: i.t('eng.edit.label'), hint: i.t('eng.edit.hint'), value: text, errors, required: true, rows: 8 })}
      ${textField({ name: 'note', label: i.t('eng.edit.note'), optionalText: i.t('form.optional'), errors, attrs: html` maxlength="2000"` })}
      <button type="submit" name="action" value="set">${i.t('eng.edit.submit')}</button>
      ${r.ctedParts ? html` <button type="submit" name="action" value="reset" class="secondary">${i.t('eng.edit.reset')}</button>` : ''}
    </form></section>`;
}

/** One proposal's calibrated confidence, for the match card. */
export const matchConfidence = (ctx: WebContext, m: Pick<RequestView['matches'][number], 'confidence'>): SafeHtml =>
  m.confidence === null ? html`` : html`<p class="muted">${ctx.i.t('eng.match.confidence', { pct: ctx.i.pct(m.confidence) })}</p>`;

/**
 * What the engine decided about a request, in plain words: its area and suggested entity with how sure it
 * is and on which evidence, why it went to CTED's triage (with the next step), its parts with their own
 * entity and offerings, and, for CTED, the form to merge or split it.
 */
export function engineSection(ctx: WebContext, names: Namer, r: RequestView, offeringTitle: (id: string) => string): SafeHtml {
  const { i } = ctx;
  if (!r.matchedAt || !r.confidence) return html``;
  const er = r.engineRouting;
  const topArea = r.thematicAreas[0];
  const current = r.routing?.entity ?? null;
  return html`<section class="card engine-view" aria-labelledby="h-engine">
    <h2 id="h-engine">${i.t('eng.title')}</h2>
    <p class="muted">${i.t('eng.intro')}</p>
    <ul>
      ${topArea && r.triage?.reason !== 'no_area_fits' ? html`<li>${i.t('eng.area', { area: names.area(topArea), pct: i.pct(r.confidence.area) })}</li>` : ''}
      ${er?.entity ? html`<li>${i.t('eng.route', { entity: names.entity(er.entity), pct: i.pct(r.confidence.route) })}
        <br><span class="muted">${er.concept ? i.t('eng.onConcept', { concept: conceptName(er.concept, i.lang) }) : i.t('eng.onArea')}</span></li>` : html`<li>${i.t('eng.noRoute')}</li>`}
      ${current && current !== er?.entity ? html`<li>${i.t('eng.nowWith', { entity: names.entity(current) })}</li>` : ''}
    </ul>
    ${r.triage ? html`<div class="notice" role="status">
      <h3>${i.t('eng.triage.title')}</h3>
      <p>${i.tx('eng.triage', r.triage.reason)}</p>
      <p class="muted">${i.t('eng.triage.confidence', { pct: i.pct(r.triage.confidence) })}</p>
      <p><strong>${i.t('eng.triage.next')}</strong></p></div>` : ''}
    ${r.parts.length ? html`<h3>${i.t('eng.parts.title')}</h3>
      <p class="muted">${r.ctedParts ? i.t('eng.parts.byCted') : i.t('eng.parts.intro')}</p>
      <ol class="parts">${r.parts.map((p) => html`<li data-part="${p.index}">
        <p dir="auto" lang="${r.language}"><strong>${i.t('eng.parts.part', { n: p.index + 1 })}</strong>: ${p.text}</p>
        <p>${p.thematicAreas[0] ? names.area(p.thematicAreas[0].code) : '—'} · ${p.routing.entity ? i.t('eng.parts.entity', { entity: names.entity(p.routing.entity), pct: i.pct(p.confidence.route) }) : i.t('eng.noRoute')}</p>
        ${p.matches.length ? html`<ul>${p.matches.slice(0, 3).map((m) => html`<li>${i.t('eng.parts.match', { title: offeringTitle(m.offeringId), score: i.pct(m.score), pct: i.pct(m.confidence) })}</li>`)}</ul>`
          : html`<p class="muted">${i.t('eng.parts.none')}</p>`}
      </li>`)}</ol>` : r.ctedParts?.length === 1 ? html`<p class="muted" data-parts="merged">${i.t('eng.parts.merged')}</p>` : ''}
  </section>
  ${canEditParts(ctx, r) ? partsForm(ctx, r, startingParts(r).join('\n\n')) : ''}`;
}

/** CTED's merge/split form posts here; the service records it and matching runs again (a job). */
export function enginePages(app: FastifyInstance): void {
  app.post('/requests/:id/parts', async (req, reply) => {
    const p = need(req, 'cted', 'admin');
    const ctx = ctxOf(req);
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const note = str(b.note) || undefined;
    if (str(b.action) === 'reset') {
      await app.services.requests.setParts(p, id, null, note);
      return reply.redirect(`/requests/${id}?parts=reset`, 303);
    }
    const text = typeof b.parts === 'string' ? b.parts : '';
    const parts = paragraphs(text);
    const parsed = PartsBody.safeParse({ parts, ...(note ? { note } : {}) });
    if (!parsed.success) {
      const errors = zodErrors(ctx.i, parsed.error.issues, {}, { parts: text.trim() === '' ? '' : parts });
      if (parts.length > 10) errors.parts = ctx.i.t('eng.edit.tooMany');
      const r = await app.services.requests.view(p, id);
      return sendPage(req, reply, page(ctx, { title: ctx.i.t('eng.edit.title'), body: html`<p><a href="/requests/${id}">← ${r.title}</a></p>${partsForm(ctx, r, text, errors)}` }), 400);
    }
    await app.services.requests.setParts(p, id, parsed.data.parts, parsed.data.note);
    return reply.redirect(`/requests/${id}?parts=set`, 303);
  });
}
