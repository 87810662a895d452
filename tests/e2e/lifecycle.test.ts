import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, type Cast } from '../helpers/fixtures.js';
import type { TestApp } from '../helpers/test-app.js';
import { launchBrowser, shot, signIn, startServer } from './browser.js';

// Issue 12, "Done when": each role carries requests through their whole life in Chromium, in its own
// language (the state in French, CTED in Arabic, UNODC in Spanish, IMO in English, the providers in
// Chinese and Russian). Keys, providers and the first offerings are set up through the API; every
// step of the walk itself goes through the pages. t.drain() only waits for the background matching.

const UNODC_OFFERING = { ...fiuOffering, title: 'FIU analyst training on terrorist financing (UNODC)' };
const NORWAY_OFFERING = { ...fiuOffering, title: 'Mentoring programme for FIU analysts (Norway)', modalities: ['mentoring'] };

const FIU = {
  title: 'Renforcer l’analyse de notre cellule de renseignement financier',
  description: 'Notre cellule de renseignement financier (CRF) reçoit peu de déclarations de soupçon sur le financement du terrorisme. Nous demandons une formation des analystes de la CRF et un accompagnement pour les typologies du financement du terrorisme.',
};
const PORT = {
  title: 'Sûreté des installations portuaires : Code ISPS',
  description: 'Nos agents de sûreté des installations portuaires doivent être formés au Code ISPS : plans de sûreté des installations portuaires, exercices et entraînements, rôle de l’autorité désignée.',
};

describe('a request\'s whole life in the browser, each role on its own pages and in its own language', { timeout: 300_000 }, () => {
  let t: TestApp;
  let base: string;
  let c: Cast;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pages = new Map<string, Page>();
  let imo = '';
  const states: Record<string, string> = {};

  /** One browser profile per person, signed in once, in its language. */
  async function as(who: 'cted' | 'unodc' | 'imo' | 'unodcProvider' | 'norway' | `state:${string}`): Promise<Page> {
    const known = pages.get(who);
    if (known) return known;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => { throw new Error(`unexpected dialog: ${d.message()}`); });
    const [lang, key] = who === 'cted' ? ['ar', c.cted] : who === 'unodc' ? ['es', c.unodc] : who === 'imo' ? ['en', imo]
      : who === 'unodcProvider' ? ['zh', c.unodcProvider] : who === 'norway' ? ['ru', c.providerA] : ['fr', states[who.slice(6)]];
    await page.goto(`${base}/language/${lang}?next=/`);
    await signIn(page, base, key);
    pages.set(who, page);
    return page;
  }

  /** Goes to a path and waits for the page. */
  async function open(page: Page, path: string): Promise<void> {
    await page.goto(`${base}${path}`);
  }
  /** Submits a form by clicking `button` and waits for the page it leads to. */
  async function submit(page: Page, button: string | ReturnType<Page['locator']>): Promise<void> {
    const loc = typeof button === 'string' ? page.locator(button) : button;
    await Promise.all([page.waitForNavigation(), loc.click()]);
  }
  const stepOf = (page: Page) => page.locator('#next-step').getAttribute('data-step');

  /** The state files a request through the form; matching runs; returns its id. */
  async function file(state: string, body: { title: string; description: string }): Promise<string> {
    const page = await as(`state:${state}`);
    await open(page, '/requests/new');
    await page.locator('#f-title').fill(body.title);
    await page.locator('#f-description').fill(body.description);
    await submit(page, 'form[action="/requests"] button[type=submit]');
    const id = new URL(page.url()).pathname.split('/')[2];
    await t.drain();
    await page.reload();
    return id;
  }

  /** CTED approves the proposal titled `title` on the request page (the others wait). */
  async function approve(id: string, title: string): Promise<void> {
    const cted = await as('cted');
    await open(cted, `/requests/${id}`);
    await cted.locator('#decide-form article.match', { hasText: title }).locator('input[value=approve]').check();
    await submit(cted, '#decide-form > fieldset button[type=submit]');
    expect(await cted.locator('main > .notice').textContent()).toBe('سُجّلت القرارات.');
  }

  /** The routed entity forwards the approved offering titled `title` from the request page. */
  async function forward(entity: 'unodc' | 'imo', id: string, title: string): Promise<void> {
    const page = await as(entity);
    await open(page, `/requests/${id}`);
    expect(await stepOf(page)).toBe('entity_forward');
    expect(await page.locator('.your-turn-note').count()).toBe(1);
    await submit(page, page.locator('article.match', { hasText: title }).locator('form.forward button'));
    expect(await stepOf(page)).toBe('provider_answer');
  }

  /** The provider accepts from its inbox, then starts the delivery there: its next step after Accept. */
  async function acceptAndStart(provider: 'unodcProvider' | 'norway', id: string): Promise<void> {
    const page = await as(provider);
    await open(page, '/inbox');
    const item = page.locator('article', { has: page.locator(`a[href="/requests/${id}"]`) });
    await submit(page, item.locator('form input[name=decision][value=accept] ~ button'));
    const accepted = page.locator('article', { has: page.locator(`a[href="/requests/${id}"]`) });
    expect(await accepted.locator('p.next').count()).toBe(1);
    await submit(page, accepted.locator('form.start-delivery button'));
    expect(await page.locator('main > .notice').textContent()).toBeTruthy();
  }

  /** The state completes the delivered request with its feedback. */
  async function feedback(state: string, id: string): Promise<void> {
    const page = await as(`state:${state}`);
    await open(page, `/requests/${id}`);
    expect(await stepOf(page)).toBe('state_feedback');
    expect(await page.locator('#next-step').textContent()).toContain('C’est à vous d’agir.');
    await page.locator('#f-outcome-met').check();
    await page.locator('#f-comment').fill('Analystes formés, merci.');
    await Promise.all([page.waitForURL(/completed=1/), page.locator('form[action$="/feedback"] button').click()]);
    expect(await page.locator('.badge').first().textContent()).toBe('Terminée');
    expect(await stepOf(page)).toBe('done');
  }

  /** The statuses a request went through, as its history table on the page shows them. */
  const historyOf = async (page: Page) => page.locator('#history tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-to')));

  beforeAll(async () => {
    ({ t, base } = await startServer({ AUTO_ROUTE_CONFIDENCE: '1' }));
    c = await castOf(t);
    imo = await t.key({ role: 'entity', entity: 'IMO' });
    for (const s of ['SEN', 'KEN', 'GHA', 'MLI', 'NGA', 'TCD', 'NER']) states[s] = await t.key({ role: 'member_state', memberState: s });
    for (const [key, body] of [[c.unodcProvider, UNODC_OFFERING], [c.providerA, NORWAY_OFFERING]] as const) {
      const res = await t.call({ method: 'POST', url: '/v1/offerings', key, payload: body });
      expect(res.status).toBe(201);
    }
    await t.drain();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  it('full life: filed → matched → reviewed (one approved, one rejected with its reason) → routed → forwarded → accepted → in delivery → completed with feedback', async () => {
    const id = await file('SEN', FIU);
    const state = await as('state:SEN');
    expect(await state.locator('html').getAttribute('lang')).toBe('fr');
    expect(await stepOf(state)).toBe('cted_review');
    expect(await state.locator('#next-step').textContent()).toContain('La DECT examine les offres proposées');

    // CTED, in Arabic, decides on each proposal on the request page.
    const cted = await as('cted');
    await open(cted, '/review');
    expect(await cted.locator('html').getAttribute('dir')).toBe('rtl');
    await submit(cted, cted.locator(`#review-form a[href="/requests/${id}"]`).first());
    const keep = cted.locator('#decide-form article.match', { hasText: UNODC_OFFERING.title });
    const drop = cted.locator('#decide-form article.match', { hasText: NORWAY_OFFERING.title });
    await keep.locator('input[value=approve]').check();
    await drop.locator('input[value=reject]').check();
    await submit(cted, '#decide-form > fieldset button[type=submit]');
    expect(await cted.locator('#action-problem').count()).toBe(1); // a rejection needs its reason
    await drop.locator('input[value=reject]').check();
    await keep.locator('input[value=approve]').check();
    await drop.locator('input[name^="n-"]').fill('Le mentorat seul ne répond pas à la demande de formation');
    await submit(cted, '#decide-form > fieldset button[type=submit]');
    expect(await cted.locator('main > .notice').textContent()).toBe('سُجّلت القرارات.');
    await shot(cted, 'request-decided-ar');

    // The state reads CTED's reason and who acts next.
    await open(state, `/requests/${id}`);
    expect(await stepOf(state)).toBe('entity_forward');
    expect(await state.locator('article.match[data-status=rejected] .rejected-note').textContent()).toContain('Le mentorat seul ne répond pas');
    expect(await state.locator('article.match[data-status=approved]').count()).toBe(1);
    expect(await state.locator('article.match[data-status=proposed]').count()).toBe(0);

    await forward('unodc', id, UNODC_OFFERING.title);
    await acceptAndStart('unodcProvider', id);
    await feedback('SEN', id);
    expect(await historyOf(state)).toEqual(['submitted', 'matched', 'in_review', 'routed', 'accepted', 'in_delivery', 'completed']);
    // The system's own notes read in the state's language.
    expect(await state.locator('#history tbody tr[data-to=in_review] td.note').textContent()).toBe('En attente de l’examen de la DECT.');
    await shot(state, 'request-completed-fr');
  });

  it('hand-back: the entity hands the request back with its reason; CTED sees it in the triage and asks the entity again', async () => {
    const id = await file('KEN', { title: 'Former les analystes de notre cellule de renseignement financier', description: 'Notre cellule de renseignement financier a besoin d’une formation de ses analystes aux déclarations de soupçon et aux typologies du financement du terrorisme.' });
    const cted = await as('cted');
    await approve(id, UNODC_OFFERING.title);

    const entity = await as('unodc');
    await open(entity, `/requests/${id}`);
    await entity.locator(`#entity-actions input[name="note-${id}"]`).fill('Nuestro programa FIU está completo hasta junio');
    await submit(entity, '#entity-actions form.hand-back button');
    expect(await stepOf(entity)).toBe('cted_review');

    // CTED's triage lists it with the reason and the age, and CTED asks UNODC again from there.
    await open(cted, '/triage');
    const item = cted.locator(`li.triage-item[data-request="${id}"]`);
    expect(await item.locator('li[data-reason=handed_back]').textContent()).toContain('Nuestro programa FIU está completo hasta junio');
    expect(await item.locator('p.age').textContent()).toMatch(/^ينتظر منذ 0 يوم/);
    await shot(cted, 'triage-ar');
    await item.locator('summary').click();
    await item.locator(`input[name="again-note-${id}"]`).fill('A second course opens in March');
    await submit(cted, item.locator('form.act-ask-again button'));
    expect(await cted.locator(`li.triage-item[data-request="${id}"]`).count()).toBe(0);

    // The state reads the hand-back reason in the history; UNODC has it again, with its proposals.
    const state = await as('state:KEN');
    await open(state, `/requests/${id}`);
    expect(await state.locator('#history tbody tr[data-to=in_review] td.note').last().textContent()).toContain('Nuestro programa FIU está completo hasta junio');
    await open(entity, `/requests/${id}`);
    expect(await stepOf(entity)).toBe('cted_review');
    // Approved again by CTED, then forwarded, accepted, delivered, completed.
    await approve(id, UNODC_OFFERING.title);
    await forward('unodc', id, UNODC_OFFERING.title);
    await acceptAndStart('unodcProvider', id);
    await feedback('KEN', id);
    expect(await historyOf(state)).toEqual(['submitted', 'matched', 'in_review', 'routed', 'in_review', 'routed', 'accepted', 'in_delivery', 'completed']);
  });

  it('no offering yet, then one arrives: CTED marks it unanswerable for now, a provider registers an offering, it is proposed and carried through', async () => {
    const id = await file('GHA', PORT);
    const state = await as('state:GHA');
    // Nothing this state may receive fits: the engine sends it to CTED's triage (IMO suggested).
    expect(await stepOf(state)).toBe('cted_triage');
    expect(await state.locator('article.match').count()).toBe(0);

    const cted = await as('cted');
    await open(cted, '/triage?reason=nothing_eligible');
    const item = cted.locator(`li.triage-item[data-request="${id}"]`);
    expect(await item.locator('li[data-reason=nothing_eligible]').count()).toBe(1);
    await item.locator('summary').click();
    await item.locator(`input[name="park-reason-${id}"]`).fill('لا توجد حتى الآن جهة تقدم تدريبًا على مدونة ISPS');
    await submit(cted, item.locator('form.act-park button'));
    expect(await cted.locator(`li.triage-item[data-request="${id}"]`).count()).toBe(0);
    await open(cted, '/triage?view=parked');
    expect(await cted.locator(`li.triage-item[data-request="${id}"]`).count()).toBe(1);

    await open(state, `/requests/${id}`);
    expect(await stepOf(state)).toBe('waiting_offering');
    expect(await state.locator('p.parked').textContent()).toContain('ISPS');

    // A provider registers a port security offering through its own form, in Chinese.
    const provider = await as('unodcProvider');
    await open(provider, '/offerings/new');
    await provider.locator('#f-title').fill('ISPS Code training for port facility security officers');
    await provider.locator('#f-description').fill('Training for port facility security officers and designated authorities on the ISPS Code: port facility security plans, drills and exercises.');
    await provider.locator('#f-languages-fr').check();
    await provider.locator('#f-modalities-training').check();
    await submit(provider, 'form[action="/offerings"] button[type=submit]');
    expect(await provider.locator('table.data tbody tr', { hasText: 'ISPS Code training' }).locator('.badge-ok').count()).toBe(1);
    await t.drain();

    // It is proposed to the waiting request, which comes back to the triage.
    await open(cted, '/triage');
    expect(await cted.locator(`li.triage-item[data-request="${id}"] li[data-reason=new_proposal]`).count()).toBe(1);
    await approve(id, 'ISPS Code training');
    await forward('imo', id, 'ISPS Code training');
    await acceptAndStart('unodcProvider', id);
    await feedback('GHA', id);
  });

  it('duplicate: a near-identical second request is not routed; CTED, the entity and the provider see it; CTED merges it into the first', async () => {
    const first = await file('MLI', { title: 'Formation des analystes de notre CRF au financement du terrorisme', description: FIU.description });
    const second = await file('MLI', { title: 'Formation des analystes de la CRF sur le financement du terrorisme', description: FIU.description });
    const state = await as('state:MLI');
    expect(await stepOf(state)).toBe('cted_duplicate');
    expect(await state.locator(`#duplicates li.duplicate[data-other="${first}"]`).textContent()).toContain('Formation des analystes de notre CRF');

    // CTED approves the first; UNODC forwards it; the entity and the provider see the later one.
    const cted = await as('cted');
    await open(cted, '/triage?reason=possible_duplicate');
    expect(await cted.locator(`li.triage-item[data-request="${second}"]`).count()).toBe(1);
    await approve(first, UNODC_OFFERING.title);
    const entity = await as('unodc');
    await open(entity, `/requests/${first}`);
    expect(await entity.locator(`#duplicates li.duplicate[data-other="${second}"]`).textContent()).toContain('Formation des analystes de la CRF sur');
    await open(entity, '/entity');
    expect(await entity.locator('article', { has: entity.locator(`a[href="/requests/${first}"]`) }).locator('.badge-overdue').count()).toBeGreaterThanOrEqual(1);
    await forward('unodc', first, UNODC_OFFERING.title);
    const provider = await as('unodcProvider');
    await open(provider, `/requests/${first}`);
    // The provider may not see the later request (never matched with it): it learns there is one.
    expect(await provider.locator(`#duplicates li.duplicate[data-other="${second}"]`).textContent()).toContain('您无权查看的请求');

    // CTED confirms on the later request: merged, pointing to the earlier one.
    await open(cted, `/requests/${second}`);
    await submit(cted, cted.locator(`#duplicates li.duplicate[data-other="${first}"] button[value=confirm]`));
    expect(await cted.locator('main > .notice').textContent()).toBe('سُجّل القرار بشأن التكرار.');
    await open(state, `/requests/${second}`);
    expect(await stepOf(state)).toBe('merged');
    expect(await state.locator('.badge').first().textContent()).toBe('Rejetée');
    expect(await state.locator(`#duplicates li.duplicate[data-other="${first}"]`).textContent()).toContain('Fusionnée avec la demande antérieure');
  });

  it('triage: CTED attaches an offering found through the directory search, routes to an entity of its choice, closes a request; the state withdraws consent', async () => {
    const aviation = { title: 'Sûreté de l’aviation : contrôle des passagers et des bagages', description: 'Notre aéroport international doit améliorer l’inspection-filtrage des passagers et des bagages de soute et le programme national de sûreté de l’aviation civile.' };
    const attachTo = await file('TCD', aviation);
    const closing = await file('NER', aviation);
    const cted = await as('cted');
    await open(cted, '/triage?reason=nothing_eligible');
    const item = cted.locator(`li.triage-item[data-request="${attachTo}"]`);
    await item.locator('summary').click();
    await item.locator(`#f-q-${attachTo}`).fill('FIU');
    await submit(cted, item.locator('form.attach-search button'));
    // The results open under that request, proposable offerings the state is eligible for.
    const results = cted.locator(`li.triage-item[data-request="${attachTo}"] form.attach-form`);
    expect(await results.locator('input[name=offeringId]').count()).toBeGreaterThanOrEqual(1);
    await results.locator('label', { hasText: UNODC_OFFERING.title }).click();
    await results.locator('select[name=entity]').selectOption('UNODC');
    await submit(cted, results.locator('button[type=submit]'));
    expect(await cted.locator('main > .notice').textContent()).toBe('أُضيف العرض واعتُمد.');
    const state = await as('state:TCD');
    await open(state, `/requests/${attachTo}`);
    expect(await stepOf(state)).toBe('entity_forward');
    expect(await state.locator('article.match[data-status=approved] .attached').count()).toBe(1);

    // Route to an entity of CTED's choice, then close, from the request page.
    await open(cted, `/requests/${closing}`);
    await cted.locator(`select[name="entity-${closing}"]`).selectOption('ICAO');
    await cted.locator(`input[name="route-note-${closing}"]`).fill('ICAO runs the aviation security programme');
    await submit(cted, 'form.act-route button');
    expect(await cted.locator('main > .notice').textContent()).toBe('أُحيل الطلب إلى الكيان.');
    expect(await stepOf(cted)).toBe('entity_find');
    expect(await cted.locator('#next-step').textContent()).toContain('ICAO');
    // A reason is required: the browser will not send the form without one.
    expect(await cted.locator(`input[name="close-reason-${closing}"]`).evaluate((el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing)).toBe(true);
    await cted.locator(`input[name="close-reason-${closing}"]`).fill('Couvert par le programme régional de l’OACI déjà en cours');
    await submit(cted, 'form.act-close button');
    const niger = await as('state:NER');
    await open(niger, `/requests/${closing}`);
    expect(await stepOf(niger)).toBe('closed');
    expect(await niger.locator('#history tbody tr[data-to=rejected] td.note').textContent()).toContain('Couvert par le programme régional');

    // The state stops sharing its open request with providers: nothing can be forwarded to them.
    await open(state, `/requests/${attachTo}`);
    await submit(state, '#consent button');
    expect(await state.locator('#consent p').first().textContent()).toBe('Les prestataires ne peuvent pas consulter cette demande, et rien ne peut leur être transmis.');
  });

  it('decline: the provider declines with its reason, the state and the entity read it, CTED approves another offering, which is accepted', async () => {
    const id = await file('NGA', { title: 'Financement du terrorisme : former les analystes de la CRF', description: 'Notre cellule de renseignement financier demande une formation de ses analystes aux typologies du financement du terrorisme et aux déclarations de soupçon, puis un mentorat.' });
    await approve(id, UNODC_OFFERING.title);
    await forward('unodc', id, UNODC_OFFERING.title);

    const provider = await as('unodcProvider');
    await open(provider, `/requests/${id}`);
    const card = provider.locator('article.match', { hasText: UNODC_OFFERING.title });
    await card.locator('select[name^="reason-"]').selectOption('no_capacity');
    await card.locator('input[name^="note-"]').fill('2027 年的名额已满');
    await submit(provider, card.locator('form.decline button'));

    const state = await as('state:NGA');
    await open(state, `/requests/${id}`);
    const declined = state.locator('article.match[data-status=declined]');
    expect(await declined.locator('.decline-reason').textContent()).toBe('Le prestataire l’a déclinée : Capacité insuffisante.');
    expect(await declined.locator('.decline-note').textContent()).toContain('2027 年的名额已满');
    expect(await stepOf(state)).toBe('cted_review');
    const entity = await as('unodc');
    await open(entity, '/entity');
    expect(await entity.locator('article', { has: entity.locator(`a[href="/requests/${id}"]`) }).locator('.decline-reason').textContent()).toContain('2027 年的名额已满');

    // CTED approves the other offering; UNODC forwards it to Norway, which accepts (in Russian).
    await approve(id, NORWAY_OFFERING.title);
    await forward('unodc', id, NORWAY_OFFERING.title);
    await acceptAndStart('norway', id);
    await feedback('NGA', id);
    expect(await historyOf(state)).toEqual(['submitted', 'matched', 'in_review', 'routed', 'accepted', 'in_delivery', 'completed']);
  });
});
