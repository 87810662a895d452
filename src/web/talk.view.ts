import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { AttachmentView } from '../modules/attachments/attachments.repository.js';
import { AttachmentRefusal, REFUSAL_REASONS, type FileKind, type RefusalReason } from '../modules/attachments/file-inspect.js';
import type { MessageView } from '../modules/conversation/conversation.schemas.js';
import { partyKind } from '../modules/requests/request-visibility.js';
import type { Principal } from '../plugins/auth.plugin.js';
import type { Namer, WebContext } from './context.js';
import { html, type SafeHtml } from './html.js';
import type { I18n, MessageKey } from './i18n/index.js';
import { csrfField } from './layout.js';

/** What the request page gives the conversation component. */
export interface TalkDeps { names: Namer; providers: ReadonlyMap<string, string> }

type Thread = Awaited<ReturnType<FastifyInstance['services']['conversation']['thread']>>;

const KIND_LABEL: Record<FileKind, string> = { pdf: 'PDF', docx: 'DOCX', odt: 'ODT', xlsx: 'XLSX', csv: 'CSV', png: 'PNG', jpeg: 'JPEG' };
const size = (i: I18n, n: number) => (n >= 1024 * 1024 ? `${i.num(Math.round((n / 1024 / 1024) * 10) / 10)} MB` : `${i.num(Math.max(1, Math.round(n / 1024)))} KB`);

/** A party of the conversation by name in the reader's language. */
export function partyName(ctx: WebContext, d: TalkDeps, party: string): string {
  const [kind, ref] = [partyKind(party), party.slice(party.indexOf(':') + 1)];
  switch (kind) {
    case 'state': return d.names.state(ref);
    case 'entity': return ref;
    case 'provider': return d.providers.get(ref) ?? ctx.i.t('talk.role.provider');
    case 'cted': return ctx.i.t('talk.role.cted');
    default: return ctx.i.t('talk.role.admin');
  }
}

/** The visibility of a message, unmistakable: colour, icon and words. */
export function visibilityBadge(ctx: WebContext, visibility: string): SafeHtml {
  const internal = visibility === 'internal';
  return html`<span class="vis vis-${internal ? 'internal' : 'shared'}"><span aria-hidden="true">${internal ? '🔒' : '👁'}</span> ${ctx.i.t(internal ? 'talk.internal' : 'talk.shared')}</span>`;
}

function attachmentLine(ctx: WebContext, d: TalkDeps, a: AttachmentView, opts: { owner: boolean; showMatching?: boolean } = { owner: false }): SafeHtml {
  const { i } = ctx;
  const status = a.extraction.status === 'none' ? '' : a.extraction.status === 'done' ? i.t('docs.extract.done', { n: i.num(a.extraction.chars ?? 0) }) : i.t(`docs.extract.${a.extraction.status}` as MessageKey);
  return html`<li class="doc" id="doc-${a.id}" data-kind="${a.kind}">
    <a href="/attachments/${a.id}" download>${a.filename}</a>
    <span class="muted">(${i.t('docs.kindSize', { kind: KIND_LABEL[a.kind as FileKind] ?? a.kind, size: size(i, a.sizeBytes) })} · ${i.tx('purpose', a.purpose)})</span>
    <span class="muted">${i.t('docs.uploaded', { who: partyName(ctx, d, a.uploadedBy.party), date: i.date(a.uploadedAt) })}${status ? html` · <span class="extract">${status}</span>` : ''}</span>
    ${a.useForMatching ? html` <span class="badge badge-ok">${i.t('docs.matching.on')}</span>` : ''}
    ${opts.owner && opts.showMatching && ['pdf', 'docx'].includes(a.kind) ? html`<form method="post" action="/attachments/${a.id}/matching" class="inline">${csrfField(ctx)}<input type="hidden" name="use" value="${a.useForMatching ? 'false' : 'true'}"><button type="submit" class="small secondary">${i.t(a.useForMatching ? 'docs.matching.stop' : 'docs.matching.use')}</button></form>` : ''}
  </li>`;
}

const purposeOptions = (ctx: WebContext, allowed: readonly string[]) => allowed.map((p) => html`<option value="${p}">${ctx.i.tx('purpose', p)}</option>`);

/** The data-* texts the upload script needs, in the page's language. */
const uploadTexts = (ctx: WebContext) => html` data-upload data-msg-sending="${ctx.i.t('talk.sending')}" data-msg-processing="${ctx.i.t('talk.processing')}" data-msg-network="${ctx.i.t('talk.network')}" data-msg-failed="${ctx.i.t('talk.error.failed')}"`;

function progress(ctx: WebContext, id: string): SafeHtml {
  return html`<div class="progress" hidden><label for="${id}-bar">${ctx.i.t('up.progress')}</label><progress id="${id}-bar" max="100" value="0"></progress><p class="upload-status" role="status" aria-live="polite"></p></div>
    <div class="upload-result" aria-live="polite"></div>`;
}

function messageItem(ctx: WebContext, d: TalkDeps, p: Principal, t: Thread, m: MessageView, requestId: string): SafeHtml {
  const { i } = ctx;
  const mine = m.author.party === t.you.party && (p.keyId ? true : m.author.label === p.label);
  const q = m.question;
  const mayAnswer = q && !q.answered && (t.you.party === m.addressee || t.you.party === m.author.party || t.you.side === 'un');
  return html`<li class="msg msg-${m.visibility}" id="msg-${m.id}" data-visibility="${m.visibility}">
    <p class="msg-head">${visibilityBadge(ctx, m.visibility)}
      <strong>${partyName(ctx, d, m.author.party)}</strong> <span class="muted">(${m.author.label}) · ${i.date(m.postedAt)}</span>
      ${m.editedAt ? html` <span class="muted">· ${i.t('talk.edited', { date: i.date(m.editedAt) })}</span>` : ''}</p>
    ${q ? html`<p class="question ${q.answered ? 'answered' : 'open'}"><span aria-hidden="true">❓</span> ${i.t('talk.question', { who: partyName(ctx, d, m.addressee!) })} —
      ${q.answered ? html`<span class="badge badge-ok">${i.t('talk.answeredBy', { who: partyName(ctx, d, q.answeredBy?.party ?? ''), date: i.date(q.answeredAt) })}</span>` : html`<span class="badge badge-warn">${i.t('talk.awaiting')}</span>`}</p>` : ''}
    ${m.answers ? html`<p class="muted"><a href="#msg-${m.answers}">↩ ${i.t('talk.answerOf')}</a></p>` : ''}
    <div class="msg-body prewrap" dir="auto" lang="${m.language}">${m.body}</div>
    ${m.attachments.length ? html`<ul class="docs">${m.attachments.map((a) => attachmentLine(ctx, d, a))}</ul>` : ''}
    ${m.earlier.length ? html`<details class="earlier"><summary>${i.t('talk.earlier', { n: m.earlier.length })}</summary><ol>${m.earlier.map((r) => html`<li><p class="muted">${i.t('talk.version', { n: r.revision, date: i.date(r.at), who: r.by })}</p><div class="prewrap" dir="auto">${r.body}</div></li>`)}</ol></details>` : ''}
    <div class="msg-actions">
      ${mayAnswer ? html`<form method="post" action="/requests/${requestId}/messages/${m.id}/answered" class="inline">${csrfField(ctx)}<button type="submit" class="small secondary">${i.t('talk.markAnswered')}</button></form>` : ''}
      ${mine ? html`<details class="edit"><summary>${i.t('talk.edit')}</summary>
        <form method="post" action="/requests/${requestId}/messages/${m.id}/edit">${csrfField(ctx)}
          <label for="edit-${m.id}">${i.t('talk.body')}</label><textarea id="edit-${m.id}" name="body" rows="4" required maxlength="20000">${m.body}</textarea>
          <button type="submit" class="small">${i.t('talk.save')}</button></form></details>` : ''}
    </div>
  </li>`;
}

function postForm(ctx: WebContext, d: TalkDeps, t: Thread, requestId: string, maxBytes: number, error: string | null): SafeHtml {
  const { i } = ctx;
  const chooses = t.you.mayPost.length > 1;
  const openForMe = t.items.filter((m) => m.question && !m.question.answered && (m.addressee === t.you.party || t.you.side === 'un'));
  const purposes = t.you.side === 'state' ? ['request_letter', 'draft_law', 'assessment', 'other'] : t.you.side === 'provider' ? ['programme_sheet', 'other'] : ['assessment_summary', 'assessment', 'other'];
  return html`<form method="post" action="/requests/${requestId}/messages" enctype="multipart/form-data" class="talk-form" id="talk-form" novalidate${uploadTexts(ctx)}>
    ${csrfField(ctx)}
    ${error ? html`<div class="error-summary" role="alert"><p>${error}</p></div>` : ''}
    ${chooses ? html`<fieldset class="field vis-choice"><legend>${i.t('talk.visibility')}</legend>
        <div class="choice vis-option vis-option-shared"><input type="radio" id="f-visibility-shared" name="visibility" value="shared" required><label for="f-visibility-shared">${visibilityBadge(ctx, 'shared')} <span class="hint">${i.t('talk.sharedHint')}</span></label></div>
        <div class="choice vis-option vis-option-internal"><input type="radio" id="f-visibility-internal" name="visibility" value="internal" required><label for="f-visibility-internal">${visibilityBadge(ctx, 'internal')} <span class="hint">${i.t('talk.internalHint')}</span></label></div>
      </fieldset>`
      : html`<p class="vis-fixed">${visibilityBadge(ctx, 'shared')} ${i.t('talk.yourShared')}</p><input type="hidden" name="visibility" value="shared">`}
    <div class="field"><label for="f-talk-body">${i.t('talk.body')}</label><textarea id="f-talk-body" name="body" rows="4" required maxlength="20000" dir="auto"></textarea></div>
    <div class="row">
      <div class="field"><label for="f-addressee">${i.t('talk.addressee')}</label>
        <select id="f-addressee" name="addressee"><option value="">${i.t('talk.addressee.none')}</option>
          ${t.you.addressees.map((a) => html`<option value="${a.value}" data-internal-allowed="${a.internalAllowed ? 'yes' : 'no'}">${partyName(ctx, d, a.party)}${a.internalAllowed ? '' : html` — ${i.t('talk.addressee.internalOnly')}`}</option>`)}</select></div>
      ${openForMe.length ? html`<div class="field"><label for="f-answers">${i.t('talk.answers')}</label>
        <select id="f-answers" name="answers"><option value="">${i.t('talk.answers.none')}</option>
          ${openForMe.map((m) => html`<option value="${m.id}">${partyName(ctx, d, m.author.party)}: ${m.body.slice(0, 60)}</option>`)}</select></div>` : ''}
    </div>
    <div class="field"><label for="f-talk-file">${i.t('talk.files')}</label><p class="hint" id="f-talk-file-hint">${i.t('talk.filesHint', { max: size(i, maxBytes) })}</p>
      <input type="file" id="f-talk-file" name="file" multiple aria-describedby="f-talk-file-hint" accept=".pdf,.docx,.odt,.xlsx,.csv,.png,.jpg,.jpeg">
      <label for="f-talk-purpose">${i.t('talk.purpose')}</label><select id="f-talk-purpose" name="purpose">${purposeOptions(ctx, purposes)}</select>
      ${t.you.side === 'state' ? html`<div class="choice"><input type="checkbox" id="f-talk-matching" name="useForMatching" value="true"><label for="f-talk-matching">${i.t('talk.useForMatching')}</label></div>` : ''}
    </div>
    <button type="submit">${i.t('talk.send')}</button>
    ${progress(ctx, 'talk')}
  </form>`;
}

/** The Documents card of a request: its own documents and an upload form for those who may add one. */
function documentsSection(ctx: WebContext, d: TalkDeps, requestId: string, docs: AttachmentView[], side: string | null, maxBytes: number): SafeHtml {
  const { i } = ctx;
  const own = docs.filter((a) => a.ownerType === 'request');
  const onMessages = docs.filter((a) => a.ownerType === 'message');
  const purposes = side === 'state' ? ['request_letter', 'draft_law', 'assessment', 'other'] : ['assessment_summary', 'assessment', 'other'];
  return html`<section class="card" aria-labelledby="h-docs" id="documents">
    <h2 id="h-docs">${i.t('docs.title')}</h2>
    <p class="muted">${i.t('docs.intro')}</p>
    ${own.length || onMessages.length ? html`<ul class="docs" id="request-docs">${own.map((a) => attachmentLine(ctx, d, a, { owner: side === 'state', showMatching: true }))}
      ${onMessages.map((a) => html`${attachmentLine(ctx, d, a)} <span class="muted"><a href="#msg-${a.messageId}">${i.t('docs.onMessage')}</a></span>`)}</ul>` : html`<p>${i.t('docs.empty')}</p>`}
    ${side && side !== 'provider' ? html`<form method="post" action="/requests/${requestId}/attachments" enctype="multipart/form-data" id="docs-form" novalidate${uploadTexts(ctx)}>
      ${csrfField(ctx)}
      <div class="row">
        <div class="field"><label for="f-doc-file">${i.t('docs.file')}</label><p class="hint" id="f-doc-file-hint">${i.t('talk.filesHint', { max: size(i, maxBytes) })}</p>
          <input type="file" id="f-doc-file" name="file" required multiple aria-describedby="f-doc-file-hint" accept=".pdf,.docx,.odt,.xlsx,.csv,.png,.jpg,.jpeg"></div>
        <div class="field"><label for="f-doc-purpose">${i.t('docs.purpose')}</label><select id="f-doc-purpose" name="purpose">${purposeOptions(ctx, purposes)}</select></div>
      </div>
      ${side === 'state' ? html`<div class="choice"><input type="checkbox" id="f-doc-matching" name="useForMatching" value="true"><label for="f-doc-matching">${i.t('talk.useForMatching')}</label></div>` : ''}
      <button type="submit">${i.t('docs.add')}</button>
      ${progress(ctx, 'docs')}
    </form>` : ''}
  </section>`;
}

/** Query values the talk routes send back to the request page after a form without JavaScript. */
export const TALK_ERRORS = ['visibility', 'body', 'addressee', 'forbidden', 'alreadyAnswered', 'store', 'file'] as const;

/**
 * The request page's conversation and documents (issue 14, items 3 and 4), as the reader may see
 * them. Called by requests.pages.ts with what it already loaded.
 */
export async function requestTalk(app: FastifyInstance, req: FastifyRequest, ctx: WebContext, requestId: string, d: TalkDeps): Promise<SafeHtml> {
  const p = ctx.principal!;
  const { i } = ctx;
  const q = (req.query ?? {}) as Record<string, unknown>;
  const thread = await app.services.conversation.thread(p, requestId).catch((err: unknown) => {
    if (err instanceof AppError && err.statusCode === 403) return null;
    throw err;
  });
  const docs = await app.services.attachments.listForRequest(p, requestId);
  const maxBytes = app.deps.config.ATTACHMENT_MAX_BYTES;
  const errKey = TALK_ERRORS.find((k) => k === q.talkError);
  const error = errKey ? (errKey === 'file' ? refusalText(i, q) : i.t(`talk.error.${errKey}` as MessageKey)) : null;
  const list = thread ? thread.participants.map((x) => partyName(ctx, d, x)).join(', ') : '';
  return html`${q.posted ? html`<div class="notice" role="status" id="talk-posted">${i.t('talk.posted')}</div>` : ''}
    ${q.attached ? html`<div class="notice" role="status" id="docs-added">${i.t('docs.added')}</div>` : ''}
    ${documentsSection(ctx, d, requestId, docs, thread?.you.side ?? null, maxBytes)}
    <section class="card talk" aria-labelledby="h-talk" id="conversation">
      <h2 id="h-talk">${i.t('talk.title')}</h2>
      ${thread ? html`<p class="muted">${i.t('talk.intro')}</p>
        <p class="participants">${i.t('talk.participants', { list })}</p>
        ${thread.items.length ? html`<ol class="thread">${thread.items.map((m) => messageItem(ctx, d, p, thread, m, requestId))}</ol>` : html`<p>${i.t('talk.empty')}</p>`}
        ${postForm(ctx, d, thread, requestId, maxBytes, error)}` : html`<p>${i.t('talk.notParticipant')}</p>`}
    </section>
    <script src="/static/talk.js" defer></script>`;
}

/** On a match card: says when the match came from (or was raised by) an attached document. */
export function attachmentNote(ctx: WebContext, explanation: Record<string, unknown>): SafeHtml {
  const ev = explanation.attachment as { attachmentIds?: string[]; names?: string[]; scoreWithout?: number | null } | undefined;
  if (!ev?.attachmentIds?.length) return html``;
  const names = ev.attachmentIds.map((id, n) => ev.names?.[n] || id.slice(0, 8)).join(', ');
  return html`<p class="from-attachment" data-from-attachment="true"><span aria-hidden="true">📎</span> ${ev.scoreWithout === null || ev.scoreWithout === undefined
    ? ctx.i.t('match.fromAttachment', { files: names })
    : ctx.i.t('match.fromAttachmentRaised', { files: names, pct: ctx.i.pct(ev.scoreWithout) })}</p>`;
}

/** A refusal or problem from the talk services, in the user's language; null when it is not one of them. */
/** The values a refusal's sentence names, carried through the redirect of a form sent without JavaScript. */
const REFUSAL_PARAMS = ['name', 'max', 'ext', 'actual', 'entries'] as const;

/** A refused upload as query parameters for the page the form goes back to (a redirect keeps no body). */
export function refusalQuery(err: AttachmentRefusal): string {
  const q = new URLSearchParams({ refused: err.reason });
  const name = err.params.name ?? err.filename;
  for (const k of REFUSAL_PARAMS) { const v = k === 'name' ? name : err.params[k]; if (v !== undefined && v !== '') q.set(`r_${k}`, String(v).slice(0, 200)); }
  return q.toString();
}

/**
 * The sentence of a refused upload, from the query refusalQuery made, in the reader's language; only
 * a known reason and its known values are taken (anyone can write such a URL), else the general one.
 */
export function refusalText(i: I18n, q: Record<string, unknown>): string {
  const reason = (REFUSAL_REASONS as readonly string[]).find((r) => r === q.refused) as RefusalReason | undefined;
  const params: Record<string, string> = {};
  for (const k of REFUSAL_PARAMS) if (typeof q[`r_${k}`] === 'string') params[k] = (q[`r_${k}`] as string).slice(0, 200);
  if (params.actual !== undefined && !(params.actual in KIND_LABEL)) delete params.actual;
  if (!reason) return i.t('refused.unknown_content', { name: params.name ?? '' });
  return talkErrorText(i, new AttachmentRefusal(reason, '', { ...params }, params.name ?? ''))!;
}

export function talkErrorText(i: I18n, err: unknown): string | null {
  if (err instanceof AttachmentRefusal) {
    const actual = (err.params.actual as FileKind | undefined);
    return i.t(`refused.${err.reason}` as MessageKey, { ...err.params, name: err.params.name ?? err.filename, actual: actual ? KIND_LABEL[actual] : '' });
  }
  if (!(err instanceof AppError)) return null;
  if (err.statusCode === 503) return i.t('talk.error.store');
  if (err.statusCode === 403) return i.t('talk.error.forbidden');
  if (err.code === 'already_answered') return i.t('talk.error.alreadyAnswered');
  if (err.statusCode === 404) return i.t('error.notFound');
  if (err.statusCode === 400 && err.details.some((x) => x.path === 'addressee')) return i.t('talk.error.addressee');
  if (err.statusCode === 400 || err.statusCode === 413) return i.t('v.invalid');
  return null;
}
