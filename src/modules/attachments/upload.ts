import type { Readable } from 'node:stream';
import type { FastifyMultipartAttachFieldsToBodyOptions, MultipartFile } from '@fastify/multipart';
import type { FastifyError, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { AttachmentRefusal, MB } from './file-inspect.js';

/** One file of a multipart upload as it arrived (only multipart can make one: JSON cannot forge it). */
export class UploadedFile {
  constructor(
    readonly field: string,
    readonly filename: string,
    /** What the client said it is; never trusted, only reported. */
    readonly declaredType: string,
    readonly data: Buffer,
    /** Cut at ATTACHMENT_MAX_BYTES: the file is larger than the limit. */
    readonly truncated: boolean,
  ) {}
}

/** A file field of a multipart body (OpenAPI: a binary string). */
export const FileField = z.instanceof(UploadedFile).meta({ type: 'string', format: 'binary' });
/** One or several files under the same field name, as a list (an empty file field of a form is no file). */
export const FilesField = z.union([FileField, z.array(FileField)]).transform((v) => (Array.isArray(v) ? v : [v]));
/** A boolean as JSON gives it or as a form field does (`true`, `on`, `1`; `false`, `0`, ''). */
export const FormBoolean = z.union([z.boolean(), z.enum(['true', 'on', '1', 'false', '0', '']).transform((v) => ['true', 'on', '1'].includes(v))]);
/** An optional form field: an empty string means absent. */
export const optionalField = <T extends z.ZodType>(s: T) => z.preprocess((v) => {
  if (Array.isArray(v)) { const kept = v.filter((x) => x !== null); return kept.length ? kept : undefined; }
  return v === '' || v === null ? undefined : v;
}, s.optional());

type UploadConfig = Pick<Config, 'ATTACHMENT_MAX_BYTES' | 'ATTACHMENTS_PER_MESSAGE' | 'UPLOAD_MAX_TOTAL_BYTES'>;

/** The refusal of an upload larger in all than UPLOAD_MAX_TOTAL_BYTES (413, said in the reader's language by the web). */
export const uploadTooLarge = (max: number) => new AttachmentRefusal('upload_too_large',
  `The upload is larger than ${MB(max)} in all, the most one upload may carry; send fewer or smaller documents at a time.`, { max: MB(max) });

/** How much of one multipart body has arrived, and the file part being read from it (if any). */
interface Intake { received: number; max: number; file: Readable | null }
const intakes = new WeakMap<FastifyRequest, Intake>();

/**
 * Counts a multipart body's bytes as they arrive, so an upload is refused once it passes
 * UPLOAD_MAX_TOTAL_BYTES rather than after it was all read: a declared Content-Length over the cap is
 * refused before a byte is read; otherwise the file being read is stopped with the refusal as soon as
 * the count passes the cap (a file cut at ATTACHMENT_MAX_BYTES no longer passes bytes to its reader,
 * but they still arrive here). The parser stops reading the body, and the 413 closes the connection.
 */
export function countUpload(req: FastifyRequest, max: number): void {
  if (Number(req.headers['content-length']) > max) throw uploadTooLarge(max);
  const intake: Intake = { received: 0, max, file: null };
  intakes.set(req, intake);
  const onData = (chunk: Buffer) => {
    intake.received += chunk.length;
    if (intake.received <= max) return;
    req.raw.off('data', onData);
    intake.file?.destroy(uploadTooLarge(max));
  };
  // Listening must not start the flow: the parser pipes the body later and must get every byte (pipe resumes it).
  req.raw.on('data', onData);
  req.raw.pause();
}

/** Refuses an upload that has passed its cap by now (fields are bounded by the parser's own limits). */
export function checkUploadTotal(req: FastifyRequest): void {
  const intake = intakes.get(req);
  if (intake && intake.received > intake.max) throw uploadTooLarge(intake.max);
}

/** A file part's bytes, or the refusal of the whole upload once it passes its cap (nothing is kept then). */
async function readPart(req: FastifyRequest, part: MultipartFile): Promise<Buffer> {
  const intake = intakes.get(req);
  if (!intake) return part.toBuffer();
  checkUploadTotal(req);
  intake.file = part.file;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of part.file) chunks.push(chunk as Buffer);
    checkUploadTotal(req);
    return Buffer.concat(chunks);
  } finally { intake.file = null; }
}

/**
 * @fastify/multipart options for OneDoor's uploads: fields and files land in `req.body` as plain
 * values (files as UploadedFile) before validation, so one zod schema checks a JSON body and a
 * multipart one alike, and the web's CSRF field is read like any form's. A file larger than
 * ATTACHMENT_MAX_BYTES is cut there and marked, then refused by inspectFile with a clear reason; the
 * whole upload is held to UPLOAD_MAX_TOTAL_BYTES while it arrives (countUpload).
 */
export function multipartOptions(config: UploadConfig): FastifyMultipartAttachFieldsToBodyOptions {
  return {
    attachFieldsToBody: 'keyValues' as const,
    throwFileSizeLimit: false,
    limits: { fileSize: config.ATTACHMENT_MAX_BYTES, files: Math.max(20, config.ATTACHMENTS_PER_MESSAGE), fields: 30, parts: 60, fieldSize: 1024 * 1024, fieldNameSize: 100 },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      const data = await readPart(this, part);
      // A form's file field left empty still sends a part, with no name and no bytes: it is no file.
      if (!part.filename && data.length === 0) { part.value = null; return; }
      part.value = new UploadedFile(part.fieldname, part.filename, part.mimetype, data, part.file.truncated);
    },
  };
}

/** The multipart parser's own refusals as OneDoor errors (too many files or fields, not multipart at all). */
export function multipartError(err: unknown): AppError | null {
  const code = (err as FastifyError | undefined)?.code;
  switch (code) {
    case 'FST_FILES_LIMIT': return new AttachmentRefusal('too_many_files', 'Too many files in one upload.');
    case 'FST_PARTS_LIMIT': case 'FST_FIELDS_LIMIT': return new AppError(413, 'too_many_parts', 'The form has too many fields.');
    case 'FST_PROTO_VIOLATION': return new AppError(400, 'validation_failed', 'A form field has a forbidden name.', [{ path: 'body', message: 'forbidden field name' }]);
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE': return new AppError(415, 'unsupported_media_type', 'Send the file as multipart/form-data.');
    case 'FST_MP_PREMATURE_CLOSE': return new AppError(400, 'validation_failed', 'The upload was cut off before it ended.', [{ path: 'file', message: 'incomplete' }]);
    default:
      // busboy's own parse errors (a malformed multipart body).
      if (err instanceof Error && /Unexpected end of (multipart|form)|Malformed|boundary/i.test(err.message) && !(err instanceof AppError)) {
        return new AppError(400, 'validation_failed', 'The multipart body is malformed.', [{ path: 'body', message: err.message }]);
      }
      return null;
  }
}
