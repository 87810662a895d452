import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { DECLINE_REASONS, LANGS, MODALITIES } from '../../modules/common.schemas.js';
import { CreateOfferingBody, UpdateOfferingBody, type OfferingView } from '../../modules/offerings/offerings.schemas.js';
import type { ReferenceSnapshot } from '../../modules/reference/reference.service.js';
import { ResponseBody } from '../../modules/review/review.schemas.js';
import { areaList, cursorOf, cursorPager, explanationView, matchBadge, offsetOf, pager, statusBadge, UUID_RE } from '../components.js';
import { currencyExponent, minorUnitsToDecimal, parseMajorAmount } from '../../modules/offerings/money.js';
import { ctxOf, list, namer, need, sendPage, str, WebError, type WebContext } from '../context.js';
import { amountStep, currencyOptions, isCurrency, multiSelect, regionOptions, stateOptions } from '../pickers.js';
import { appErrors, detailPlace, detailText, zodErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { badge, choiceGroup, csrfField, errorSummary, page, selectField, textArea, textField, type FieldErrors } from '../layout.js';
import type { WebDeps } from '../web.plugin.js';
import { act, actionNotice, availabilityBadge, backOf, startDeliveryForm } from '../lifecycle.view.js';
import { areaChoices } from './requests.pages.js';
import { exportControl } from './exports.pages.js';
import { providerPublishForm } from './publishing.pages.js';

interface OfferingFormValues {
  title: string; description: string; languages: string[]; modalities: string[]; thematicAreas: string[];
  regions: string[]; countries: string[]; availableFrom: string; availableUntil: string; capacity: string; budgetAmount: string; budgetCurrency: string;
}

const ALIAS = { 'eligibility.regions': 'regions', 'eligibility.countries': 'countries', eligibility: 'regions', budget: 'budgetAmount', 'budget.currency': 'budgetCurrency', 'budget.amount': 'budgetAmount' };
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

function valuesOf(o: OfferingView): OfferingFormValues {
  return {
    title: o.title, description: o.description, languages: o.languages, modalities: o.modalities, thematicAreas: o.thematicAreasInferred ? [] : o.thematicAreas,
    regions: o.eligibility.regions, countries: o.eligibility.countries, availableFrom: day(o.availableFrom), availableUntil: day(o.availableUntil),
    // Stored in minor units; the form shows the amount as a person writes it (80000000 cents → 800000).
    capacity: o.capacity?.toString() ?? '', budgetAmount: o.budget ? minorUnitsToDecimal(o.budget.amount, currencyExponent(o.budget.currency)) : '', budgetCurrency: o.budget?.currency ?? '',
  };
}

function readForm(b: Record<string, unknown>): OfferingFormValues {
  return {
    title: str(b.title), description: str(b.description), languages: list(b.languages), modalities: list(b.modalities), thematicAreas: list(b.thematicAreas),
    regions: list(b.regions), countries: list(b.countries), availableFrom: str(b.availableFrom), availableUntil: str(b.availableUntil),
    capacity: str(b.capacity), budgetAmount: str(b.budgetAmount), budgetCurrency: str(b.budgetCurrency).toUpperCase(),
  };
}

/** Form values to the API body; `forUpdate` turns cleared optional fields into explicit nulls. */
function toBody(i: WebContext['i'], v: OfferingFormValues, forUpdate: boolean): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const int = (s: string, field: string) => {
    if (!s) return undefined;
    if (!/^\d+$/.test(s)) { errors[field] = i.t('v.number'); return undefined; }
    return Number(s);
  };
  const date = (s: string, field: string) => {
    if (!s) return undefined;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(s))) { errors[field] = i.t('v.date'); return undefined; }
    return s;
  };
  const capacity = int(v.capacity, 'capacity');
  const from = date(v.availableFrom, 'availableFrom');
  const until = date(v.availableUntil, 'availableUntil');
  if (from && until && until < from) errors.availableUntil = i.t('v.dateOrder', { from: i.date(from) });
  // The budget as the API takes it: minor units, converted by the same rule as CSV and IATI.
  let budget: { amount: number; currency: string } | undefined;
  if (v.budgetAmount) {
    if (!v.budgetCurrency) errors.budgetCurrency = i.t('v.currencyNeeded');
    else if (!isCurrency(v.budgetCurrency)) errors.budgetCurrency = i.t('v.currency');
    else {
      const amount = parseMajorAmount(v.budgetAmount, v.budgetCurrency);
      const decimals = currencyExponent(v.budgetCurrency);
      if (amount === undefined) errors.budgetAmount = i.t('v.amount', { currency: v.budgetCurrency, decimals, example: decimals ? `12500.${'5'.padEnd(decimals, '0')}` : '12500' });
      else budget = { amount, currency: v.budgetCurrency };
    }
  }
  const clear = forUpdate ? null : undefined;
  const body: Record<string, unknown> = {
    title: v.title, description: v.description, languages: v.languages, modalities: v.modalities, thematicAreas: v.thematicAreas,
    eligibility: { regions: v.regions, countries: v.countries },
    availableFrom: from ?? clear, availableUntil: until ?? clear, capacity: capacity ?? clear,
    budget: budget ?? clear,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return { body, errors };
}

function offeringForm(ctx: WebContext, ref: ReferenceSnapshot, v: OfferingFormValues, action: string, heading: string, errors: FieldErrors = {}): SafeHtml {
  const { i } = ctx;
  const opt = i.t('form.optional');
  const labels: Record<string, string> = {
    title: i.t('off.field.title'), description: i.t('off.field.description'), languages: i.t('off.field.languages'), modalities: i.t('off.field.modalities'),
    thematicAreas: i.t('off.field.areas'), regions: i.t('off.field.regions'), countries: i.t('off.field.countries'), availableFrom: i.t('off.field.from'),
    availableUntil: i.t('off.field.until'), capacity: i.t('off.field.capacity'), budgetAmount: i.t('off.field.budget'), budgetCurrency: i.t('off.field.currency'), _form: i.t('error.title'),
  };
  return page(ctx, {
    title: heading, active: '/offerings',
    body: html`<p><a href="/offerings">← ${i.t('nav.offerings')}</a></p><h1>${heading}</h1>
      ${errorSummary(ctx, errors, labels)}
      <form method="post" action="${action}" class="card" novalidate>
        ${csrfField(ctx)}
        ${textField({ name: 'title', label: labels.title, value: v.title, errors, required: true, attrs: html` maxlength="300"` })}
        ${textArea({ name: 'description', label: labels.description, value: v.description, errors, required: true, rows: 8 })}
        ${choiceGroup({ name: 'languages', label: labels.languages, errors, type: 'checkbox', selected: v.languages, columns: true, options: LANGS.map((l) => ({ value: l, label: i.language(l) })) })}
        ${choiceGroup({ name: 'modalities', label: labels.modalities, errors, type: 'checkbox', selected: v.modalities, optionalText: opt, columns: true, options: MODALITIES.map((m) => ({ value: m, label: i.t(`mod.${m}`) })) })}
        ${areaChoices(ctx, ref, 'thematicAreas', labels.thematicAreas, i.t('off.field.areasHint'), v.thematicAreas, errors)}
        ${multiSelect({ name: 'regions', label: labels.regions, hint: i.t('off.field.regionsHint'), options: regionOptions(ctx, ref), selected: v.regions, errors, optionalText: opt, size: 10 })}
        ${multiSelect({ name: 'countries', label: labels.countries, hint: i.t('off.field.countriesHint'), options: stateOptions(ctx, ref), selected: v.countries, errors, optionalText: opt, size: 10 })}
        <div class="row">
          ${textField({ name: 'availableFrom', label: labels.availableFrom, value: v.availableFrom, errors, type: 'date', optionalText: opt })}
          ${textField({ name: 'availableUntil', label: labels.availableUntil, value: v.availableUntil, errors, type: 'date', optionalText: opt })}
        </div>
        <div class="row">
          ${textField({ name: 'capacity', label: labels.capacity, value: v.capacity, errors, type: 'number', optionalText: opt, attrs: html` min="1" step="1" inputmode="numeric"` })}
          ${textField({ name: 'budgetAmount', label: labels.budgetAmount, value: v.budgetAmount, errors, type: 'number', optionalText: opt, attrs: html` min="0" step="${amountStep(v.budgetCurrency)}" inputmode="decimal"` })}
          ${selectField({ name: 'budgetCurrency', label: labels.budgetCurrency, value: v.budgetCurrency, errors, options: [{ value: '', label: '—' }, ...currencyOptions(ctx, v.budgetCurrency)] })}
        </div>
        <button type="submit">${i.t('form.save')}</button> <a href="/offerings">${i.t('form.cancel')}</a>
      </form>`,
  });
}

/** What an upload came to: the counts, or every problem already in the user's language with its line. */
type UploadOutcome =
  | { ok: true; created: number; updated: number }
  | { ok: false; status: number; message: string; problems: { line: number | null; row: number | null; field: string; problem: string }[] };

/** The outcome of an import call: counts, or a refusal turned into problems a person can act on. */
async function runImport(ctx: WebContext, work: () => Promise<{ created: number; updated: number }>): Promise<UploadOutcome> {
  try {
    const r = await work();
    return { ok: true, created: r.created, updated: r.updated };
  } catch (err) {
    if (!(err instanceof AppError) || err.statusCode >= 500) throw err;
    const problems = err.details.map((d) => ({ ...detailPlace(d), problem: detailText(ctx.i, d) }));
    return { ok: false, status: err.statusCode, message: problems.length ? ctx.i.t('imp.failedAt', { n: problems.length }) : err.message, problems };
  }
}

function uploadPage(ctx: WebContext, result?: UploadOutcome): SafeHtml {
  const { i } = ctx;
  const outcome = !result ? '' : result.ok
    ? html`<div class="notice" role="status" id="upload-done">${i.t('up.done', { created: result.created, updated: result.updated })}</div>`
    : html`<div class="error-summary" role="alert"><p><strong>${result.message}</strong></p></div>`;
  const problems = result && !result.ok ? result.problems : [];
  return page(ctx, {
    title: i.t('up.title'), active: '/offerings/upload', scripts: ['/static/upload.js'],
    body: html`<h1>${i.t('up.title')}</h1>
      <p class="lead">${i.t('up.intro')}</p>
      <p class="muted">${i.t('up.columns')}</p>
      <form method="post" action="/offerings/upload" class="card" id="upload-form" novalidate
        data-msg-uploading="${i.t('up.uploading')}" data-msg-processing="${i.t('up.processing')}" data-msg-done="${i.t('up.done')}"
        data-msg-failed="${i.t('up.failed')}" data-msg-empty="${i.t('up.empty')}" data-msg-network="${i.t('up.network')}"
        data-msg-row="${i.t('imp.row')}" data-msg-file="${i.t('imp.file')}"
        data-col-row="${i.t('imp.line')}" data-col-field="${i.t('col.field')}" data-col-problem="${i.t('col.problem')}">
        ${csrfField(ctx)}
        ${choiceGroup({ name: 'format', label: i.t('up.format'), type: 'radio', selected: ['csv'], options: [{ value: 'csv', label: i.t('up.csv') }, { value: 'iati', label: i.t('up.iati') }] })}
        ${textField({ name: 'file', label: i.t('up.file'), type: 'file', attrs: html` accept=".csv,.xml,text/csv,application/xml,text/xml"` })}
        ${textArea({ name: 'content', label: i.t('up.paste'), rows: 6, attrs: html` spellcheck="false"` })}
        <button type="submit">${i.t('up.submit')}</button>
        <div class="progress" id="upload-progress" hidden>
          <label for="upload-bar">${i.t('up.progress')}</label>
          <progress id="upload-bar" max="100" value="0"></progress>
          <p id="upload-status" role="status" aria-live="polite"></p>
        </div>
      </form>
      <div id="upload-result" aria-live="polite">${outcome}
        ${problems.length ? html`<table class="data errors" id="upload-errors"><caption>${i.t('up.failed', { n: problems.length })}</caption>
          <thead><tr><th scope="col">${i.t('imp.line')}</th><th scope="col">${i.t('col.field')}</th><th scope="col">${i.t('col.problem')}</th></tr></thead>
          <tbody>${problems.map((d) => html`<tr><td>${d.line ?? (d.row === null ? i.t('imp.file') : i.t('imp.row', { row: d.row }))}</td><td><code>${d.field}</code></td><td>${d.problem}</td></tr>`)}</tbody></table>` : ''}
      </div>`,
  });
}

/** Providers: their offerings, the bulk upload, freshness, and the inbox of forwarded matches. */
export function offeringPages(app: FastifyInstance, _deps: WebDeps): void {
  app.get('/offerings', async (req, reply) => {
    const p = need(req, 'provider');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const offset = offsetOf(req.query);
    const q = req.query as Record<string, unknown>;
    const [ref, res, pending] = await Promise.all([app.services.reference.get(), app.services.offerings.list(p, { limit: 50, offset }), app.services.registrations.providerPending(p.providerId ?? '')]);
    const names = namer(ref, i);
    const notice = q.saved ? i.t('off.saved') : q.confirmed ? i.t('off.confirmed') : null;
    return sendPage(req, reply, page(ctx, {
      title: i.t('off.list.title'), active: '/offerings', notice, wide: true,
      body: html`<h1>${i.t('off.list.title')}</h1>
        ${pending ? html`<p class="notice" role="status" id="pending-approval">${i.t('reg.pending.banner')}</p>` : ''}
        <p><a class="button" href="/offerings/new">${i.t('off.new')}</a> <a class="button secondary" href="/offerings/upload">${i.t('nav.upload')}</a></p>
        ${exportControl(app, ctx, 'offerings')}
        ${res.items.length === 0 ? html`<p>${i.t('off.list.empty')}</p>` : html`<table class="data">
          <thead><tr><th scope="col">${i.t('col.title')}</th><th scope="col">${i.t('col.areas')}</th><th scope="col">${i.t('col.languages')}</th><th scope="col">${i.t('col.status')}</th><th scope="col">${i.t('col.confirmed')}</th><th scope="col">${i.t('col.actions')}</th></tr></thead>
          <tbody>${res.items.map((o) => html`<tr>
            <td dir="auto">${o.title}</td>
            <td>${areaList(names, o.thematicAreas)}</td>
            <td>${o.languages.map((l) => i.language(l)).join(', ')}</td>
            <td>${badge(i.t(o.status === 'open' ? 'off.status.open' : 'off.status.closed'), o.status)} ${availabilityBadge(ctx, o)}</td>
            <td>${i.date(o.lastConfirmedAt)}</td>
            <td class="actions"><a href="/offerings/${o.id}/edit">${i.t('off.editLink')}<span class="sr-only">: ${o.title}</span></a> <a href="/offerings/${o.id}/documents">${i.t('docs.programme.title')}<span class="sr-only">: ${o.title}</span></a>
              <form method="post" action="/offerings/${o.id}/confirm" class="inline">${csrfField(ctx)}<button type="submit" class="small secondary">${i.t('off.confirm')}<span class="sr-only">: ${o.title}</span></button></form></td>
          </tr>`)}</tbody></table>`}
        ${pager(ctx, '/offerings', offset, 50, res.nextOffset)}
        ${providerPublishForm(ctx, await app.services.publishing.providerConsent(p.providerId!))}`,
    }));
  });

  app.get('/offerings/new', async (req, reply) => {
    need(req, 'provider');
    const ctx = ctxOf(req);
    const ref = await app.services.reference.get();
    const empty: OfferingFormValues = { title: '', description: '', languages: [ctx.i.lang], modalities: [], thematicAreas: [], regions: [], countries: [], availableFrom: '', availableUntil: '', capacity: '', budgetAmount: '', budgetCurrency: '' };
    return sendPage(req, reply, offeringForm(ctx, ref, empty, '/offerings', ctx.i.t('off.new')));
  });

  app.post('/offerings', async (req, reply) => {
    const p = need(req, 'provider');
    const ctx = ctxOf(req);
    const ref = await app.services.reference.get();
    const v = readForm((req.body ?? {}) as Record<string, unknown>);
    const { body, errors } = toBody(ctx.i, v, false);
    const parsed = CreateOfferingBody.safeParse(body);
    const all = { ...(parsed.success ? {} : zodErrors(ctx.i, parsed.error.issues, ALIAS, body)), ...errors };
    if (!parsed.success || Object.keys(errors).length) return sendPage(req, reply, offeringForm(ctx, ref, v, '/offerings', ctx.i.t('off.new'), all), 400);
    try {
      await app.services.offerings.create(p, parsed.data, { source: 'web' });
    } catch (err) {
      const e = appErrors(ctx.i, err, ALIAS);
      if (!e) throw err;
      return sendPage(req, reply, offeringForm(ctx, ref, v, '/offerings', ctx.i.t('off.new'), e), 400);
    }
    return reply.redirect('/offerings?saved=1', 303);
  });

  const owned = async (req: FastifyRequest) => {
    const p = need(req, 'provider');
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const o = await app.services.offerings.get(id);
    if (o.providerId !== p.providerId) throw new WebError(404, 'error.notFound');
    return { p, o };
  };

  app.get('/offerings/:id/edit', async (req, reply) => {
    const { o } = await owned(req);
    const ctx = ctxOf(req);
    const ref = await app.services.reference.get();
    return sendPage(req, reply, offeringForm(ctx, ref, valuesOf(o), `/offerings/${o.id}/edit`, ctx.i.t('off.edit')));
  });

  app.post('/offerings/:id/edit', async (req, reply) => {
    const { p, o } = await owned(req);
    const ctx = ctxOf(req);
    const ref = await app.services.reference.get();
    const v = readForm((req.body ?? {}) as Record<string, unknown>);
    const { body, errors } = toBody(ctx.i, v, true);
    const parsed = UpdateOfferingBody.safeParse(body);
    const action = `/offerings/${o.id}/edit`;
    const all = { ...(parsed.success ? {} : zodErrors(ctx.i, parsed.error.issues, ALIAS, body)), ...errors };
    if (!v.languages.length) all.languages = ctx.i.t('v.chooseOne');
    if (!parsed.success || Object.keys(all).length) return sendPage(req, reply, offeringForm(ctx, ref, v, action, ctx.i.t('off.edit'), all), 400);
    try {
      await app.services.offerings.update(p, o.id, parsed.data);
    } catch (err) {
      const e = appErrors(ctx.i, err, ALIAS);
      if (!e) throw err;
      return sendPage(req, reply, offeringForm(ctx, ref, v, action, ctx.i.t('off.edit'), e), 400);
    }
    return reply.redirect('/offerings?saved=1', 303);
  });

  app.post('/offerings/:id/confirm', async (req, reply) => {
    const { p, o } = await owned(req);
    await app.services.offerings.confirm(p, o.id);
    return reply.redirect('/offerings?confirmed=1', 303);
  });

  app.get('/offerings/upload', { config: { long: true } }, async (req, reply) => {
    need(req, 'provider');
    return sendPage(req, reply, uploadPage(ctxOf(req)));
  });

  /**
   * The browser sends the file here (session + CSRF); the page calls the offerings service, as the API's
   * import routes do: one parser, one set of checks, and the problems said in the user's language with
   * the file's line numbers. The script's XHR gets JSON; a form post without script gets the page.
   */
  app.post('/offerings/upload', { config: { long: true }, bodyLimit: 5 * 1024 * 1024 }, async (req, reply) => {
    const p = need(req, 'provider');
    const ctx = ctxOf(req);
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const fromForm = type === 'application/x-www-form-urlencoded';
    const b = (fromForm ? req.body ?? {} : {}) as Record<string, unknown>;
    const content = fromForm ? str(b.content) : typeof req.body === 'string' ? req.body : '';
    const q = req.query as Record<string, unknown>;
    const format = (fromForm ? str(b.format) : str(q.format)) === 'iati' || /xml/.test(type) ? 'iati' : 'csv';
    const result: UploadOutcome = !content.trim()
      ? { ok: false, status: 400, message: ctx.i.t('up.empty'), problems: [] }
      : await runImport(ctx, () => (format === 'iati'
        ? app.services.offerings.importIati(p, p.providerId!, content)
        : app.services.offerings.importCsv(p, p.providerId!, content)));
    if (!fromForm) {
      return result.ok
        ? reply.code(201).send({ created: result.created, updated: result.updated })
        : reply.code(result.status).send({ error: { code: 'upload_refused', message: result.message, details: result.problems } });
    }
    return sendPage(req, reply, uploadPage(ctx, result), result.ok ? 200 : result.status);
  });

  app.get('/inbox', async (req, reply) => {
    const p = need(req, 'provider');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const cursor = cursorOf(req.query);
    const [ref, { items, nextCursor }] = await Promise.all([app.services.reference.get(), app.services.review.providerInbox(p, { cursor })]);
    const names = namer(ref, i);
    const titles = new Map<string, string>();
    await Promise.all([...new Set(items.map((x) => x.offeringId))].map(async (id) => {
      try { titles.set(id, (await app.services.offerings.get(id)).title); } catch { /* gone */ }
    }));
    const q = req.query as Record<string, unknown>;
    const { notice, problem } = actionNotice(ctx, q);
    return sendPage(req, reply, page(ctx, {
      title: i.t('inbox.title'), active: '/inbox', notice: notice ?? (q.done !== undefined ? i.t('inbox.done') : null),
      body: html`<h1>${i.t('inbox.title')}</h1><p class="lead">${i.t('inbox.intro')}</p>${problem}
        ${exportControl(app, ctx, 'inbox')}
        ${items.length === 0 ? html`<p>${i.t('inbox.empty')}</p>` : items.map((m) => html`<article class="card" aria-labelledby="i-${m.matchId}" data-match="${m.matchId}" data-status="${m.status}">
          <h2 id="i-${m.matchId}"><a href="/requests/${m.requestId}" dir="auto">${m.title}</a></h2>
          <p class="muted">${names.state(m.memberState)} · ${statusBadge(ctx, m.requestStatus)} · ${matchBadge(ctx, m.status)}</p>
          <p><strong>${i.t('col.offering')}:</strong> <span dir="auto">${titles.get(m.offeringId) ?? ''}</span> · ${i.t('req.view.overall', { pct: i.pct(m.score) })}</p>
          <p class="prewrap" dir="auto">${m.description}</p>
          <details><summary>${i.t('req.view.why')}</summary>${explanationView(ctx, names, m.explanation, { score: m.score, audience: 'provider' })}</details>
          ${['approved', 'forwarded'].includes(m.status) ? html`<div class="row">
            <form method="post" action="/inbox/${m.matchId}">${csrfField(ctx)}<input type="hidden" name="decision" value="accept">
              <button type="submit">${i.t('inbox.accept')}<span class="sr-only">: ${m.title}</span></button></form>
            <form method="post" action="/inbox/${m.matchId}" class="decline">${csrfField(ctx)}<input type="hidden" name="decision" value="decline">
              ${selectField({ name: `reason-${m.matchId}`, label: i.t('inbox.reason'), options: DECLINE_REASONS.map((r) => ({ value: r, label: i.t(`reason.${r}`) })) })}
              ${textField({ name: `note-${m.matchId}`, label: i.t('inbox.note'), optionalText: i.t('form.optional') })}
              <button type="submit" class="secondary">${i.t('inbox.decline')}<span class="sr-only">: ${m.title}</span></button></form>
          </div>` : ''}
          ${m.canStartDelivery ? html`<p class="next">${i.t('lc.inbox.next')}</p>${startDeliveryForm(ctx, m.requestId, '/inbox')}` : ''}
          ${m.status === 'not_needed' ? html`<p class="muted">${i.t('lc.inbox.notNeeded')}</p>` : ''}
        </article>`)}
        ${cursorPager(ctx, '/inbox', cursor, nextCursor)}`,
    }));
  });

  app.post('/inbox/:id', async (req, reply) => {
    const p = need(req, 'provider');
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const decision = str(b.decision);
    const parsed = ResponseBody.safeParse({
      decision, ...(decision === 'decline' ? { reason: str(b[`reason-${id}`]) || 'other' } : {}),
      ...(str(b[`note-${id}`]) ? { note: str(b[`note-${id}`]) } : {}),
    });
    if (!parsed.success) throw new WebError(409, 'error.conflict');
    if (b.back !== undefined) return act(reply, backOf(b.back, '/inbox'), 'answered', () => app.services.review.respond(p, id, parsed.data));
    await app.services.review.respond(p, id, parsed.data);
    return reply.redirect('/inbox?done=1', 303);
  });
}
