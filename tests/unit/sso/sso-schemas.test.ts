import { describe, expect, it } from 'vitest';
import { EmailDomain, IssuerUrl, ProviderRegistrationBody, SsoConfigBody } from '../../../src/modules/sso/sso.schemas.js';

const good = { organisationName: 'Nordic Counter-Terrorism Fund', kind: 'member_state', contactName: 'Ingrid Hansen', contactEmail: ' Ingrid.Hansen@Example.NO ', country: 'nor', website: 'https://www.example.no' };

describe('provider registration form', () => {
  it('accepts a complete registration and normalises it', () => {
    const r = ProviderRegistrationBody.parse(good);
    expect(r).toMatchObject({ contactEmail: 'ingrid.hansen@example.no', country: 'NOR', language: 'en', kind: 'member_state' });
  });

  it('names each missing or bad field', () => {
    const r = ProviderRegistrationBody.safeParse({ organisationName: 'X', kind: 'task_force_entity', contactName: '', contactEmail: 'not-an-address', country: 'Norway', website: 'javascript:alert(1)' });
    expect(r.success).toBe(false);
    const paths = new Set(r.error!.issues.map((i) => String(i.path[0])));
    expect([...paths].sort()).toEqual(['contactEmail', 'contactName', 'country', 'kind', 'organisationName', 'website']);
  });

  it('refuses a website without a host name, with credentials, or of another scheme, and unknown fields', () => {
    for (const website of ['https://localhost', 'https://user:pw@example.org', 'ftp://example.org', 'example.org']) {
      expect(ProviderRegistrationBody.safeParse({ ...good, website }).success, website).toBe(false);
    }
    expect(ProviderRegistrationBody.safeParse({ ...good, status: 'active' }).success).toBe(false);
    expect(ProviderRegistrationBody.safeParse({ ...good, organisationName: 'A\u0000B' }).success).toBe(false);
  });
});

describe('identity provider settings', () => {
  it('takes https issuers, and http only on this machine', () => {
    expect(IssuerUrl.safeParse('https://login.microsoftonline.com/tenant/v2.0').success).toBe(true);
    expect(IssuerUrl.safeParse('http://127.0.0.1:4000').success).toBe(true);
    expect(IssuerUrl.safeParse('http://idp.example.org').success).toBe(false);
    expect(IssuerUrl.safeParse('https://idp.example.org/?x=1').success).toBe(false);
    expect(IssuerUrl.safeParse('not a url').success).toBe(false);
  });

  it('reads e-mail domains as people type them', () => {
    expect(EmailDomain.parse(' @UNODC.org ')).toBe('unodc.org');
    for (const d of ['unodc', 'un odc.org', '-x.org', 'x@y.org']) expect(EmailDomain.safeParse(d).success, d).toBe(false);
  });

  it('defaults to reader, switched on, and asks for at least one domain', () => {
    const c = SsoConfigBody.parse({ issuer: 'https://idp.un.org', clientId: 'onedoor', allowedDomains: ['un.org'] });
    expect(c).toMatchObject({ defaultRole: 'reader', enabled: true, idpEnforcesMfa: false });
    expect(SsoConfigBody.safeParse({ issuer: 'https://idp.un.org', clientId: 'onedoor', allowedDomains: [] }).success).toBe(false);
    expect(SsoConfigBody.safeParse({ issuer: 'https://idp.un.org', clientId: 'onedoor', allowedDomains: ['un.org'], defaultRole: 'admin' }).success).toBe(false);
  });
});
