import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { attachments } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { authorOf } from '../conversation/author.js';
import { recordChange } from '../events/events.repository.js';
import { AttachmentRefusal, cleanFilename, inspectFile, type FileKind, type Inspected } from './file-inspect.js';
import { EXTRACTABLE } from './text-extract.js';
import type { UploadedFile } from './upload.js';

export type AttachmentRow = typeof attachments.$inferSelect;

/** What each kind of owner's documents are for. */
export const ATTACHMENT_PURPOSES = ['request_letter', 'draft_law', 'assessment', 'assessment_summary', 'programme_sheet', 'other'] as const;
export type AttachmentPurpose = (typeof ATTACHMENT_PURPOSES)[number];

/** A checked file, ready to be stored. */
export interface PreparedFile extends Inspected { id: string; filename: string; data: Buffer }

export type UploadLimits = Pick<Config, 'ATTACHMENT_MAX_BYTES' | 'ATTACHMENT_MAX_INFLATED_BYTES' | 'ATTACHMENT_MAX_ZIP_ENTRIES'>;

/** Checks every file of an upload (content, name, size, ZIP limits); the first refusal stops the whole upload. */
export async function prepareFiles(files: readonly UploadedFile[], limits: UploadLimits): Promise<PreparedFile[]> {
  const out: PreparedFile[] = [];
  for (const f of files) {
    const filename = cleanFilename(f.filename);
    // The multipart parser stopped reading at the limit: the file is larger than it.
    const inspected = await inspectFile(filename, f.truncated ? Buffer.concat([f.data, Buffer.alloc(1)]) : f.data, {
      maxBytes: limits.ATTACHMENT_MAX_BYTES, maxInflatedBytes: limits.ATTACHMENT_MAX_INFLATED_BYTES, maxZipEntries: limits.ATTACHMENT_MAX_ZIP_ENTRIES,
    });
    out.push({ ...inspected, id: randomUUID(), filename, data: f.data });
  }
  return out;
}

/** Refuses an upload that would take an owner past its number of documents. */
export function checkCount(existing: number, adding: number, max: number, what: string): void {
  if (existing + adding > max) {
    throw new AttachmentRefusal('too_many_files', `${what} may have at most ${max} documents; it has ${existing}.`, { max, existing });
  }
}

/** Writes one attachment's record, its audit record and the `attachment.added` event (text extraction starts from it). */
export async function insertAttachment(tx: DbOrTx, p: Principal, f: PreparedFile, o: {
  ownerType: 'request' | 'message' | 'offering'; requestId?: string | null; messageId?: string | null; offeringId?: string | null;
  purpose: AttachmentPurpose; useForMatching: boolean; party: string; storage: 'postgres' | 's3';
}): Promise<void> {
  const author = authorOf(p);
  await tx.insert(attachments).values({
    id: f.id, ownerType: o.ownerType, requestId: o.requestId ?? null, messageId: o.messageId ?? null, offeringId: o.offeringId ?? null,
    purpose: o.purpose, filename: f.filename, kind: f.kind, mediaType: f.mediaType, sizeBytes: f.data.length, sha256: f.sha256,
    storage: o.storage, storageKey: f.id, useForMatching: o.useForMatching,
    extractionStatus: EXTRACTABLE.has(f.kind) ? 'pending' : 'none',
    uploaderKeyId: author.keyId, uploaderLabel: author.label, uploaderRole: author.role, uploaderParty: o.party,
  });
  await recordChange(tx, p, {
    action: 'attachment.add', targetType: 'attachment', targetId: f.id,
    summary: { ownerType: o.ownerType, requestId: o.requestId ?? null, messageId: o.messageId ?? null, offeringId: o.offeringId ?? null, kind: f.kind, sizeBytes: f.data.length, sha256: f.sha256, purpose: o.purpose, useForMatching: o.useForMatching },
    event: { topic: 'attachment.added', payload: { attachmentId: f.id, ownerType: o.ownerType, requestId: o.requestId ?? null, offeringId: o.offeringId ?? null, messageId: o.messageId ?? null, extract: EXTRACTABLE.has(f.kind) } },
  });
}

/** How many documents a request (its messages included) or an offering already has. */
export async function countAttachments(tx: DbOrTx, where: { requestId: string } | { offeringId: string } | { messageId: string }): Promise<number> {
  const cond = 'requestId' in where ? eq(attachments.requestId, where.requestId) : 'offeringId' in where ? eq(attachments.offeringId, where.offeringId) : eq(attachments.messageId, where.messageId);
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(attachments).where(cond);
  return row.n;
}

/** The extracted text of a request's attachments the state asked the matcher to read, oldest first. */
export async function matchingTexts(db: Db, requestId: string): Promise<{ id: string; text: string; name: string }[]> {
  const rows = await db.select({ id: attachments.id, text: attachments.extractedText, name: attachments.filename }).from(attachments)
    .where(and(eq(attachments.requestId, requestId), eq(attachments.useForMatching, true), eq(attachments.extractionStatus, 'done'), isNotNull(attachments.extractedText)))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
  return rows.map((r) => ({ id: r.id, text: r.text ?? '', name: r.name }));
}

/** Attachments of some messages, by message id. */
export async function attachmentsOfMessages(db: Db, messageIds: string[]): Promise<Map<string, AttachmentRow[]>> {
  const out = new Map<string, AttachmentRow[]>();
  if (!messageIds.length) return out;
  const rows = await db.select().from(attachments).where(inArray(attachments.messageId, messageIds)).orderBy(asc(attachments.createdAt), asc(attachments.id));
  for (const r of rows) out.set(r.messageId!, [...(out.get(r.messageId!) ?? []), r]);
  return out;
}

/** The API's view of an attachment (never its bytes or its extracted text). */
export function attachmentView(a: AttachmentRow) {
  return {
    id: a.id, ownerType: a.ownerType as 'request' | 'message' | 'offering', requestId: a.requestId, messageId: a.messageId, offeringId: a.offeringId,
    purpose: a.purpose as AttachmentPurpose, filename: a.filename, kind: a.kind as FileKind, mediaType: a.mediaType, sizeBytes: a.sizeBytes, sha256: a.sha256,
    useForMatching: a.useForMatching,
    extraction: { status: a.extractionStatus as 'pending' | 'done' | 'failed' | 'none', chars: a.extractedText?.length ?? null, error: a.extractionError },
    uploadedBy: { role: a.uploaderRole, party: a.uploaderParty, label: a.uploaderLabel },
    uploadedAt: a.createdAt.toISOString(),
    href: `/v1/attachments/${a.id}/content`,
  };
}
export type AttachmentView = ReturnType<typeof attachmentView>;
