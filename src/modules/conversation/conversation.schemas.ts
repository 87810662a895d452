import { z } from 'zod';
import { Iso3, Lang, RequestStatus, Uuid } from '../common.schemas.js';
import { AttachmentPurpose, AttachmentView } from '../attachments/attachments.schemas.js';
import { FilesField, FormBoolean, optionalField } from '../attachments/upload.js';
import { MESSAGE_VISIBILITIES } from '../requests/request-visibility.js';

export const Visibility = z.enum(MESSAGE_VISIBILITIES, { message: 'choose "shared" (the state sees it) or "internal" (CTED and entities only)' });
/** A party of the conversation: `state:SEN`, `cted`, `entity:UNODC`, `provider:<uuid>` or `admin`. */
export const Party = z.string().regex(/^(state:[A-Z]{3}|cted|admin|entity:[A-Z0-9-]{2,20}|provider:[0-9a-f-]{36})$/);
/** Whom a question is for: the state, CTED, the routed entity, or one provider in the conversation. */
export const Addressee = z.string().regex(/^(state|cted|entity|provider:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, 'must be state, cted, entity or provider:<provider id>');

const MessageText = z.string()
  .overwrite((s) => (s as string & { toWellFormed(): string }).toWellFormed())
  .refine((s) => !s.includes('\u0000'), 'must not contain the NUL character')
  .trim().min(1).max(20_000);

/** A message: JSON, or multipart/form-data with the same fields and up to ATTACHMENTS_PER_MESSAGE `file` fields. */
export const PostMessageBody = z.strictObject({
  /** Required, with no default: who may read the message is always chosen by its author. */
  visibility: Visibility,
  body: MessageText,
  /** Makes the message a question to that participant. */
  addressee: optionalField(Addressee),
  /** The question this message answers (marks it answered when the author may). */
  answers: optionalField(Uuid),
  file: optionalField(FilesField).describe('multipart only: documents attached to the message; they are read by whoever may read the message'),
  purpose: optionalField(AttachmentPurpose),
  useForMatching: optionalField(FormBoolean),
}).meta({ id: 'PostMessage' });
export type PostMessageBody = z.infer<typeof PostMessageBody>;

export const EditMessageBody = z.strictObject({ body: MessageText });
export const AnsweredBody = z.strictObject({ answerId: Uuid.optional() }).optional();
export const MessageParams = z.object({ id: Uuid, messageId: Uuid });

export const MessageView = z.object({
  id: Uuid,
  requestId: Uuid,
  visibility: Visibility,
  body: z.string(),
  language: Lang,
  author: z.object({ role: z.string(), party: Party, label: z.string() }),
  /** The participant a question is for; null for a plain message. */
  addressee: Party.nullable(),
  question: z.object({
    answered: z.boolean(), answeredAt: z.string().nullable(), answeredBy: z.object({ party: Party, label: z.string() }).nullable(), answerId: Uuid.nullable(),
  }).nullable(),
  /** The question this message answers. */
  answers: Uuid.nullable(),
  postedAt: z.string(),
  editedAt: z.string().nullable(),
  revision: z.number().int(),
  /** Every earlier text, oldest first (the current one is `body`). */
  earlier: z.array(z.object({ revision: z.number().int(), body: z.string(), at: z.string(), by: z.string() })),
  attachments: z.array(AttachmentView),
}).meta({ id: 'Message' });
export type MessageView = z.infer<typeof MessageView>;

export const ThreadView = z.object({
  requestId: Uuid,
  /** The reader's seat: its party, side, the visibilities it may post, and whom it may address. */
  you: z.object({ party: Party, side: z.enum(['un', 'state', 'provider']), mayPost: z.array(Visibility), addressees: z.array(z.object({ value: Addressee, party: Party, internalAllowed: z.boolean() })) }),
  participants: z.array(Party),
  items: z.array(MessageView),
}).meta({ id: 'Thread' });

export const TimelineItem = z.object({
  at: z.string(),
  type: z.enum(['status', 'message', 'question', 'answered', 'edited', 'attachment']),
  /** Status changes. */
  from: RequestStatus.nullable().optional(),
  to: RequestStatus.optional(),
  messageId: Uuid.optional(),
  attachmentId: Uuid.optional(),
  visibility: Visibility.optional(),
  party: Party.optional(),
  addressee: Party.nullable().optional(),
  filename: z.string().optional(),
});
export const Timeline = z.object({ items: z.array(TimelineItem) });

export const SearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(500),
  requestId: Uuid.optional(),
  memberState: Iso3.optional(),
  visibility: Visibility.optional(),
  /** Only questions not yet answered. */
  openQuestions: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const SearchResult = z.object({
  items: z.array(z.object({ message: MessageView, request: z.object({ id: Uuid, title: z.string(), memberState: Iso3, status: RequestStatus }) })),
  nextOffset: z.number().nullable(),
});
