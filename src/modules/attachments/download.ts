import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply } from 'fastify';
import type { AttachmentView } from './attachments.repository.js';

/** The headers every download carries: never shown inline, never sniffed, never allowed to run anything. */
export const DOWNLOAD_HEADERS = Object.freeze({
  'content-security-policy': "default-src 'none'; sandbox",
  'x-content-type-options': 'nosniff',
  'cache-control': 'private, no-store',
  'cross-origin-resource-policy': 'same-origin',
});

/** Sends an attachment's bytes as a download with its checked media type (API and web alike). */
export function sendDownload(reply: FastifyReply, a: AttachmentView, data: Buffer): FastifyReply {
  return reply.headers(DOWNLOAD_HEADERS)
    .header('content-type', a.kind === 'csv' ? 'text/csv; charset=utf-8' : a.mediaType)
    .header('content-disposition', contentDisposition(a.filename, { type: 'attachment' }))
    .header('content-length', data.length)
    .send(data);
}
