import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Resolve, ResolvedAddress } from '../../src/modules/webhooks/webhook-address.js';

/** Answers for one name: its A and AAAA records. */
export interface Records { A?: string[]; AAAA?: string[] }

/**
 * A tiny authoritative DNS server on a free UDP port of 127.0.0.1, for names the test gives it
 * (others answer NXDOMAIN). `answer` may change between queries (DNS rebinding); every query is
 * recorded. `resolve` is what OneDoor's webhook guard is given instead of the system resolver.
 */
export async function startDnsServer(answer: (name: string, queryNo: number) => Records | undefined) {
  const queries: Array<{ name: string; type: string }> = [];
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    queries.push({ name, type: question.type });
    const records = answer(name, queries.filter((x) => x.name === name && x.type === question.type).length);
    const data = question.type === 'A' ? records?.A ?? [] : question.type === 'AAAA' ? records?.AAAA ?? [] : [];
    const res = dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | (records ? 0 : 3 /* NXDOMAIN */), questions: q.questions,
      answers: data.map((address) => ({ type: question.type as 'A' | 'AAAA', class: 'IN' as const, name: question.name, ttl: 0, data: address })),
    });
    socket.send(res, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const { port } = socket.address() as AddressInfo;
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const resolve: Resolve = async (host) => {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const out: ResolvedAddress[] = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
    ];
    if (!out.length) {
      const err = v4.status === 'rejected' ? v4.reason : new Error(`${host} has no address`);
      throw Object.assign(err, { code: (err as { code?: string }).code ?? 'ENOTFOUND' });
    }
    return out;
  };
  return { port, queries, resolve, close: () => new Promise<void>((r) => socket.close(() => r())) };
}
