import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { attachments, offerings, requestMessages, requests } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { AppError, badRequest, forbidden, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import type { ConversationService } from '../conversation/conversation.service.js';
import { recordChange } from '../events/events.repository.js';
import type { MatchingService } from '../matching/matching.service.js';
import type { OfferingsService } from '../offerings/offerings.service.js';
import { canReadMessage } from '../requests/request-visibility.js';
import type { RequestsService } from '../requests/requests.service.js';
import {
  attachmentView, checkCount, countAttachments, insertAttachment, prepareFiles, type AttachmentPurpose, type AttachmentRow, type AttachmentView,
} from './attachments.repository.js';
import { storeWithRecords, type BlobStore } from './blob-store.js';
import { EXTRACTABLE, extractDocumentText } from './text-extract.js';
import type { UploadedFile } from './upload.js';

type Settings = Pick<Config, 'ATTACHMENT_MAX_BYTES' | 'ATTACHMENT_MAX_INFLATED_BYTES' | 'ATTACHMENT_MAX_ZIP_ENTRIES' | 'ATTACHMENTS_PER_REQUEST' | 'ATTACHMENTS_PER_OFFERING' | 'ATTACHMENT_EXTRACT_MAX_PAGES' | 'ATTACHMENT_EXTRACT_MAX_CHARS'>;

/**
 * Documents (issue 14, item 4) on requests and offerings (those on messages are written with their
 * message, in the conversation service). Who may read one follows what it belongs to: the request
 * (canViewRequest), the message (canReadMessage) or the offering.
 */
export function createAttachmentsService(deps: {
  db: Db; store: BlobStore; config: Settings;
  conversation: Pick<ConversationService, 'loadConversation' | 'readableMessage'>;
  requests: Pick<RequestsService, 'loadVisible'>;
  offerings: Pick<OfferingsService, 'loadOwned' | 'getFor'>;
  matching: Pick<MatchingService, 'matchAndRoute'>;
}) {
  const { db } = deps;

  /** The attachment when the principal may read what it belongs to; 404 otherwise. */
  async function loadReadable(p: Principal, id: string): Promise<AttachmentRow> {
    const [a] = await db.select().from(attachments).where(eq(attachments.id, id));
    if (!a) throw notFound('Attachment');
    try {
      if (a.ownerType === 'message') await deps.conversation.readableMessage(p, a.messageId!);
      else if (a.ownerType === 'request') await deps.requests.loadVisible(p, a.requestId!);
      else await deps.offerings.getFor(p, a.offeringId!);
    } catch (err) {
      if (err instanceof AppError && [403, 404].includes(err.statusCode)) throw notFound('Attachment');
      throw err;
    }
    return a;
  }

  return {
    loadReadable,

    /** A state's letter, draft law or assessment, CTED's assessment summary, an entity's note: documents of the request itself. */
    async addToRequest(p: Principal, requestId: string, b: { file: UploadedFile[]; purpose: AttachmentPurpose; useForMatching?: boolean }): Promise<AttachmentView[]> {
      const c = await deps.conversation.loadConversation(p, requestId);
      if (c.seat.side === 'provider') throw forbidden('Providers attach their programme sheet to their offering, or documents to a message.');
      if (b.purpose === 'programme_sheet') throw badRequest('A programme sheet belongs to an offering.', [{ path: 'purpose', message: 'not for a request' }]);
      if (b.useForMatching && c.seat.side !== 'state') throw forbidden('Only the requesting state decides whether its documents are read by the matcher.');
      const prepared = await prepareFiles(b.file, deps.config);
      await storeWithRecords(db, deps.store, prepared.map((f) => ({ key: f.id, data: f.data, mediaType: f.mediaType })), async (tx) => {
        await tx.select({ id: requests.id }).from(requests).where(eq(requests.id, requestId)).for('update');
        checkCount(await countAttachments(tx, { requestId }), prepared.length, deps.config.ATTACHMENTS_PER_REQUEST, 'A request');
        for (const f of prepared) {
          await insertAttachment(tx, p, f, { ownerType: 'request', requestId, purpose: b.purpose, useForMatching: !!b.useForMatching && EXTRACTABLE.has(f.kind), party: c.seat.party, storage: deps.store.driver });
        }
      });
      const rows = await db.select().from(attachments).where(inArray(attachments.id, prepared.map((f) => f.id))).orderBy(asc(attachments.createdAt), asc(attachments.id));
      return rows.map(attachmentView);
    },

    /** A provider's programme sheet (or another document) on its own offering. */
    async addToOffering(p: Principal, offeringId: string, b: { file: UploadedFile[]; purpose: AttachmentPurpose }): Promise<AttachmentView[]> {
      const o = await deps.offerings.loadOwned(p, offeringId);
      if (!['programme_sheet', 'other'].includes(b.purpose)) throw badRequest('An offering takes a programme sheet or another document.', [{ path: 'purpose', message: 'programme_sheet or other' }]);
      const prepared = await prepareFiles(b.file, deps.config);
      await storeWithRecords(db, deps.store, prepared.map((f) => ({ key: f.id, data: f.data, mediaType: f.mediaType })), async (tx) => {
        await tx.select({ id: offerings.id }).from(offerings).where(eq(offerings.id, offeringId)).for('update');
        checkCount(await countAttachments(tx, { offeringId }), prepared.length, deps.config.ATTACHMENTS_PER_OFFERING, 'An offering');
        for (const f of prepared) {
          await insertAttachment(tx, p, f, { ownerType: 'offering', offeringId, purpose: b.purpose, useForMatching: false, party: p.role === 'admin' ? 'admin' : `provider:${o.providerId}`, storage: deps.store.driver });
        }
      });
      const rows = await db.select().from(attachments).where(inArray(attachments.id, prepared.map((f) => f.id))).orderBy(asc(attachments.createdAt), asc(attachments.id));
      return rows.map(attachmentView);
    },

    /** The request's documents and those of the messages the principal may read. */
    async listForRequest(p: Principal, requestId: string): Promise<AttachmentView[]> {
      await deps.requests.loadVisible(p, requestId);
      const rows = await db.select().from(attachments).where(eq(attachments.requestId, requestId)).orderBy(asc(attachments.createdAt), asc(attachments.id));
      const seat = await deps.conversation.loadConversation(p, requestId).then((c) => c.seat, () => null);
      const onMessages = rows.filter((a) => a.messageId);
      const msgs = seat && onMessages.length ? await db.select().from(requestMessages).where(inArray(requestMessages.id, onMessages.map((a) => a.messageId!))) : [];
      const readable = new Set(msgs.filter((m) => canReadMessage(seat!, m)).map((m) => m.id));
      return rows.filter((a) => !a.messageId || readable.has(a.messageId)).map(attachmentView);
    },

    async listForOffering(p: Principal, offeringId: string): Promise<AttachmentView[]> {
      await deps.offerings.getFor(p, offeringId);
      const rows = await db.select().from(attachments).where(eq(attachments.offeringId, offeringId)).orderBy(asc(attachments.createdAt), asc(attachments.id));
      return rows.map(attachmentView);
    },

    async view(p: Principal, id: string): Promise<AttachmentView> {
      return attachmentView(await loadReadable(p, id));
    },

    /** The bytes, for a download. */
    async content(p: Principal, id: string): Promise<{ a: AttachmentView; data: Buffer }> {
      const a = await loadReadable(p, id);
      return { a: attachmentView(a), data: await deps.store.get(a.storageKey) };
    },

    /** The requesting state lets the matcher read a document's text beside the request, or stops it; the request is matched again. */
    async setMatching(p: Principal, id: string, use: boolean): Promise<AttachmentView> {
      const a = await loadReadable(p, id);
      if (!a.requestId) throw badRequest('Only a request\'s documents can be read by the matcher.', [{ path: 'id', message: 'an offering document' }]);
      const c = await deps.conversation.loadConversation(p, a.requestId);
      if (c.seat.side !== 'state') throw forbidden('Only the requesting state decides whether its documents are read by the matcher.');
      if (use && !EXTRACTABLE.has(a.kind)) throw badRequest('Text is read from PDF and DOCX documents only.', [{ path: 'useForMatching', message: `a ${a.kind.toUpperCase()} has no text to read` }]);
      if (a.useForMatching !== use) {
        await db.transaction(async (tx) => {
          await tx.update(attachments).set({ useForMatching: use }).where(eq(attachments.id, id));
          await recordChange(tx, p, {
            action: 'attachment.matching', targetType: 'attachment', targetId: id, summary: { before: { useForMatching: a.useForMatching }, after: { useForMatching: use } },
            event: { topic: 'attachment.matching_changed', payload: { attachmentId: id, requestId: a.requestId, useForMatching: use } },
          });
        });
      }
      const [row] = await db.select().from(attachments).where(eq(attachments.id, id));
      return attachmentView(row);
    },

    /**
     * The `extract-attachment` job: reads the text of a PDF or DOCX once (a document that cannot be
     * read is marked failed, not retried; a store that does not answer is retried), then, when the
     * state asked for it or changed its mind, matches the request again with the text beside it.
     */
    async extract(id: string, opts: { rematch?: boolean } = {}): Promise<'extracted' | 'failed' | 'skipped'> {
      const [a] = await db.select().from(attachments).where(eq(attachments.id, id));
      if (!a) return 'skipped';
      let outcome: 'extracted' | 'failed' | 'skipped' = 'skipped';
      if (EXTRACTABLE.has(a.kind) && a.extractionStatus === 'pending') {
        const data = await deps.store.get(a.storageKey);
        try {
          const text = await extractDocumentText(a.kind, data, { maxPages: deps.config.ATTACHMENT_EXTRACT_MAX_PAGES, maxChars: deps.config.ATTACHMENT_EXTRACT_MAX_CHARS });
          await db.update(attachments).set({ extractionStatus: 'done', extractedText: text, extractionError: null, extractedAt: new Date() }).where(eq(attachments.id, id));
          outcome = 'extracted';
        } catch (err) {
          await db.update(attachments).set({ extractionStatus: 'failed', extractionError: (err instanceof Error ? err.message : String(err)).slice(0, 500), extractedAt: new Date() }).where(eq(attachments.id, id));
          return 'failed';
        }
      }
      const [now] = await db.select({ use: attachments.useForMatching, status: attachments.extractionStatus }).from(attachments).where(eq(attachments.id, id));
      if (a.requestId && now.status === 'done' && (now.use || opts.rematch)) await deps.matching.matchAndRoute(a.requestId, { rematch: true });
      return outcome;
    },
  };
}
export type AttachmentsService = ReturnType<typeof createAttachmentsService>;
