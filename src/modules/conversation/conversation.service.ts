import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { attachments, matches, requestMessageRevisions, requestMessages, requests, requestTransitions } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { detectLanguage } from '../../matching/language.detect.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import {
  attachmentsOfMessages, attachmentView, checkCount, countAttachments, insertAttachment, prepareFiles, type AttachmentPurpose,
} from '../attachments/attachments.repository.js';
import { storeWithRecords, type BlobStore } from '../attachments/blob-store.js';
import type { UploadedFile } from '../attachments/upload.js';
import { recordChange } from '../events/events.repository.js';
import {
  canAddress, canReadMessage, canViewRequest, conversationParticipants, conversationSeat, mayMarkAnswered, partyKind, PROVIDER_VISIBLE_MATCH,
  type ConversationFacts, type ConversationSeat, type MessageVisibility,
} from '../requests/request-visibility.js';
import { authorOf, isAuthor } from './author.js';
import type { MessageView, PostMessageBody } from './conversation.schemas.js';
import { queryVariants, searchTokens } from './message-search.js';

type RequestRow = typeof requests.$inferSelect;
type MessageRow = typeof requestMessages.$inferSelect;

/** A request's conversation as one principal may take part in it. */
export interface Conversation { row: RequestRow; facts: ConversationFacts; seat: ConversationSeat; participants: string[] }

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type Limits = Pick<Config, 'ATTACHMENT_MAX_BYTES' | 'ATTACHMENT_MAX_INFLATED_BYTES' | 'ATTACHMENT_MAX_ZIP_ENTRIES' | 'ATTACHMENTS_PER_REQUEST' | 'ATTACHMENTS_PER_MESSAGE'>;

/**
 * The conversation on each request (issue 14, item 3): messages shared with the state or internal
 * to the UN side, questions to a participant and their answers, edits that keep every earlier
 * text, CTED's search. Every write goes through here: the row, its audit record and an outbox
 * event (message.posted, question.asked, question.answered, message.edited) in one transaction.
 */
export function createConversationService(deps: { db: Db; store: BlobStore; config: Limits }) {
  const { db } = deps;

  /** The facts the participants follow from: the request and the providers its offerings reached. */
  async function factsOf(tx: DbOrTx, row: RequestRow): Promise<ConversationFacts> {
    const reached = await tx.selectDistinct({ providerId: matches.providerId }).from(matches)
      .where(and(eq(matches.requestId, row.id), inArray(matches.status, [...PROVIDER_VISIBLE_MATCH])));
    return { ...row, proposedProviders: reached.map((x) => x.providerId).sort() };
  }

  /**
   * The request's conversation as the principal takes part in it: 404 when it may not see the
   * request (never saying it exists), 403 when it may see the request but is not a participant.
   */
  async function loadConversation(p: Principal, requestId: string, tx: DbOrTx = db, lock = false): Promise<Conversation> {
    const q = tx.select().from(requests).where(eq(requests.id, requestId));
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw notFound('Request');
    const facts = await factsOf(tx, row);
    const seat = conversationSeat(p, facts);
    if (!seat) {
      if (canViewRequest(p, row, !!p.providerId && facts.proposedProviders.includes(p.providerId))) {
        throw forbidden('Only the participants of this request take part in its conversation: the requesting state, CTED, the routed entity and providers its offerings reached with the state\'s consent.');
      }
      throw notFound('Request');
    }
    return { row, facts, seat, participants: conversationParticipants(facts) };
  }

  /** The party an addressee names on this request ('entity' is the routed entity). */
  function resolveAddressee(c: Conversation, value: string, visibility: MessageVisibility): string {
    const party = value === 'state' ? `state:${c.row.memberState}`
      : value === 'entity' ? c.participants.find((x) => partyKind(x) === 'entity') ?? null
      : value;
    if (!party || !c.participants.includes(party)) {
      throw badRequest('That participant is not in this conversation.', [{ path: 'addressee', message: value === 'entity' ? 'the request is not routed to an entity' : 'not a participant of this request' }]);
    }
    if (party === c.seat.party) throw badRequest('A question cannot be addressed to yourself.', [{ path: 'addressee', message: 'that is you' }]);
    if (!canAddress(visibility, party)) {
      throw badRequest('An internal message cannot be addressed to the state or a provider: they cannot read it.', [{ path: 'addressee', message: 'cannot read internal messages' }]);
    }
    return party;
  }

  /** The messages (with their earlier texts and attachments) as the seat may read them. */
  async function toViews(seat: ConversationSeat, rows: MessageRow[]): Promise<MessageView[]> {
    const readable = rows.filter((m) => canReadMessage(seat, m));
    const ids = readable.map((m) => m.id);
    const [revs, files] = await Promise.all([
      ids.length ? db.select().from(requestMessageRevisions).where(inArray(requestMessageRevisions.messageId, ids)).orderBy(asc(requestMessageRevisions.revision)) : Promise.resolve([]),
      attachmentsOfMessages(db, ids),
    ]);
    const readableIds = new Set(ids);
    // Links to messages the reader cannot read are dropped (an internal question's id is not given to the state).
    const linked = [...new Set(readable.flatMap((m) => [m.answersId, m.answerMessageId]).filter((x): x is string => !!x && !readableIds.has(x)))];
    const visibleLinks = new Set(readableIds);
    if (linked.length) {
      for (const m of await db.select().from(requestMessages).where(inArray(requestMessages.id, linked))) if (canReadMessage(seat, m)) visibleLinks.add(m.id);
    }
    return readable.map((m) => ({
      id: m.id, requestId: m.requestId, visibility: m.visibility as MessageVisibility, body: m.body, language: m.language as MessageView['language'],
      author: { role: m.authorRole, party: m.authorParty, label: m.authorLabel },
      addressee: m.addresseeParty,
      question: m.addresseeParty ? {
        answered: !!m.answeredAt, answeredAt: iso(m.answeredAt),
        answeredBy: m.answeredByParty ? { party: m.answeredByParty, label: m.answeredByLabel ?? '' } : null,
        answerId: m.answerMessageId && visibleLinks.has(m.answerMessageId) ? m.answerMessageId : null,
      } : null,
      answers: m.answersId && visibleLinks.has(m.answersId) ? m.answersId : null,
      postedAt: m.createdAt.toISOString(), editedAt: iso(m.editedAt), revision: m.revision,
      earlier: revs.filter((r) => r.messageId === m.id && r.revision < m.revision).map((r) => ({ revision: r.revision, body: r.body, at: r.at.toISOString(), by: r.editorLabel })),
      attachments: (files.get(m.id) ?? []).map(attachmentView),
    }));
  }

  /** Who a message concerns (the parties who may read it), for the notifications built on the events. */
  const readers = (c: Conversation, m: { visibility: string; authorParty: string; addresseeParty: string | null }) =>
    c.participants.filter((party) => canReadMessage({ party, side: partyKind(party) === 'state' ? 'state' : partyKind(party) === 'provider' ? 'provider' : 'un', visibilities: [] }, m));

  /** Marks a question answered inside a transaction (guarded, so two answers cannot both mark it). */
  async function answer(tx: DbOrTx, p: Principal, c: Conversation, q: MessageRow, answerId: string | null): Promise<void> {
    const author = authorOf(p);
    const now = new Date();
    const done = await tx.update(requestMessages).set({ answeredAt: now, answeredByParty: c.seat.party, answeredByLabel: author.label, answerMessageId: answerId })
      .where(and(eq(requestMessages.id, q.id), isNull(requestMessages.answeredAt))).returning({ id: requestMessages.id });
    if (!done.length) throw conflict('already_answered', 'This question is already marked answered.');
    await recordChange(tx, p, {
      action: 'question.answer', targetType: 'message', targetId: q.id, summary: { requestId: c.row.id, answerId, by: c.seat.party },
      event: {
        topic: 'question.answered',
        payload: { requestId: c.row.id, questionId: q.id, answerId, visibility: q.visibility, addressee: q.addresseeParty, askedBy: q.authorParty, answeredBy: c.seat.party, concerns: readers(c, q) },
      },
    });
  }

  async function loadMessage(c: Conversation, messageId: string, tx: DbOrTx = db, lock = false): Promise<MessageRow> {
    const q = tx.select().from(requestMessages).where(and(eq(requestMessages.id, messageId), eq(requestMessages.requestId, c.row.id)));
    const [m] = lock ? await q.for('update') : await q;
    if (!m || !canReadMessage(c.seat, m)) throw notFound('Message');
    return m;
  }

  return {
    loadConversation,

    /** The conversation as the principal may read it, with whom it may address. */
    async thread(p: Principal, requestId: string) {
      const c = await loadConversation(p, requestId);
      const rows = await db.select().from(requestMessages).where(eq(requestMessages.requestId, requestId)).orderBy(asc(requestMessages.createdAt), asc(requestMessages.id));
      const entity = c.participants.find((x) => partyKind(x) === 'entity');
      return {
        requestId,
        you: {
          party: c.seat.party, side: c.seat.side, mayPost: [...c.seat.visibilities],
          addressees: c.participants.filter((x) => x !== c.seat.party).map((party) => ({
            value: partyKind(party) === 'state' ? 'state' : party === entity ? 'entity' : party, party, internalAllowed: canAddress('internal', party),
          })),
        },
        participants: c.participants,
        items: await toViews(c.seat, rows),
      };
    },

    /** Posts a message (a question when addressed, an answer when it answers one), with its documents, in one transaction. */
    async post(p: Principal, requestId: string, body: PostMessageBody & { file?: UploadedFile[] }): Promise<MessageView> {
      const pre = await loadConversation(p, requestId);
      const files = body.file ?? [];
      if (!pre.seat.visibilities.includes(body.visibility)) {
        throw forbidden(pre.seat.side === 'state'
          ? 'A state\'s messages are always shared: internal messages are for CTED and the entities.'
          : 'A provider\'s messages are shared with the state: internal messages are for CTED and the entities.');
      }
      if (body.useForMatching && pre.seat.side !== 'state') throw forbidden('Only the requesting state decides whether its documents are read by the matcher.');
      checkCount(0, files.length, deps.config.ATTACHMENTS_PER_MESSAGE, 'A message');
      const prepared = await prepareFiles(files, deps.config);
      const author = authorOf(p);
      const id = randomUUID();
      const language = detectLanguage(body.body);
      return storeWithRecords(db, deps.store, prepared.map((f) => ({ key: f.id, data: f.data, mediaType: f.mediaType })), async (tx) => {
        // Locked: the participants and the document count are read as they are now.
        const c = await loadConversation(p, requestId, tx, true);
        const addressee = body.addressee ? resolveAddressee(c, body.addressee, body.visibility) : null;
        const question = body.answers ? await loadMessage(c, body.answers, tx, true) : null;
        if (question && !question.addresseeParty) throw badRequest('That message is not a question.', [{ path: 'answers', message: 'not a question' }]);
        if (prepared.length) checkCount(await countAttachments(tx, { requestId }), prepared.length, deps.config.ATTACHMENTS_PER_REQUEST, 'A request');
        const row = { visibility: body.visibility, authorParty: c.seat.party, addresseeParty: addressee };
        await tx.insert(requestMessages).values({
          id, requestId, visibility: body.visibility, body: body.body, language,
          authorKeyId: author.keyId, authorLabel: author.label, authorRole: author.role, authorParty: c.seat.party,
          addresseeParty: addressee, answersId: question?.id ?? null, searchTokens: searchTokens([body.body]),
        });
        await tx.insert(requestMessageRevisions).values({ messageId: id, revision: 1, body: body.body, editorKeyId: author.keyId, editorLabel: author.label });
        const concerns = readers(c, row);
        await recordChange(tx, p, {
          action: 'message.post', targetType: 'message', targetId: id, summary: { requestId, visibility: body.visibility, addressee, answers: question?.id ?? null, attachments: prepared.length },
          event: { topic: 'message.posted', payload: { requestId, messageId: id, visibility: body.visibility, author: c.seat.party, addressee, answers: question?.id ?? null, concerns } },
        });
        if (addressee) {
          await recordChange(tx, p, {
            action: 'question.ask', targetType: 'message', targetId: id, summary: { requestId, addressee, visibility: body.visibility },
            event: { topic: 'question.asked', payload: { requestId, messageId: id, visibility: body.visibility, askedBy: c.seat.party, addressee, concerns } },
          });
        }
        if (question && !question.answeredAt && mayMarkAnswered(c.seat, { authorParty: question.authorParty, addresseeParty: question.addresseeParty })) {
          await answer(tx, p, c, question, id);
        }
        for (const f of prepared) {
          await insertAttachment(tx, p, f, {
            ownerType: 'message', requestId, messageId: id, purpose: (body.purpose ?? 'other') as AttachmentPurpose,
            useForMatching: !!body.useForMatching, party: c.seat.party, storage: deps.store.driver,
          });
        }
        return id;
      }).then(async (mid) => {
        const c = await loadConversation(p, requestId);
        const [m] = await db.select().from(requestMessages).where(eq(requestMessages.id, mid));
        return (await toViews(c.seat, [m]))[0];
      });
    },

    /** The author changes the text; every earlier text is kept and shown to whoever may read the message. */
    async edit(p: Principal, requestId: string, messageId: string, text: string): Promise<MessageView> {
      const c0 = await loadConversation(p, requestId);
      const m0 = await loadMessage(c0, messageId);
      if (!isAuthor(p, { keyId: m0.authorKeyId, label: m0.authorLabel })) throw forbidden('Only the author of a message can edit it.');
      if (m0.body !== text) {
        const author = authorOf(p);
        await db.transaction(async (tx) => {
          const c = await loadConversation(p, requestId, tx);
          const m = await loadMessage(c, messageId, tx, true);
          const revision = m.revision + 1;
          const texts = (await tx.select({ body: requestMessageRevisions.body }).from(requestMessageRevisions).where(eq(requestMessageRevisions.messageId, messageId))).map((r) => r.body);
          await tx.insert(requestMessageRevisions).values({ messageId, revision, body: text, editorKeyId: author.keyId, editorLabel: author.label });
          await tx.update(requestMessages).set({ body: text, revision, editedAt: new Date(), language: detectLanguage(text), searchTokens: searchTokens([...texts, text]) }).where(eq(requestMessages.id, messageId));
          await recordChange(tx, p, {
            action: 'message.edit', targetType: 'message', targetId: messageId, summary: { requestId, revision },
            event: { topic: 'message.edited', payload: { requestId, messageId, visibility: m.visibility, revision, concerns: readers(c, m) } },
          });
        });
      }
      const [m] = await db.select().from(requestMessages).where(eq(requestMessages.id, messageId));
      return (await toViews(c0.seat, [m]))[0];
    },

    /** Marks a question answered (its addressee, its asker, CTED or an admin), optionally naming the answer. */
    async markAnswered(p: Principal, requestId: string, messageId: string, answerId?: string): Promise<MessageView> {
      const c0 = await loadConversation(p, requestId);
      await db.transaction(async (tx) => {
        const c = await loadConversation(p, requestId, tx);
        const q = await loadMessage(c, messageId, tx, true);
        if (!q.addresseeParty) throw badRequest('That message is not a question.', [{ path: 'messageId', message: 'not a question' }]);
        if (!mayMarkAnswered(c.seat, q)) throw forbidden('Only the participant the question is addressed to, its author or CTED can mark it answered.');
        if (answerId) await loadMessage(c, answerId, tx);
        await answer(tx, p, c, q, answerId ?? null);
      });
      const [m] = await db.select().from(requestMessages).where(eq(requestMessages.id, messageId));
      return (await toViews(c0.seat, [m]))[0];
    },

    /** The request's history as this participant may read it: status changes, messages, questions, answers, edits and documents. */
    async timeline(p: Principal, requestId: string) {
      const c = await loadConversation(p, requestId);
      const [moves, msgs, docs] = await Promise.all([
        db.select().from(requestTransitions).where(eq(requestTransitions.requestId, requestId)).orderBy(asc(requestTransitions.at)),
        db.select().from(requestMessages).where(eq(requestMessages.requestId, requestId)),
        db.select().from(attachments).where(eq(attachments.requestId, requestId)),
      ]);
      const readable = msgs.filter((m) => canReadMessage(c.seat, m));
      const byId = new Map(readable.map((m) => [m.id, m]));
      const revs = readable.length ? await db.select().from(requestMessageRevisions).where(and(inArray(requestMessageRevisions.messageId, [...byId.keys()]), sql`${requestMessageRevisions.revision} > 1`)) : [];
      type Item = { at: string; type: 'status' | 'message' | 'question' | 'answered' | 'edited' | 'attachment'; [k: string]: unknown };
      const items: Item[] = [
        ...moves.map((t) => ({ at: t.at.toISOString(), type: 'status' as const, from: t.fromStatus as never, to: t.toStatus as never })),
        ...readable.map((m) => ({ at: m.createdAt.toISOString(), type: m.addresseeParty ? 'question' as const : 'message' as const, messageId: m.id, visibility: m.visibility, party: m.authorParty, addressee: m.addresseeParty })),
        ...readable.filter((m) => m.answeredAt).map((m) => ({ at: m.answeredAt!.toISOString(), type: 'answered' as const, messageId: m.id, visibility: m.visibility, party: m.answeredByParty ?? undefined })),
        ...revs.map((r) => ({ at: r.at.toISOString(), type: 'edited' as const, messageId: r.messageId, visibility: byId.get(r.messageId)!.visibility, party: byId.get(r.messageId)!.authorParty })),
        ...docs.filter((d) => !d.messageId || byId.has(d.messageId)).map((d) => ({
          at: d.createdAt.toISOString(), type: 'attachment' as const, attachmentId: d.id, filename: d.filename, party: d.uploaderParty,
          ...(d.messageId ? { messageId: d.messageId, visibility: byId.get(d.messageId)!.visibility } : {}),
        })),
      ];
      return { items: items.sort((a, b) => a.at.localeCompare(b.at)) };
    },

    /** CTED's search over every conversation, in any of the six languages (the engine's normalisation; see message-search.ts). */
    async search(p: Principal, q: { q: string; requestId?: string; memberState?: string; visibility?: string; openQuestions?: string; limit: number; offset: number }) {
      if (p.role !== 'cted' && p.role !== 'admin') throw forbidden('Searching conversations is for CTED.');
      const variants = queryVariants(q.q);
      if (!variants.length) return { items: [], nextOffset: null };
      const conds: SQL[] = [or(...variants.map((v) => sql`${requestMessages.searchTokens} @> array(select jsonb_array_elements_text(${JSON.stringify(v)}::jsonb))`))!];
      if (q.requestId) conds.push(eq(requestMessages.requestId, q.requestId));
      if (q.memberState) conds.push(eq(requests.memberState, q.memberState));
      if (q.visibility) conds.push(eq(requestMessages.visibility, q.visibility));
      if (q.openQuestions === 'true') conds.push(sql`${requestMessages.addresseeParty} is not null and ${requestMessages.answeredAt} is null`);
      const rows = await db.select({ m: requestMessages, r: { id: requests.id, title: requests.title, memberState: requests.memberState, status: requests.status } })
        .from(requestMessages).innerJoin(requests, eq(requests.id, requestMessages.requestId))
        .where(and(...conds)).orderBy(desc(requestMessages.createdAt), desc(requestMessages.id)).limit(q.limit + 1).offset(q.offset);
      const page = rows.slice(0, q.limit);
      const seat: ConversationSeat = { party: p.role, side: 'un', visibilities: ['shared', 'internal'] };
      const views = new Map((await toViews(seat, page.map((x) => x.m))).map((v) => [v.id, v]));
      return {
        items: page.map(({ m, r }) => ({ message: views.get(m.id)!, request: { ...r, status: r.status as never } })),
        nextOffset: rows.length > q.limit ? q.offset + q.limit : null,
      };
    },

    /** A message the principal may read, with its conversation (attachments follow its visibility). */
    async readableMessage(p: Principal, messageId: string): Promise<{ c: Conversation; m: MessageRow }> {
      const [m] = await db.select().from(requestMessages).where(eq(requestMessages.id, messageId));
      if (!m) throw notFound('Message');
      const c = await loadConversation(p, m.requestId).catch((err) => { throw err?.statusCode === 403 ? notFound('Message') : err; });
      if (!canReadMessage(c.seat, m)) throw notFound('Message');
      return { c, m };
    },
  };
}
export type ConversationService = ReturnType<typeof createConversationService>;
