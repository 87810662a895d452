import { lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

/** One address a host name resolved to. */
export interface ResolvedAddress { address: string; family: 4 | 6 }
/** Every address a host name resolves to (the boundary tests replace with their own DNS server). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

/** getaddrinfo, as any HTTP client would use: /etc/hosts first (so the machine's own name is seen for what it is), then DNS. */
export const resolveWithSystem: Resolve = async (hostname) =>
  (await systemLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** A webhook host that may not be reached; `reason` says why, in words a subscriber can act on. */
export class RefusedAddressError extends Error {
  constructor(readonly host: string, readonly address: string | null, readonly reason: string) {
    super(!address ? `${host}: ${reason}` : address === host ? `${host} is ${reason}` : `${host} resolves to ${address}, ${reason}`);
    this.name = 'RefusedAddressError';
  }
}

/** ipaddr.js's range names, as said to a subscriber. */
const RANGE_WORDS: Record<string, string> = {
  unspecified: 'an unspecified address', broadcast: 'a broadcast address', multicast: 'a multicast address',
  linkLocal: 'a link-local address', loopback: 'a loopback address', carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address', reserved: 'a reserved or benchmarking address (such as 198.18.0.0/15 or a documentation range)',
  uniqueLocal: 'a unique-local address', ipv4Mapped: 'an IPv4-mapped address', rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address', '6to4': 'a 6to4 address', teredo: 'a Teredo address', benchmarking: 'a benchmarking address',
  deprecatedSiteLocal: 'a site-local address', discard: 'a discard-only address',
};

/** 2000::/3, the only IPv6 block IANA allocates for global unicast. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
/** ::/96, the deprecated IPv4-compatible form (`::127.0.0.1`); ipaddr.js calls most of it unicast. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** The machine's own interface addresses (read each time: interfaces come and go). */
export function ownAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      const plain = a.address.split('%')[0]!;
      if (ipaddr.isValid(plain)) out.add(ipaddr.process(plain).toNormalizedString());
    }
  }
  return out;
}

/**
 * Why an address must not receive a webhook, or null for a public unicast address. The rule is an
 * allow-list: after unmapping IPv4-mapped IPv6 (`::ffff:127.0.0.1` is 127.0.0.1), an address is
 * public only if ipaddr.js classifies it `unicast`, and for IPv6 only inside 2000::/3; anything
 * else (loopback, private, link-local, unique-local, multicast, reserved, 198.18/15, NAT64,
 * IPv4-compatible, site-local, …) and the machine's own addresses are refused.
 */
export function refusedBecause(address: string, own: ReadonlySet<string> = ownAddresses()): string | null {
  const plain = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  if (!ipaddr.isValid(plain)) return 'not an IP address';
  const ip = ipaddr.process(plain);
  const range = ip.range();
  if (range !== 'unicast') return RANGE_WORDS[range] ?? `a special-purpose address (${range})`;
  if (ip.kind() === 'ipv6') {
    if (ip.match(IPV4_COMPATIBLE)) return 'an IPv4-compatible address';
    if (!ip.match(GLOBAL_UNICAST_V6)) return 'outside the global unicast range (2000::/3)';
  }
  if (own.has(ip.toNormalizedString())) return 'an address of this server';
  return null;
}

/**
 * The one address a delivery (or a subscription check) may connect to: the URL host resolved once,
 * every answer checked, the first returned. A literal IP is checked as it is. The caller connects
 * to exactly this address (see postPinned), so a DNS answer that changes between check and
 * connection (rebinding) cannot move the request elsewhere.
 */
export async function resolveReceiver(hostname: string, opts: { allowPrivate: boolean; resolve?: Resolve }): Promise<ResolvedAddress> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let found: ResolvedAddress[];
  if (isIP(host)) found = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  else {
    try { found = await (opts.resolve ?? resolveWithSystem)(host); } catch (err) {
      const code = (err as { code?: string }).code;
      throw new RefusedAddressError(host, null, code === 'ENOTFOUND' || code === 'ENODATA' ? 'the name does not resolve' : `the name could not be resolved (${code ?? String(err)})`);
    }
  }
  if (!found.length) throw new RefusedAddressError(host, null, 'the name does not resolve');
  if (!opts.allowPrivate) {
    const own = ownAddresses();
    for (const a of found) {
      const why = refusedBecause(a.address, own);
      if (why) throw new RefusedAddressError(host, a.address, why);
    }
  }
  return found[0]!;
}
