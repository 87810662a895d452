import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, signInPerson, type WebSession } from '../helpers/web-session.js';

describe('notification and saved-search pages', () => {
  let t: TestApp;
  let c: Cast;
  let state: WebSession;
  let provider: WebSession;
  beforeAll(async () => {
    t = await buildTestApp({ db: 'pglite' });
    await t.startWorkers();
    c = await castOf(t);
    state = await signInPerson(t, await createPerson(t, { kind: 'member_state', binding: { memberState: 'SEN' }, language: 'fr' }));
    provider = await signInPerson(t, await createPerson(t, { kind: 'provider', binding: { providerId: c.providerAId }, language: 'es' }));
  }, 120_000);
  afterAll(async () => { await t?.close(); });

  it('lists a person\'s notifications with the unread count in the header, marks them read, and saves mail choices', async () => {
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest })).body.id as string;
    await t.drain();
    const q = await t.call({ method: 'POST', url: `/v1/requests/${id}/messages`, key: c.cted, payload: { visibility: 'shared', body: 'How many analysts work in the unit?', addressee: 'state' } });
    expect(q.status).toBe(201);
    await t.drain();
    const home = await state.get('/', 'fr');
    expect(home.html).toMatch(/id="unread-count"[^>]*>Notifications <span class="unread">1 non lues<\/span>/);
    const list = await state.get('/notifications', 'fr');
    expect(list.status).toBe(200);
    expect(list.html).toContain('Une question vous a été posée sur la demande « Strengthening our financial intelligence unit »');
    const nid = /id="notification-([0-9a-f-]{36})" class="unread"/.exec(list.html)![1];
    expect((await state.post(`/notifications/${nid}/read`, {}, 'fr')).status).toBe(303);
    expect((await state.get('/notifications', 'fr')).html).toContain(`id="notification-${nid}" class="read"`);
    expect((await state.get('/', 'fr')).html).not.toContain('non lues');
    expect((await state.post('/notifications/preferences', { question: 'weekly', yearly_check: 'never' }, 'fr')).status).toBe(303);
    const saved = await state.get('/notifications?saved', 'fr');
    expect(saved.html).toContain('Vos choix sont enregistrés.');
    expect(saved.html).toMatch(/name="question"[\s\S]*?<option value="weekly" selected/);
  }, 60_000);

  it('lets a provider save and delete a search, with a clear error in its language', async () => {
    const bad = await provider.post('/saved-searches', { name: '', regions: 'XX1', words: 'formation' }, 'es');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Nombre de la búsqueda');
    const ok = await provider.post('/saved-searches', { name: 'Formación judicial', regions: '011 SEN', modalities: 'training', words: 'formation judiciaire' }, 'es');
    expect(ok.status).toBe(303);
    const page = await provider.get('/saved-searches?saved', 'es');
    expect(page.html).toContain('Su búsqueda está guardada.');
    const sid = /id="search-([0-9a-f-]{36})"/.exec(page.html)![1];
    expect((await provider.post(`/saved-searches/${sid}/delete`, {}, 'es')).status).toBe(303);
    expect((await provider.get('/saved-searches', 'es')).html).toContain('Aún no hay búsquedas guardadas.');
    // Only providers have saved searches.
    expect((await state.get('/saved-searches', 'fr')).status).toBe(403);
  }, 60_000);
});
