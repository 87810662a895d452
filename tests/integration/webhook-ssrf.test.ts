import { randomUUID } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliveries, webhookSubscriptions } from '../../db/schema/index.js';
import { refusedBecause } from '../../src/modules/webhooks/webhook-address.js';
import { signedText, signWebhook, verifyWebhook } from '../../src/modules/webhooks/webhook-signature.js';
import { createWebhooksService, type WebhooksService } from '../../src/modules/webhooks/webhooks.service.js';
import { startDnsServer, type Records } from '../helpers/dns-server.js';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

/** Hosts that must never receive a webhook, in the spellings the attack run used and the usual others. */
const REFUSED_URLS = [
  'http://127.0.0.1/hook', 'http://localhost/hook', 'http://LOCALHOST./hook', 'http://127.1/hook', 'http://2130706433/hook', 'http://0x7f.0.0.1/hook',
  'http://017700000001/hook', 'http://0/hook', 'http://0.0.0.0/hook', 'http://[::1]/hook', 'http://[::]/hook',
  // IPv4-mapped IPv6, every spelling
  'http://[::ffff:127.0.0.1]/hook', 'http://[::ffff:7f00:1]/hook', 'http://[0:0:0:0:0:ffff:127.0.0.1]/hook', 'http://[::FFFF:127.0.0.1]/hook',
  'http://[::ffff:169.254.169.254]/latest/meta-data', 'http://[::ffff:a9fe:a9fe]/latest/meta-data', 'http://[::ffff:10.0.0.1]/hook',
  // IPv4-compatible (deprecated), NAT64, 6to4 of loopback
  'http://[::127.0.0.1]/hook', 'http://[::7f00:1]/hook', 'http://[::a9fe:a9fe]/hook', 'http://[64:ff9b::7f00:1]/hook', 'http://[64:ff9b::a9fe:a9fe]/hook',
  'http://[64:ff9b:1::a00:1]/hook', 'http://[2002:7f00:1::]/hook',
  // private, link-local, carrier-grade NAT, benchmarking (198.18/15), reserved, documentation, broadcast, multicast
  'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/hook', 'http://172.16.0.1/hook', 'http://172.31.255.255/hook', 'http://192.168.1.1/hook',
  'http://100.64.0.1/hook', 'http://198.18.0.1/hook', 'http://198.19.255.254/hook', 'http://192.0.0.8/hook', 'http://192.0.2.10/hook',
  'http://203.0.113.5/hook', 'http://240.0.0.1/hook', 'http://255.255.255.255/hook', 'http://224.0.0.1/hook', 'http://239.255.255.250/hook',
  // IPv6 unique-local, link-local, site-local, multicast, documentation, benchmarking, Teredo
  'http://[fc00::1]/hook', 'http://[fd12:3456:789a::1]/hook', 'http://[fe80::1]/hook', 'http://[fec0::1]/hook', 'http://[feff::1]/hook',
  'http://[ff02::1]/hook', 'http://[ff05::1:3]/hook', 'http://[2001:db8::1]/hook', 'http://[2001:2::1]/hook', 'http://[2001::1]/hook',
];

describe('webhook addresses (SSRF)', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => {
    t = await buildTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_TIMEOUT_MS: '2000' } });
    c = await castOf(t);
  });
  afterAll(async () => { await t?.close(); });

  /** The webhooks service over the test app's database, resolving through `resolve`. */
  const service = (resolve: Parameters<typeof createWebhooksService>[0]['resolve'], allowPrivate = false): WebhooksService =>
    createWebhooksService({ db: t.db.db, queue: t.queue, reference: t.services.reference, config: { WEBHOOK_ALLOW_PRIVATE: allowPrivate, WEBHOOK_TIMEOUT_MS: 2000 }, resolve });
  const entity = () => ({ keyId: null, role: 'entity' as const, memberState: null, providerId: null, entity: 'UNODC', label: 'UNODC desk', userId: null, organisationId: null, memberRole: null });

  /** A stored subscription and one pending delivery for it, as fan-out leaves them. */
  async function pendingDelivery(url: string) {
    const [s] = await t.db.db.insert(webhookSubscriptions).values({ entityCode: 'UNODC', url, secret: 'whsec_test', events: ['request.routed'] }).returning();
    const [d] = await t.db.db.insert(webhookDeliveries).values({ subscriptionId: s.id, eventId: randomUUID(), topic: 'request.routed', payload: { id: randomUUID(), type: 'request.routed', data: { requestId: randomUUID() } } }).returning();
    return d.id;
  }
  const deliveryRow = async (id: string) => (await t.db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0];

  it.each(REFUSED_URLS)('refuses a subscription to %s', async (url) => {
    const res = await t.call({ method: 'POST', url: '/v1/webhooks', key: c.unodc, payload: { url } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('url');
  });

  it('refuses the machine\'s own host name and every address of its own interfaces', async () => {
    const own = Object.values(networkInterfaces()).flat().map((a) => a!.address.split('%')[0]!);
    expect(own.length).toBeGreaterThan(0);
    const urls = [`http://${hostname()}:8080/hook`, ...own.map((a) => (a.includes(':') ? `http://[${a}]/hook` : `http://${a}/hook`))];
    for (const url of urls) {
      const res = await t.call({ method: 'POST', url: '/v1/webhooks', key: c.unodc, payload: { url } });
      expect(res.status, url).toBe(400);
    }
  });

  it('accepts public addresses, IPv4 and IPv6 (nothing is sent at subscription)', async () => {
    for (const url of ['https://93.184.216.34/hook', 'https://[2606:4700:4700::1111]/hook', 'http://[::ffff:93.184.216.34]/hook']) {
      const res = await t.call({ method: 'POST', url: '/v1/webhooks', key: c.unodc, payload: { url } });
      expect(res.status, url).toBe(201);
    }
  });

  it('classifies after unmapping, and names the reason', () => {
    const none = new Set<string>();
    expect(refusedBecause('::ffff:127.0.0.1', none)).toBe('a loopback address');
    expect(refusedBecause('::ffff:169.254.169.254', none)).toBe('a link-local address');
    expect(refusedBecause('::127.0.0.1', none)).toBe('a loopback address'); // ipaddr.js reads the dotted form as IPv4
    expect(refusedBecause('::a9fe:a9fe', none)).toBe('an IPv4-compatible address');
    expect(refusedBecause('64:ff9b::7f00:1', none)).toBe('a NAT64 address');
    expect(refusedBecause('198.18.0.1', none)).toMatch(/benchmarking/);
    expect(refusedBecause('fec0::1', none)).toBe('a site-local address');
    expect(refusedBecause('ff02::1', none)).toBe('a multicast address');
    expect(refusedBecause('224.0.0.251', none)).toBe('a multicast address');
    expect(refusedBecause('93.184.216.34', none)).toBeNull();
    expect(refusedBecause('93.184.216.34', new Set(['93.184.216.34']))).toBe('an address of this server');
    expect(refusedBecause('2606:4700:4700::1111', none)).toBeNull();
    expect(refusedBecause('4000::1', none)).toMatch(/global unicast/);
  });

  it('resolves a name and refuses it when any of its addresses is loopback or private', async () => {
    const zone: Record<string, Records> = {
      'loop.test': { A: ['127.0.0.1'] },
      'mapped.test': { AAAA: ['::ffff:127.0.0.1'] },
      'mixed.test': { A: ['93.184.216.34', '10.0.0.7'] },
      'metadata.test': { A: ['169.254.169.254'] },
      'public.test': { A: ['93.184.216.34'], AAAA: ['2606:4700:4700::1111'] },
    };
    const dns = await startDnsServer((name) => zone[name]);
    try {
      const svc = service(dns.resolve);
      for (const host of ['loop.test', 'mapped.test', 'mixed.test', 'metadata.test', 'nowhere.test']) {
        await expect(svc.subscribe(entity(), { url: `https://${host}/hook` }), host).rejects.toMatchObject({ statusCode: 400 });
      }
      await expect(svc.subscribe(entity(), { url: 'https://loop.test/hook' })).rejects.toMatchObject({ details: [{ path: 'url', message: expect.stringContaining('127.0.0.1, a loopback address') }] });
      expect((await svc.subscribe(entity(), { url: 'https://public.test/hook' })).id).toBeTruthy();
      expect(dns.queries.some((q) => q.name === 'loop.test' && q.type === 'A')).toBe(true);
    } finally { await dns.close(); }
  });

  it('checks again at delivery: a name that now resolves to loopback (DNS rebinding) gets nothing', async () => {
    const receiver = await startReceiver();
    let target = '93.184.216.34';
    const dns = await startDnsServer((name) => (name === 'rebind.test' ? { A: [target] } : undefined));
    try {
      const svc = service(dns.resolve);
      const sub = await svc.subscribe(entity(), { url: `http://rebind.test:${receiver.port}/hook` });
      expect(sub.id).toBeTruthy();
      target = '127.0.0.1'; // the name now points at the server itself
      const [d] = await t.db.db.insert(webhookDeliveries).values({ subscriptionId: sub.id, eventId: randomUUID(), topic: 'request.routed', payload: { type: 'request.routed' } }).returning();
      await expect(svc.deliver(d.id, 1)).rejects.toThrow(/refused: rebind\.test resolves to 127\.0\.0\.1, a loopback address/);
      expect(receiver.attempts).toBe(0);
      expect(await deliveryRow(d.id)).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: expect.stringContaining('loopback') });
    } finally { await dns.close(); await receiver.close(); }
  });

  it('checks again at delivery: a loopback subscription kept from before is not delivered to', async () => {
    const receiver = await startReceiver();
    try {
      const id = await pendingDelivery(receiver.url);
      await expect(service(undefined).deliver(id, 1)).rejects.toThrow(/loopback/);
      expect(receiver.attempts).toBe(0);
      const mapped = await pendingDelivery(`http://[::ffff:127.0.0.1]:${receiver.port}/hook`);
      await expect(service(undefined).deliver(mapped, 1)).rejects.toThrow(/loopback/);
      expect(receiver.attempts).toBe(0);
    } finally { await receiver.close(); }
  });

  it('connects to the address it checked: one resolution per delivery, whatever the name answers next', async () => {
    // With private addresses allowed (a single-host install) the name still resolves once, and the
    // connection goes where that answer said, not where a second lookup would say.
    const first = await startReceiver({ host: '127.0.0.1' });
    const second = await startReceiver({ host: '127.0.0.2', port: first.port });
    const dns = await startDnsServer((name, n) => (name === 'pinned.test' ? { A: [n === 1 ? '127.0.0.1' : '127.0.0.2'] } : undefined));
    try {
      const svc = service(dns.resolve, true);
      const id = await pendingDelivery(`http://pinned.test:${first.port}/hook`);
      expect(await svc.deliver(id, 1)).toBe('delivered');
      expect(dns.queries.filter((q) => q.name === 'pinned.test' && q.type === 'A')).toHaveLength(1);
      expect(first.received).toHaveLength(1);
      expect(second.attempts).toBe(0);
      expect(first.received[0].headers.host).toBe(`pinned.test:${first.port}`);
    } finally { await dns.close(); await first.close(); await second.close(); }
  });

  it('never follows a redirect', async () => {
    const elsewhere = await startReceiver();
    const redirecting = await startReceiver({ status: 307, headers: { location: elsewhere.url } });
    try {
      const id = await pendingDelivery(redirecting.url);
      await expect(service(undefined, true).deliver(id, 1)).rejects.toThrow(/redirects are not followed/);
      expect(redirecting.attempts).toBe(1);
      expect(elsewhere.attempts).toBe(0);
      expect(await deliveryRow(id)).toMatchObject({ status: 'pending', lastStatusCode: 307 });
    } finally { await elsewhere.close(); await redirecting.close(); }
  });

  it('signs the delivery id with the timestamp and body, so the OneDoor-Delivery header cannot be swapped', async () => {
    const receiver = await startReceiver();
    try {
      const id = await pendingDelivery(receiver.url);
      await service(undefined, true).deliver(id, 1);
      const got = receiver.received[0];
      const headers = { signature: got.headers['onedoor-signature'] as string, timestamp: got.headers['onedoor-timestamp'] as string, delivery: got.headers['onedoor-delivery'] as string };
      expect(headers.delivery).toBe(id);
      expect(headers.signature).toMatch(/^v2=[0-9a-f]{64}$/);
      expect(verifyWebhook('whsec_test', headers, got.body)).toBe(true);
      expect(verifyWebhook('whsec_test', { ...headers, delivery: randomUUID() }, got.body)).toBe(false);
      expect(verifyWebhook('whsec_test', { ...headers, delivery: undefined }, got.body)).toBe(false);
      // The signed text, as the README documents it for receivers.
      expect(signedText(Number(headers.timestamp), id, got.body)).toBe(`${headers.timestamp}.${id}.${got.body}`);
      expect(signWebhook('whsec_test', Number(headers.timestamp), id, got.body)).toBe(headers.signature);
    } finally { await receiver.close(); }
  });
});
