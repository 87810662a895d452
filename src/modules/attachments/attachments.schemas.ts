import { z } from 'zod';
import { Uuid } from '../common.schemas.js';
import { ATTACHMENT_PURPOSES } from './attachments.repository.js';
import { FilesField, FormBoolean, optionalField } from './upload.js';

export const AttachmentPurpose = z.enum(ATTACHMENT_PURPOSES);

export const AttachmentView = z.object({
  id: Uuid,
  ownerType: z.enum(['request', 'message', 'offering']),
  requestId: Uuid.nullable(), messageId: Uuid.nullable(), offeringId: Uuid.nullable(),
  purpose: AttachmentPurpose,
  filename: z.string(),
  /** Checked from the content. */
  kind: z.enum(['pdf', 'docx', 'odt', 'xlsx', 'csv', 'png', 'jpeg']),
  mediaType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  /** The state asked for its text to be read by the matcher beside the request's own. */
  useForMatching: z.boolean(),
  /** Text extraction (PDF and DOCX), done by a job after the upload. */
  extraction: z.object({ status: z.enum(['pending', 'done', 'failed', 'none']), chars: z.number().int().nullable(), error: z.string().nullable() }),
  uploadedBy: z.object({ role: z.string(), party: z.string(), label: z.string() }),
  uploadedAt: z.string(),
  /** Where to download it (Content-Disposition: attachment). */
  href: z.string(),
}).meta({ id: 'Attachment' });

/** multipart/form-data: one or more `file` fields, the purpose, and (the state only) whether the matcher reads the text. */
export const UploadAttachmentsBody = z.strictObject({
  file: z.preprocess((v) => (Array.isArray(v) ? v.filter((x) => x !== null) : v === null ? [] : v), FilesField.refine((f) => f.length > 0, 'choose a file')).describe('PDF, DOCX, ODT, XLSX, CSV, PNG or JPEG; the type is read from the content and must agree with the name'),
  purpose: AttachmentPurpose.describe('request_letter, draft_law, assessment (states), assessment_summary (CTED), programme_sheet (providers), other'),
  useForMatching: optionalField(FormBoolean).describe('the requesting state only: let the matcher read the text of this PDF or DOCX beside the request'),
});

export const AttachmentList = z.object({ items: z.array(AttachmentView) });
export const MatchingBody = z.strictObject({ useForMatching: z.boolean() });
