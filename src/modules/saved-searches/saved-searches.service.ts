import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { matches, requests, savedSearches } from '../../../db/schema/index.js';
import { badRequest, forbidden, notFound } from '../../errors.js';
import type { Lang } from '../../matching/types.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import type { MatchingService } from '../matching/matching.service.js';
import { personOf, type NotificationsService } from '../notifications/notifications.service.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { requestAreas } from '../requests/request-areas.js';
import { canViewRequest, PROVIDER_VISIBLE_MATCH } from '../requests/request-visibility.js';
import { analyseWords, searchMatches, type Analyse } from './saved-search.match.js';
import type { SavedSearchBody } from './saved-searches.schemas.js';

type Row = typeof savedSearches.$inferSelect;
const view = (s: Row) => ({
  id: s.id, name: s.name, areas: s.areas, regions: s.regions, modalities: s.modalities, words: s.words,
  createdAt: s.createdAt.toISOString(),
});

/** At most this many saved searches per provider organisation. */
export const MAX_SAVED_SEARCHES = 50;

/**
 * Saved searches of providers (issue 14 item 2): a provider's people save a search over the open
 * requests the provider may see and are told of each new one that meets it. Whether the provider may
 * see it is canViewRequest's answer (the one home of request visibility): never a restricted request.
 */
export function createSavedSearchesService(deps: {
  db: Db; reference: ReferenceService; matching: Pick<MatchingService, 'engine'>; notifications: () => Pick<NotificationsService, 'notifyParties'>;
}) {
  const { db } = deps;
  // Asked after every first match: prepared once (an unprepared statement with parameters is two round trips in postgres.js).
  const activeSearches = db.select().from(savedSearches).where(eq(savedSearches.active, true)).limit(10_000).prepare('saved_searches_active');
  const analyser = async (): Promise<Analyse> => {
    const e = await deps.matching.engine();
    return (text, lang) => {
      const a = e.analyseOffering({ title: text, description: '', language: lang, versions: [] } as never);
      return { tokens: [...a.title, ...a.body], concepts: a.fine.map(([c]) => c), areas: a.inferred.map(([code, score]) => ({ code, score })) };
    };
  };

  function providerOf(p: Principal): { providerId: string; userId: string } {
    if (p.role !== 'provider' || !p.providerId) throw forbidden('Saved searches are for providers.');
    return { providerId: p.providerId, userId: personOf(p) };
  }

  async function checkCodes(body: SavedSearchBody) {
    const ref = await deps.reference.get();
    const details = [
      ...body.areas.filter((a) => !ref.areaByCode.has(a)).map((a) => ({ path: 'areas', message: `unknown thematic area ${a}`, code: 'unknown_area', params: { value: a } })),
      ...body.regions.filter((r) => !ref.regionCodes.has(r) && !ref.stateByIso3.has(r)).map((r) => ({ path: 'regions', message: `unknown region or state ${r}`, code: 'unknown_region', params: { value: r } })),
    ];
    if (details.length) throw badRequest('Some codes of the search are unknown.', details);
  }

  return {
    async list(p: Principal) {
      const { providerId } = providerOf(p);
      return (await db.select().from(savedSearches).where(and(eq(savedSearches.providerId, providerId), eq(savedSearches.active, true))).orderBy(desc(savedSearches.createdAt))).map(view);
    },

    async create(p: Principal, body: SavedSearchBody) {
      const { providerId, userId } = providerOf(p);
      await checkCodes(body);
      const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(savedSearches).where(and(eq(savedSearches.providerId, providerId), eq(savedSearches.active, true)));
      if (n >= MAX_SAVED_SEARCHES) throw badRequest(`A provider keeps at most ${MAX_SAVED_SEARCHES} saved searches.`, [{ path: 'name', message: 'too many saved searches', code: 'too_many', params: { max: MAX_SAVED_SEARCHES } }]);
      const words = analyseWords(body.words ?? '', await analyser());
      const [row] = await db.insert(savedSearches).values({
        providerId, userId, name: body.name, areas: body.areas, regions: body.regions, modalities: body.modalities, words: body.words ?? '',
        terms: words.terms, concepts: words.concepts,
      }).returning();
      return view(row);
    },

    async remove(p: Principal, id: string) {
      const { providerId } = providerOf(p);
      const [row] = await db.update(savedSearches).set({ active: false, updatedAt: new Date() })
        .where(and(eq(savedSearches.id, id), eq(savedSearches.providerId, providerId), eq(savedSearches.active, true))).returning({ id: savedSearches.id });
      if (!row) throw notFound('Saved search');
    },

    /** After a request's first match: each saved search it meets, of a provider that may see it, tells its person. */
    async onRequestMatched(requestId: string): Promise<number> {
      // Searches first: with none saved (the common case), every match's job ends here, the request unread.
      const searches = await activeSearches.execute();
      if (!searches.length) return 0;
      const [r] = await db.select().from(requests).where(eq(requests.id, requestId));
      if (!r || r.confidentiality === 'restricted' || !r.consentToShare) return 0;
      const ref = await deps.reference.get();
      const st = ref.stateByIso3.get(r.memberState);
      const places = [r.memberState, st?.m49Region, st?.m49SubRegion, st?.m49IntermediateRegion].filter((x): x is string => !!x);
      const lang = r.language as Lang;
      const analyse = await analyser();
      const text = analyse(`${r.title}\n${r.description}`, lang);
      const seen = new Set((await db.select({ p: matches.providerId, s: matches.status }).from(matches).where(eq(matches.requestId, r.id)))
        .filter((m) => (PROVIDER_VISIBLE_MATCH as readonly string[]).includes(m.s)).map((m) => m.p));
      let n = 0;
      for (const s of searches) {
        const principal: Principal = { keyId: null, role: 'provider', memberState: null, providerId: s.providerId, entity: null, label: 'saved search', userId: s.userId, organisationId: null, memberRole: null };
        if (!canViewRequest(principal, r, seen.has(s.providerId))) continue;
        if (!searchMatches(s, { areas: requestAreas(r), places, modalities: r.modalities, lang, text })) continue;
        // Only the person who saved it, and only while they still belong to the provider.
        n += await deps.notifications().notifyParties([{ party: `provider:${s.providerId}`, kind: 'saved_search' }], (c) => ({
          kind: c.kind, eventKey: `search:${s.id}:${r.id}`, requestId: r.id, link: `/requests/${r.id}`,
          params: { title: r.title, restricted: false, memberState: r.memberState, search: s.name },
        }), s.userId);
      }
      return n;
    },
  };
}
export type SavedSearchesService = ReturnType<typeof createSavedSearchesService>;
