import type { EventRouter } from '../events/outbox.relay.js';

/** Documents whose text is read start the `extract-attachment` job; a change of the state's mind matches the request again. */
export const attachmentsEventRouter: EventRouter = (e) => {
  const p = e.payload as { attachmentId?: string; extract?: boolean };
  if (!p.attachmentId) return [];
  if (e.topic === 'attachment.added' && p.extract) return [{ name: 'extract-attachment', data: { attachmentId: p.attachmentId }, key: e.id }];
  if (e.topic === 'attachment.matching_changed') return [{ name: 'extract-attachment', data: { attachmentId: p.attachmentId, rematch: true }, key: e.id }];
  return [];
};
