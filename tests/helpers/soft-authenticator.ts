import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A software WebAuthn authenticator (ES256, attestation "none") for inject tests: it answers the
 * server's options as a browser and a platform authenticator would, so the server's verification
 * (by @simplewebauthn/server) runs on real signatures. The browser test uses Chromium's own
 * virtual authenticator instead. Written here because no package does the authenticator side for
 * Node; only the CBOR needed for a COSE key and an attestation object is encoded.
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  counter = 0;

  constructor(readonly origin: string) {}

  get id(): string { return this.credentialId.toString('base64url'); }

  private rpIdHash(rpId: string) { return createHash('sha256').update(rpId).digest(); }

  private clientData(type: string, challenge: string, origin = this.origin) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** The answer to navigator.credentials.create(options). */
  register(options: { challenge: string; rp: { id?: string } }, o: { origin?: string } = {}) {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    const cose = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const len = Buffer.alloc(2); len.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([this.rpIdHash(rpId), Buffer.from([0x45]), u32(this.counter), Buffer.alloc(16), len, this.credentialId, cose]);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: this.id, rawId: this.id, type: 'public-key' as const, clientExtensionResults: {}, authenticatorAttachment: 'platform' as const,
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge, o.origin).toString('base64url'),
        attestationObject: attestationObject.toString('base64url'), transports: ['internal' as const],
      },
    };
  }

  /** The answer to navigator.credentials.get(options); the counter goes up unless told otherwise. */
  authenticate(options: { challenge: string; rpId?: string }, o: { origin?: string; counter?: number; key?: KeyObject } = {}) {
    this.counter = o.counter ?? this.counter + 1;
    const authData = Buffer.concat([this.rpIdHash(options.rpId ?? new URL(this.origin).hostname), Buffer.from([0x05]), u32(this.counter)]);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, o.origin);
    const signature = sign('sha256', Buffer.concat([authData, createHash('sha256').update(clientDataJSON).digest()]), o.key ?? this.keys.privateKey);
    return {
      id: this.id, rawId: this.id, type: 'public-key' as const, clientExtensionResults: {}, authenticatorAttachment: 'platform' as const,
      response: { clientDataJSON: clientDataJSON.toString('base64url'), authenticatorData: authData.toString('base64url'), signature: signature.toString('base64url') },
    };
  }
}

function u32(n: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; }

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(n, 1); return b;
}

/** CBOR (RFC 8949) for integers, byte and text strings and maps: what COSE keys and attestation objects use. */
function cbor(v: unknown): Buffer {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') { const s = Buffer.from(v, 'utf8'); return Buffer.concat([head(3, s.length), s]); }
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (v instanceof Map) return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
  throw new Error(`cbor: cannot encode ${typeof v}`);
}
