import { describe, expect, it } from 'vitest';
import { concernedParties, NOTIFYING_TOPICS, type RequestFacts } from '../../../src/modules/notifications/recipients.js';
import { notificationsEventRouter } from '../../../src/modules/notifications/notifications.events.js';

const req = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  id: 'r1', memberState: 'SEN', routedEntity: 'UNODC', confidentiality: 'task_force', consentToShare: true, status: 'routed', ...over,
});

describe('who an event concerns (one home)', () => {
  it('tells the provider of a forwarded or approved match, never on a restricted request or without consent', () => {
    expect(concernedParties('match.forwarded', { matchId: 'm1' }, req(), { matchProvider: 'p1' })).toEqual([{ party: 'provider:p1', kind: 'match_proposed', key: 'match:m1' }]);
    expect(concernedParties('match.decided', { decision: 'approve', matchId: 'm1' }, req(), { matchProvider: 'p1' })).toEqual([{ party: 'provider:p1', kind: 'match_proposed', key: 'match:m1' }]);
    expect(concernedParties('match.decided', { decision: 'reject' }, req(), { matchProvider: 'p1' })).toEqual([]);
    expect(concernedParties('match.forwarded', {}, req({ confidentiality: 'restricted' }), { matchProvider: 'p1' })).toEqual([]);
    expect(concernedParties('match.forwarded', {}, req({ consentToShare: false }), { matchProvider: 'p1' })).toEqual([]);
  });

  it('tells the entity a request was routed to it, and the state of the decision', () => {
    expect(concernedParties('request.routed', { entity: 'ICAO' }, req())).toEqual([
      { party: 'entity:ICAO', kind: 'request_routed' }, { party: 'state:SEN', kind: 'request_decision' },
    ]);
    // Routed by the engine with its top proposal approved: the provider is told, once per match whichever event says so.
    expect(concernedParties('request.routed', { entity: 'UNODC' }, req(), { approvedMatches: [{ id: 'm1', providerId: 'p1' }] })).toContainEqual({ party: 'provider:p1', kind: 'match_proposed', key: 'match:m1' });
    expect(concernedParties('request.routed', { entity: 'UNODC' }, req({ confidentiality: 'restricted' }), { approvedMatches: [{ id: 'm1', providerId: 'p1' }] })).toHaveLength(2);
  });

  it('tells the state of a decision on its request, not of a parked one', () => {
    expect(concernedParties('request.status_changed', { status: 'rejected' }, req())).toEqual([{ party: 'state:SEN', kind: 'request_decision' }]);
    expect(concernedParties('request.status_changed', { status: 'in_review', parked: true }, req())).toEqual([]);
    expect(concernedParties('match.accepted', {}, req())).toEqual([{ party: 'state:SEN', kind: 'request_decision' }, { party: 'entity:UNODC', kind: 'request_decision' }]);
  });

  it('tells the addressee of a question; a provider only while it may hear of the request', () => {
    expect(concernedParties('question.asked', { addressee: 'state:SEN' }, req())).toEqual([{ party: 'state:SEN', kind: 'question' }]);
    expect(concernedParties('question.asked', { addressee: 'provider:p2' }, req())).toEqual([{ party: 'provider:p2', kind: 'question' }]);
    expect(concernedParties('question.asked', { addressee: 'provider:p2' }, req({ confidentiality: 'restricted' }))).toEqual([]);
    expect(concernedParties('question.asked', { addressee: null }, req())).toEqual([]);
  });

  it('tells the entity and CTED of an overdue request; accepted providers of a completed one', () => {
    expect(concernedParties('request.escalated', { entity: 'UNODC' }, req())).toEqual([{ party: 'entity:UNODC', kind: 'overdue' }, { party: 'cted', kind: 'overdue' }]);
    expect(concernedParties('request.completed', {}, req(), { acceptedProviders: ['p1'] })).toEqual([{ party: 'entity:UNODC', kind: 'request_decision' }, { party: 'provider:p1', kind: 'request_decision' }]);
  });

  it('starts one fan-out job per notifying event, keyed by the event', () => {
    const e = (topic: string) => ({ id: '11111111-1111-4111-8111-111111111111', topic, payload: {}, requestId: null, createdAt: new Date(), publishedAt: null, attempts: 0, lastError: null });
    expect(notificationsEventRouter(e('match.forwarded'))).toEqual([{ name: 'notify-event', data: { eventId: e('x').id }, key: e('x').id }]);
    expect(notificationsEventRouter(e('offering.changed'))).toEqual([]);
    expect(NOTIFYING_TOPICS.has('request.matched')).toBe(true);
  });
});
