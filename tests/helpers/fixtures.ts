import type { TestApp } from './test-app.js';
import { ADMIN_KEY } from './test-app.js';

export interface Cast {
  admin: string; stateA: string; stateB: string; cted: string; unodc: string; icao: string;
  providerA: string; providerB: string; providerAId: string; providerBId: string; unodcProviderId: string; unodcProvider: string;
}

/** The usual people: two states, two donors, a Task Force entity provider, CTED and two entities. */
export async function castOf(t: TestApp): Promise<Cast> {
  const prov = async (name: string, kind: string, entity?: string) => {
    const r = await t.call({ method: 'POST', url: '/v1/providers', key: ADMIN_KEY, payload: { name, kind, ...(entity ? { entity } : {}) } });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body.id as string;
  };
  const providerAId = await prov('Government of Norway', 'member_state');
  const providerBId = await prov('OSCE Transnational Threats Department', 'international_org');
  const unodcProviderId = await prov('UNODC Terrorism Prevention Branch', 'task_force_entity', 'UNODC');
  return {
    admin: ADMIN_KEY,
    stateA: await t.key({ role: 'member_state', memberState: 'SEN' }),
    stateB: await t.key({ role: 'member_state', memberState: 'KEN' }),
    cted: await t.key({ role: 'cted' }),
    unodc: await t.key({ role: 'entity', entity: 'UNODC' }),
    icao: await t.key({ role: 'entity', entity: 'ICAO' }),
    providerA: await t.key({ role: 'provider', providerId: providerAId }),
    providerB: await t.key({ role: 'provider', providerId: providerBId }),
    unodcProvider: await t.key({ role: 'provider', providerId: unodcProviderId }),
    providerAId, providerBId, unodcProviderId,
  };
}

export const fiuRequest = {
  title: 'Strengthening our financial intelligence unit',
  description: 'Our financial intelligence unit receives few suspicious transaction reports from banks and money transfer operators. We ask for training of FIU analysts on terrorist financing typologies and support to draft AML/CFT guidance.',
  language: 'en',
  modalities: ['training', 'mentoring'],
  urgency: 'high',
} as const;

export const fiuOffering = {
  title: 'FIU analyst training on terrorist financing',
  description: 'Two-week training for financial intelligence unit analysts on suspicious transaction reports, terrorist financing typologies and AML/CFT supervision, with follow-up mentoring.',
  languages: ['en', 'fr'],
  modalities: ['training', 'mentoring'],
} as const;

// Real texts of the realistic eval set (tests/fixtures/eval-real): a request in two parts, the
// offerings that answer each part, and a vague request that names no field of assistance.
export const twoPartsRequest = {
  title: 'Renseignement, judiciarisation et révision du cadre juridique',
  description: "Le Sénégal demande d'une part une formation sur le partage du renseignement et sa judiciarisation dans les affaires de terrorisme, et d'autre part une assistance législative pour réviser son cadre juridique national de lutte contre le terrorisme.",
  language: 'fr', modalities: ['training', 'legislative_drafting'],
} as const;
export const criminalJusticeOffering = {
  title: 'Criminal justice response to terrorism in West and Central Africa',
  description: 'UNODC Terrorism Prevention Branch workshops for investigators, prosecutors and judges of West and Central Africa: investigation, prosecution and adjudication of terrorism cases, crime scene management and evidence, intelligence sharing and its use as evidence, special investigative techniques, and inter-agency and international judicial cooperation.',
  languages: ['fr', 'en'], modalities: ['training', 'workshop', 'mentoring'], eligibility: { regions: ['011', '017'] },
} as const;
export const legalFrameworkOffering = {
  title: 'Legislative assistance on the universal legal framework against terrorism',
  description: 'UNODC assists States to ratify the international legal instruments against terrorism and to draft or review counter-terrorism legislation, criminalizing terrorist offences and enabling mutual legal assistance and extradition.',
  languages: ['en', 'fr', 'es', 'ru', 'ar'], modalities: ['legislative_drafting', 'advisory_mission'],
} as const;
export const vagueRequest = {
  title: 'Identifying the sectors that require technical assistance',
  description: 'The Government is carrying out a study to identify the sectors that require technical assistance and will consider the appropriate way to address them once the study is complete.',
  language: 'en',
} as const;
