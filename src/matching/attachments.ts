import type { Matcher } from './matcher.js';
import type { MatchableRequest, MatchOptions, MatchResult } from './types.js';

/** Text a state asked the matcher to read beside its request (extracted from an attachment). */
export interface AttachmentText { id: string; text: string; name?: string }

/** A match counts as coming from attachments when it is new with them or gains at least this much. */
const GAIN = 0.01;

/**
 * Matches a request with the text of its attachments read beside its own (pure: the caller passes
 * the text in). The request's title and description stay first; each attachment adds at most
 * `maxChars` characters. Parts, need links and duplicates are judged on the request's own text
 * (a twenty-page draft law must not split a request or make it look like another); classification,
 * proposals and routing use both. Every proposal the attachments brought in or raised says so in
 * its explanation (`attachment`, and the note `from_attachment`).
 */
export function matchWithAttachments(matcher: Pick<Matcher, 'matchRequest'>, request: MatchableRequest, options: MatchOptions, texts: readonly AttachmentText[], maxChars: number): MatchResult {
  const own = matcher.matchRequest(request, options);
  const used = texts.filter((t) => t.text.trim().length > 0);
  if (!used.length) return own;
  const extra = used.map((t) => t.text.trim().slice(0, maxChars)).join('\n\n');
  const withText = matcher.matchRequest({ ...request, description: `${request.description}\n\n${extra}`, parts: request.parts ?? [] }, { ...options, openRequests: [] });
  const before = new Map(own.matches.map((m) => [m.offeringId, m.score]));
  const ids = used.map((t) => t.id);
  return {
    ...withText,
    parts: own.parts,
    linkedNeeds: own.linkedNeeds,
    possibleDuplicates: own.possibleDuplicates,
    matches: withText.matches.map((m) => {
      const without = before.get(m.offeringId);
      if (without !== undefined && m.score < without + GAIN) return m;
      return { ...m, explanation: { ...m.explanation, notes: [...m.explanation.notes, 'from_attachment'], attachment: { attachmentIds: ids, names: used.map((t) => t.name ?? ''), scoreWithout: without ?? null } } };
    }),
  };
}
