import { describe, expect, it } from 'vitest';
import { matchWithAttachments } from '../../../src/matching/attachments.js';
import { createMatcher } from '../../../src/matching/matcher.js';
import { AREAS, STATES } from './areas.fixture.js';
import { NOW, offering, request } from './helpers.js';

describe('matching with the text of a request\'s attachments (pure)', () => {
  const m = createMatcher({ areas: AREAS, states: STATES });
  m.addOffering(offering({ id: 'o-fiu', providerEntity: 'UNODC', title: 'Training for financial intelligence unit analysts on terrorist financing', description: 'Operational and strategic analysis of suspicious transaction reports for FIU staff.', languages: ['en', 'fr'] }));
  m.addOffering(offering({ id: 'o-border', providerEntity: 'IAEA', title: 'Radiation detection at border crossings', description: 'Training of customs and border officers on radiation portal monitors and detection of nuclear material.', languages: ['en'] }));
  const vague = request({ title: 'Request for technical assistance', description: 'Our government requests support as set out in the attached letter.', language: 'en' });
  const letter = { id: 'a1', name: 'letter.pdf', text: 'Our financial intelligence unit receives few suspicious transaction reports. Our analysts need training on terrorist financing typologies.' };

  it('is the plain match when no attachment text is given', () => {
    expect(matchWithAttachments(m, vague, { now: NOW }, [], 8000)).toEqual(m.matchRequest(vague, { now: NOW }));
    expect(matchWithAttachments(m, vague, { now: NOW }, [{ id: 'a0', text: '   ' }], 8000)).toEqual(m.matchRequest(vague, { now: NOW }));
  });

  it('finds what the letter asks for and says the match came from it', () => {
    const own = m.matchRequest(vague, { now: NOW });
    expect(own.matches.find((x) => x.offeringId === 'o-fiu')).toBeUndefined();
    const r = matchWithAttachments(m, vague, { now: NOW }, [letter], 8000);
    const fiu = r.matches.find((x) => x.offeringId === 'o-fiu')!;
    expect(fiu).toBeDefined();
    expect(fiu.explanation.attachment).toEqual({ attachmentIds: ['a1'], names: ['letter.pdf'], scoreWithout: null });
    expect(fiu.explanation.notes).toContain('from_attachment');
    expect(r.thematicAreas[0].code).toBe('terrorist_financing');
  });

  it('does not flag a match the request\'s own text already made as well, reads at most maxChars of each text, and keeps parts, needs and duplicates on the request\'s own text', () => {
    const clear = request({ title: 'FIU analyst training', description: 'Training of financial intelligence unit analysts on suspicious transaction reports and terrorist financing.', language: 'en' });
    const r = matchWithAttachments(m, clear, { now: NOW }, [{ id: 'a2', text: 'Please see our request.' }], 8000);
    expect(r.matches.find((x) => x.offeringId === 'o-fiu')!.explanation.attachment).toBeUndefined();
    const cut = matchWithAttachments(m, vague, { now: NOW }, [{ ...letter, text: `${'x '.repeat(50)}${letter.text}` }], 60);
    expect(cut.matches.find((x) => x.offeringId === 'o-fiu')).toBeUndefined();
    const own = m.matchRequest(vague, { now: NOW, openRequests: [{ id: 'r2', memberState: vague.memberState, title: vague.title, description: vague.description, language: 'en', thematicAreas: [] }] });
    const withText = matchWithAttachments(m, vague, { now: NOW, openRequests: [{ id: 'r2', memberState: vague.memberState, title: vague.title, description: vague.description, language: 'en', thematicAreas: [] }] }, [letter], 8000);
    expect(withText.possibleDuplicates).toEqual(own.possibleDuplicates);
    expect(withText.parts).toEqual(own.parts);
    expect(withText.linkedNeeds).toEqual(own.linkedNeeds);
  });
});
