import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DECLINE_REASONS, LANGS, MODALITIES } from '../../modules/common.schemas.js';
import { DirectoryQuery } from '../../modules/directory/directory.schemas.js';
import { OPEN_STATUSES, UNANSWERED_STATUSES } from '../../modules/requests/request-lifecycle.js';
import { CreateRequestBody, FeedbackBody, type RequestView } from '../../modules/requests/requests.schemas.js';
import type { ReferenceSnapshot } from '../../modules/reference/reference.service.js';
import { areaList, explanationView, matchBadge, offsetOf, pager, statusBadge, UUID_RE, type Audience } from '../components.js';
import { engineSection, matchConfidence } from '../components/engine-view.js';
import { ctxOf, list, namer, need, sendPage, str, WebError, type Namer, type WebContext } from '../context.js';
import { appErrors, zodErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { choiceGroup, csrfField, errorSummary, page, selectField, textArea, textField, type FieldErrors } from '../layout.js';
import { filtersQuery, readRequestFilters, requestFilterBar, STAGES } from '../request-filters.js';
import type { WebDeps } from '../web.plugin.js';
import { act, actionNotice, attachPanel, ctedActions, decisionFields, decisionFooter, duplicatesSection, historyTable, matchReasons, nextStepBox, startDeliveryForm } from '../lifecycle.view.js';
import { webServices } from '../optional-services.js';
import { attachmentNote, requestTalk } from '../talk.view.js';

const PILLARS = ['I', 'II', 'III', 'IV'] as const;

/** The values of the request form as typed (re-shown when there are problems). */
interface RequestFormValues {
  title: string; description: string; language: string; thematicAreas: string[]; modalities: string[];
  urgency: string; confidentiality: string; consent: boolean; idem: string;
}

/** Thematic-area checkboxes grouped by pillar of the Global Counter-Terrorism Strategy. */
export function areaChoices(ctx: WebContext, ref: ReferenceSnapshot, name: string, label: string, hint: string, selected: string[], errors: FieldErrors) {
  const names = namer(ref, ctx.i);
  return choiceGroup({
    name, label, hint, errors, type: 'checkbox', selected, optionalText: ctx.i.t('form.optional'), columns: true,
    options: ref.areas.map((a) => ({ value: a.code, label: names.area(a.code) })),
    groups: PILLARS.map((p) => ({ legend: ctx.i.t(`pillar.${p}`), values: ref.areas.filter((a) => a.pillar === p).map((a) => a.code) })).filter((g) => g.values.length),
  });
}

function requestForm(ctx: WebContext, ref: ReferenceSnapshot, v: RequestFormValues, errors: FieldErrors = {}): SafeHtml {
  const { i } = ctx;
  const labels: Record<string, string> = {
    title: i.t('req.field.title'), description: i.t('req.field.description'), language: i.t('req.field.language'),
    thematicAreas: i.t('req.field.areas'), modalities: i.t('req.field.modalities'), urgency: i.t('req.field.urgency'),
    confidentiality: i.t('req.field.confidentiality'), consentToShare: i.t('req.field.consent'), _form: i.t('error.title'),
  };
  return page(ctx, {
    title: i.t('req.new.title'),
    active: '/requests/new',
    body: html`<h1>${i.t('req.new.title')}</h1>
      <p class="lead">${i.t('req.new.intro')}</p>
      ${errorSummary(ctx, errors, labels)}
      <form method="post" action="/requests" class="card" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="idem" value="${v.idem}">
        ${textField({ name: 'title', label: labels.title, hint: i.t('req.field.titleHint'), value: v.title, errors, required: true, attrs: html` maxlength="300"` })}
        ${textArea({ name: 'description', label: labels.description, hint: i.t('req.field.descriptionHint'), value: v.description, errors, required: true, rows: 8 })}
        ${selectField({
          name: 'language', label: labels.language, value: v.language, errors,
          options: [{ value: '', label: i.t('req.field.languageAuto') }, ...LANGS.map((l) => ({ value: l, label: i.language(l) }))],
        })}
        ${areaChoices(ctx, ref, 'thematicAreas', labels.thematicAreas, i.t('req.field.areasHint'), v.thematicAreas, errors)}
        ${choiceGroup({ name: 'modalities', label: labels.modalities, errors, type: 'checkbox', selected: v.modalities, optionalText: i.t('form.optional'), columns: true, options: MODALITIES.map((m) => ({ value: m, label: i.t(`mod.${m}`) })) })}
        ${choiceGroup({ name: 'urgency', label: labels.urgency, errors, type: 'radio', selected: [v.urgency], options: (['low', 'normal', 'high'] as const).map((u) => ({ value: u, label: i.t(`urgency.${u}`) })) })}
        ${choiceGroup({
          name: 'confidentiality', label: labels.confidentiality, errors, type: 'radio', selected: [v.confidentiality],
          options: (['public', 'task_force', 'restricted'] as const).map((c) => ({ value: c, label: i.t(`conf.${c}`), hint: i.t(`conf.${c}Hint`) })),
        })}
        ${choiceGroup({ name: 'consentToShare', label: labels.consentToShare, errors, type: 'checkbox', selected: v.consent ? ['yes'] : [], options: [{ value: 'yes', label: i.t('req.field.consentLabel') }] })}
        <button type="submit">${i.t('req.submit')}</button>
      </form>`,
  });
}

function matchCard(ctx: WebContext, names: Namer, m: RequestView['matches'][number], providerName: string, r: Pick<RequestView, 'urgency' | 'modalities'>, audience: Audience, extra: SafeHtml = html``): SafeHtml {
  const { i } = ctx;
  return html`<article class="match card" aria-labelledby="m-${m.id}" data-match="${m.id}" data-status="${m.status}">
    <header><h3 id="m-${m.id}">${i.t('req.view.match', { rank: m.rank })}: <span dir="auto">${m.offeringTitle}</span></h3>
      <p class="muted">${providerName} · ${matchBadge(ctx, m.status)}</p></header>
    ${m.origin === 'engine' ? html`<p><strong>${i.t('req.view.overall', { pct: i.pct(m.score) })}</strong></p>` : ''}
    ${m.origin === 'engine' ? matchConfidence(ctx, m) : ''}
    ${matchReasons(ctx, m)}
    ${m.origin === 'engine' ? html`<h4>${i.t('req.view.why')}</h4>
    ${explanationView(ctx, names, m.explanation, { score: m.score, audience, urgency: r.urgency, modalitiesAsked: r.modalities.length })}` : ''}
    ${attachmentNote(ctx, m.explanation)}
    ${extra}
  </article>`;
}

/** A member state's requests: file, follow, withdraw, complete with feedback. CTED and entities can read them. */
export function requestPages(app: FastifyInstance, _deps: WebDeps): void {
  app.get('/requests', async (req, reply) => {
    const p = need(req, 'member_state', 'cted', 'admin', 'entity');
    const ctx = ctxOf(req);
    const { i } = ctx;
    const offset = offsetOf(req.query);
    const ref = await app.services.reference.get();
    const f = readRequestFilters(req.query as Record<string, unknown>, ref);
    const res = await app.services.requests.list(p, {
      limit: 50, offset, statuses: STAGES[f.stage], ...(f.q ? { q: f.q } : {}), ...(f.thematicArea ? { thematicArea: f.thematicArea } : {}),
      ...(f.urgency ? { urgency: f.urgency } : {}), ...(f.memberState ? { memberState: f.memberState } : {}),
    });
    const names = namer(ref, i);
    const filtered = filtersQuery(f) !== '';
    const heading = p.role === 'member_state' && p.memberState ? i.t('req.list.mine', { state: names.state(p.memberState) }) : i.t('req.list.title');
    return sendPage(req, reply, page(ctx, {
      title: heading, active: '/requests', wide: true,
      body: html`<h1>${heading}</h1>
        ${p.role === 'member_state' ? html`<p><a class="button" href="/requests/new">${i.t('nav.newRequest')}</a></p>` : ''}
        ${requestFilterBar(ctx, ref, p, f)}
        ${res.items.length === 0 ? html`<p>${i.t(filtered ? 'pic.noResults' : 'req.list.empty')}</p>` : html`
        <p class="muted" role="status">${i.t('pic.results', { n: res.items.length })}</p>
        <table class="data">
          <thead><tr><th scope="col">${i.t('col.title')}</th>${p.role !== 'member_state' ? html`<th scope="col">${i.t('col.state')}</th>` : ''}<th scope="col">${i.t('col.status')}</th><th scope="col">${i.t('col.areas')}</th><th scope="col">${i.t('col.urgency')}</th><th scope="col">${i.t('col.submitted')}</th></tr></thead>
          <tbody>${res.items.map((r) => html`<tr>
            <td><a href="/requests/${r.id}">${r.title}</a></td>
            ${p.role !== 'member_state' ? html`<td>${names.state(r.memberState)}</td>` : ''}
            <td>${statusBadge(ctx, r.status)}</td>
            <td>${areaList(names, r.thematicAreas)}</td>
            <td>${i.tx('urgency', r.urgency)}</td>
            <td>${i.date(r.submittedAt)}</td></tr>`)}</tbody>
        </table>`}
        ${pager(ctx, `/requests${filtered ? `?${filtersQuery(f)}` : ''}`, offset, 50, res.nextOffset)}`,
    }));
  });

  app.get('/requests/new', async (req, reply) => {
    need(req, 'member_state');
    const ctx = ctxOf(req);
    const ref = await app.services.reference.get();
    return sendPage(req, reply, requestForm(ctx, ref, {
      title: '', description: '', language: ctx.i.lang, thematicAreas: [], modalities: [], urgency: 'normal', confidentiality: 'task_force', consent: true, idem: randomUUID(),
    }));
  });

  app.post('/requests', async (req, reply) => {
    const p = need(req, 'member_state');
    const ctx = ctxOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const v: RequestFormValues = {
      title: str(b.title), description: str(b.description), language: str(b.language), thematicAreas: list(b.thematicAreas), modalities: list(b.modalities),
      urgency: str(b.urgency) || 'normal', confidentiality: str(b.confidentiality) || 'task_force', consent: list(b.consentToShare).includes('yes'),
      idem: /^[\w-]{8,64}$/.test(str(b.idem)) ? str(b.idem) : randomUUID(),
    };
    const ref = await app.services.reference.get();
    const input = {
      title: v.title, description: v.description, ...(v.language ? { language: v.language } : {}),
      thematicAreas: v.thematicAreas, modalities: v.modalities, urgency: v.urgency, confidentiality: v.confidentiality, consentToShare: v.consent,
    };
    const parsed = CreateRequestBody.safeParse(input);
    if (!parsed.success) return sendPage(req, reply, requestForm(ctx, ref, v, zodErrors(ctx.i, parsed.error.issues, {}, input)), 400);
    // A contributor's filing is kept as a draft of the organisation, for a focal point to file (src/modules/people).
    if (p.memberRole === 'contributor') {
      await app.services.people.saveDraft(p, parsed.data as Record<string, unknown>, parsed.data.title);
      return reply.redirect('/requests/drafts?saved', 303);
    }
    try {
      // The form's one-time key makes a double click or a resubmitted page file one request, not two.
      const created = await app.services.requests.submit(p, parsed.data, `web-${v.idem}`);
      return reply.redirect(`/requests/${created.id}?filed=1`, 303);
    } catch (err) {
      const errors = appErrors(ctx.i, err);
      if (!errors) throw err;
      return sendPage(req, reply, requestForm(ctx, ref, v, errors), 400);
    }
  });

  app.get('/requests/:id', async (req, reply) => {
    const p = need(req);
    const ctx = ctxOf(req);
    const { i } = ctx;
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const q = req.query as Record<string, unknown>;
    const [ref, r] = await Promise.all([app.services.reference.get(), app.services.requests.view(p, id)]);
    const names = namer(ref, i);
    // Titles of the offerings the request's parts propose (the request's own matches carry theirs).
    const offeringTitles = new Map<string, string>(r.matches.map((m) => [m.offeringId, m.offeringTitle]));
    await Promise.all([...new Set(r.parts.flatMap((x) => x.matches.slice(0, 3).map((m) => m.offeringId)))].filter((oid) => !offeringTitles.has(oid)).map(async (oid) => {
      try { offeringTitles.set(oid, (await app.services.offerings.get(oid)).title); } catch { /* closed or gone: keep the id */ }
    }));
    const providers = new Map((await app.services.admin.listProviders()).map((x) => [x.id, x.name]));
    const here = `/requests/${r.id}`;
    const owner = p.role === 'member_state' && p.memberState === r.memberState;
    const cted = p.role === 'cted' || p.role === 'admin';
    const routedHere = p.role === 'entity' && !!r.routing && p.entity === r.routing.entity;
    const open = (OPEN_STATUSES as readonly string[]).includes(r.status);
    const unanswered = (UNANSWERED_STATUSES as readonly string[]).includes(r.status);
    const visibleMatches = r.matches.filter((m) => !['superseded'].includes(m.status));
    const proposed = visibleMatches.filter((m) => m.status === 'proposed');
    const deciding = cted && unanswered && proposed.length > 0;
    const { notice: done, problem } = actionNotice(ctx, q);
    const notice = done ?? (q.filed ? i.t('req.submitted') : q.withdrawn ? i.t('req.view.withdrawn') : q.completed ? i.t('req.view.completed')
      : q.parts === 'set' ? i.t('eng.edit.done') : q.parts === 'reset' ? i.t('eng.edit.resetDone') : null);
    const reload = !r.matchedAt && r.status === 'submitted';
    const dueDays = app.deps.config.ENTITY_DUE_DAYS;

    // CTED's directory search for an offering to attach: proposable offerings the state is eligible for.
    const words = str(q.q).slice(0, 300);
    const results = cted && unanswered && words ? (await webServices(app).directory.search(DirectoryQuery.parse({ q: words, country: r.memberState, limit: 10 }))).items : null;

    const providerOwn = (m: RequestView['matches'][number]) => p.role === 'provider' && m.providerId === p.providerId;
    const cardExtra = (m: RequestView['matches'][number]): SafeHtml => {
      if (deciding && m.status === 'proposed') return decisionFields(ctx, m);
      if (routedHere && r.status === 'routed' && ['approved', 'proposed'].includes(m.status)) {
        return html`<form method="post" action="/entity/${r.id}/action" class="inline forward">${csrfField(ctx)}
          <input type="hidden" name="action" value="forward"><input type="hidden" name="matchId" value="${m.id}"><input type="hidden" name="back" value="${here}">
          <button type="submit" class="small">${i.t('entity.forward')}<span class="sr-only">: ${m.offeringTitle}</span></button></form>`;
      }
      if (providerOwn(m) && ['approved', 'forwarded'].includes(m.status) && r.status === 'routed') return providerAnswer(ctx, m, here);
      return html``;
    };
    const audience: Audience = owner ? 'state' : p.role === 'provider' ? 'provider' : 'cted';
    const cards = visibleMatches.map((m) => matchCard(ctx, names, m, providers.get(m.providerId) ?? '', r, audience, cardExtra(m)));
    const canStart = r.status === 'accepted' && (cted || routedHere || r.matches.some((m) => m.status === 'accepted' && providerOwn(m)));

    return sendPage(req, reply, page(ctx, {
      title: r.title, active: p.role === 'cted' || p.role === 'admin' ? '/triage' : '/requests', notice,
      body: html`<p><a href="${cted ? '/triage' : p.role === 'provider' ? '/inbox' : p.role === 'entity' ? '/entity' : '/requests'}">← ${i.t(cted ? 'nav.triage' : p.role === 'provider' ? 'nav.inbox' : p.role === 'entity' ? 'nav.entity' : 'nav.requests')}</a></p>
        ${problem}
        <h1 dir="auto">${r.title}</h1>
        <p>${statusBadge(ctx, r.status)} ${r.routing ? html`<span>${i.t('req.view.routing', { entity: names.entity(r.routing.entity) })}</span>` : ''}</p>
        ${nextStepBox(ctx, names, r)}
        ${r.parked ? html`<p class="notice parked" role="status">${i.t('lc.parked', { date: i.date(r.parked.at), reason: r.parked.reason ?? '' })}</p>` : ''}
        <section class="card" aria-labelledby="h-details">
          <h2 id="h-details">${i.t('req.view.details')}</h2>
          <p class="prewrap" dir="auto" lang="${r.language}">${r.description}</p>
          <dl class="facts">
            <dt>${i.t('col.state')}</dt><dd>${names.state(r.memberState)}</dd>
            <dt>${i.t('col.areas')}</dt><dd>${areaList(names, r.thematicAreas) || '—'}</dd>
            <dt>${i.t('req.field.modalities')}</dt><dd>${r.modalities.map((m) => i.tx('mod', m)).join(', ') || '—'}</dd>
            <dt>${i.t('req.field.urgency')}</dt><dd>${i.tx('urgency', r.urgency)}</dd>
            <dt>${i.t('req.field.confidentiality')}</dt><dd>${i.tx('conf', r.confidentiality)}</dd>
            <dt>${i.t('req.field.language')}</dt><dd>${i.language(r.language)}</dd>
            <dt>${i.t('col.submitted')}</dt><dd>${i.date(r.submittedAt)}</dd>
          </dl>
          ${r.linkedNeeds.length ? html`<p>${i.t('req.view.linkedNeeds', { n: r.linkedNeeds.length })}</p>` : ''}
          ${r.feedback ? html`<p>${i.t('req.view.feedbackGiven', { outcome: i.tx('outcome', r.feedback.outcome) })}${r.feedback.comment ? html` <q>${r.feedback.comment}</q>` : ''}</p>` : ''}
        </section>
        ${engineSection(ctx, names, r, (oid) => offeringTitles.get(oid) ?? oid)}
        ${duplicatesSection(ctx, r, here)}
        <section aria-labelledby="h-matches" id="matches">
          <h2 id="h-matches">${i.t('req.view.matches')}</h2>
          ${reload ? html`<p class="notice" role="status">${i.t('req.view.waiting')}</p>`
            : visibleMatches.length === 0 ? html`<p>${i.t('req.view.noMatches')}</p>`
            : deciding ? html`<form method="post" action="/requests/${r.id}/decide" id="decide-form" novalidate>
                ${csrfField(ctx)}
                <p class="lead">${i.t('lc.decide.intro')}</p>
                ${cards}
                <fieldset class="card"><legend>${i.t('lc.decide.title')}</legend>${decisionFooter(ctx, ref, here)}</fieldset>
              </form>`
            : cards}
          ${p.role === 'provider' && r.matches.some((m) => providerOwn(m) && ['approved', 'forwarded'].includes(m.status)) ? html`<p><a href="/inbox">${i.t('lc.provider.answerInInbox')}</a></p>` : ''}
        </section>
        ${cted && unanswered ? ctedActions(ctx, ref, names, { id: r.id, routedEntity: r.routing?.entity ?? null, parked: !!r.parked }, {
          back: here, dueDays,
          attach: attachPanel(ctx, ref, { id: r.id, routedEntity: r.routing?.entity ?? null }, {
            back: here, searchAction: here, q: words, results, attachedIds: new Set(r.matches.filter((m) => ['approved', 'forwarded', 'accepted', 'declined'].includes(m.status)).map((m) => m.offeringId)),
          }),
        }) : ''}
        ${routedHere && r.status === 'routed' ? entityPanel(ctx, names, r.id, r.routing!.entity, here) : ''}
        ${canStart ? html`<section class="card" aria-labelledby="h-delivery"><h2 id="h-delivery" class="h3">${i.t('lc.delivery.start')}</h2>${startDeliveryForm(ctx, r.id, here)}</section>` : ''}
        ${await requestTalk(app, req, ctx, r.id, { names, providers })}
        ${owner && r.status === 'in_delivery' ? feedbackForm(ctx, r.id) : ''}
        ${owner && open ? consentForm(ctx, r.id, r.consentToShare) : ''}
        ${owner && open ? html`<section class="card danger-zone" aria-labelledby="h-withdraw">
          <h2 id="h-withdraw">${i.t('req.view.withdraw')}</h2>
          <form method="post" action="/requests/${r.id}/withdraw">
            ${csrfField(ctx)}
            ${textField({ name: 'reason', label: i.t('req.view.withdrawReason'), optionalText: i.t('form.optional'), attrs: html` maxlength="2000"` })}
            <button type="submit" class="danger">${i.t('req.view.withdraw')}</button>
          </form></section>` : ''}
        ${historyTable(ctx, names, providers, r.history)}`,
    }));
  });

  app.post('/requests/:id/consent', async (req, reply) => {
    const p = need(req, 'member_state');
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const give = str((req.body as Record<string, unknown> | undefined)?.consent) === 'yes';
    return act(reply, `/requests/${id}`, 'consent', () => app.services.requests.setConsent(p, id, give));
  });

  app.post('/requests/:id/withdraw', async (req, reply) => {
    const p = need(req, 'member_state');
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const reason = str((req.body as Record<string, unknown> | undefined)?.reason).slice(0, 2000);
    await app.services.requests.withdraw(p, id, reason || undefined);
    return reply.redirect(`/requests/${id}?withdrawn=1`, 303);
  });

  app.post('/requests/:id/feedback', async (req, reply) => {
    const p = need(req, 'member_state');
    const ctx = ctxOf(req);
    const { id } = req.params as { id: string };
    if (!UUID_RE.test(id)) throw new WebError(404, 'error.notFound');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const parsed = FeedbackBody.safeParse({ outcome: str(b.outcome), ...(str(b.comment) ? { comment: str(b.comment) } : {}) });
    if (!parsed.success) {
      const errors = zodErrors(ctx.i, parsed.error.issues);
      return sendPage(req, reply, page(ctx, { title: ctx.i.t('req.view.feedback'), body: html`<h1>${ctx.i.t('req.view.feedback')}</h1>${feedbackForm(ctx, id, errors)}` }), 400);
    }
    await app.services.requests.complete(p, id, parsed.data);
    return reply.redirect(`/requests/${id}?completed=1`, 303);
  });
}

function feedbackForm(ctx: WebContext, id: string, errors: FieldErrors = {}): SafeHtml {
  const { i } = ctx;
  return html`<section class="card" aria-labelledby="h-feedback">
    <h2 id="h-feedback">${i.t('req.view.feedback')}</h2>
    <p>${i.t('req.view.feedbackIntro')}</p>
    <form method="post" action="/requests/${id}/feedback" novalidate>
      ${csrfField(ctx)}
      ${choiceGroup({ name: 'outcome', label: i.t('req.view.outcome'), errors, type: 'radio', required: true, selected: [], options: (['met', 'partly_met', 'not_met'] as const).map((o) => ({ value: o, label: i.t(`outcome.${o}` as MessageKey) })) })}
      ${textArea({ name: 'comment', label: i.t('req.view.comment'), optionalText: i.t('form.optional'), errors, rows: 3 })}
      <button type="submit">${i.t('req.view.sendFeedback')}</button>
    </form></section>`;
}

function consentForm(ctx: WebContext, id: string, consent: boolean): SafeHtml {
  const { i } = ctx;
  return html`<section class="card" aria-labelledby="h-consent" id="consent">
    <h2 id="h-consent" class="h3">${i.t('lc.consent.title')}</h2>
    <p>${i.t(consent ? 'lc.consent.on' : 'lc.consent.off')}</p>
    <form method="post" action="/requests/${id}/consent">${csrfField(ctx)}<input type="hidden" name="consent" value="${consent ? 'no' : 'yes'}">
      <button type="submit" class="secondary">${i.t(consent ? 'lc.consent.withdraw' : 'lc.consent.give')}</button></form>
  </section>`;
}

/** The routed entity's actions on the request page: acknowledge, hand back with a reason. */
function entityPanel(ctx: WebContext, names: Namer, id: string, entity: string, back: string): SafeHtml {
  const { i } = ctx;
  return html`<section class="card entity-actions" aria-labelledby="h-entity" id="entity-actions">
    <h2 id="h-entity" class="h3">${i.t('lc.entity.title', { entity: names.entity(entity) })}</h2>
    <p class="hint">${i.t('lc.entity.intro')}</p>
    <div class="row">
      <form method="post" action="/entity/${id}/action">${csrfField(ctx)}<input type="hidden" name="action" value="acknowledge"><input type="hidden" name="back" value="${back}">
        <button type="submit" class="secondary">${i.t('entity.acknowledge')}</button></form>
      <form method="post" action="/entity/${id}/action" class="hand-back">${csrfField(ctx)}<input type="hidden" name="action" value="hand_back"><input type="hidden" name="back" value="${back}">
        ${textField({ name: `note-${id}`, label: i.t('entity.handBackNote'), required: true, attrs: html` maxlength="2000"` })}
        <button type="submit" class="secondary">${i.t('entity.handBack')}</button></form>
    </div>
  </section>`;
}

/** The provider's accept / decline on one of its matches (posted to the inbox handler). */
export function providerAnswer(ctx: WebContext, m: { id: string; offeringTitle?: string }, back: string): SafeHtml {
  const { i } = ctx;
  return html`<div class="row provider-answer">
    <form method="post" action="/inbox/${m.id}">${csrfField(ctx)}<input type="hidden" name="decision" value="accept"><input type="hidden" name="back" value="${back}">
      <button type="submit">${i.t('inbox.accept')}</button></form>
    <form method="post" action="/inbox/${m.id}" class="decline">${csrfField(ctx)}<input type="hidden" name="decision" value="decline"><input type="hidden" name="back" value="${back}">
      ${selectField({ name: `reason-${m.id}`, label: i.t('inbox.reason'), options: DECLINE_REASONS.map((x) => ({ value: x, label: i.t(`reason.${x}`) })) })}
      ${textField({ name: `note-${m.id}`, label: i.t('inbox.note'), optionalText: i.t('form.optional'), attrs: html` maxlength="2000"` })}
      <button type="submit" class="secondary">${i.t('inbox.decline')}</button></form>
  </div>`;
}
