import { DomainError } from '../common/domain-error';
import { parseLdapSettings, parseOidcSettings, secretOf, unwrapConfig } from './idp-config';

const oidc = { issuer_url: 'https://login.example.com/', client_id: 'console', client_secret: 's3cret' };
const ldap = { url: 'ldaps://ldap.example.com:636', user_search_base: 'ou=people,dc=example,dc=com', bind_password: 'pw' };

describe('identity provider settings', () => {
  it('fills OIDC defaults, keeps openid in the scopes and never stores the secret with the settings', () => {
    const s = parseOidcSettings({ ...oidc, scopes: 'profile email' });
    expect(s).toMatchObject({
      issuer_url: 'https://login.example.com',
      scopes: ['openid', 'profile', 'email'],
      username_claim: 'preferred_username',
      groups_claim: 'groups',
      auto_create_users: false,
      default_role: null,
    });
    expect(JSON.stringify(s)).not.toContain('s3cret');
    expect(secretOf('oidc', oidc)).toBe('s3cret');
    expect(secretOf('oidc', { client_id: 'x' })).toBeUndefined();
  });

  it('refuses admin as a default role, unknown settings and bad values, naming the field', () => {
    const msg = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(msg(() => parseOidcSettings({ ...oidc, default_role: 'admin' }))).toMatch(/config.default_role cannot be admin/);
    expect(msg(() => parseOidcSettings({ ...oidc, colour: 'blue' }))).toMatch(/config.colour is not a setting/);
    expect(msg(() => parseOidcSettings({ ...oidc, issuer_url: 'ftp://x' }))).toMatch(/config.issuer_url/);
    expect(msg(() => parseLdapSettings({ ...ldap, url: 'http://ldap' }))).toMatch(/config.url/);
    expect(msg(() => parseLdapSettings({ ...ldap, user_filter: 'objectClass=person' }))).toMatch(/config.user_filter/);
    expect(msg(() => parseLdapSettings({ ...ldap, start_tls: true }))).toMatch(/config.start_tls/);
    expect(msg(() => parseLdapSettings({ ...ldap, attr_username: 'uid)(x' }))).toMatch(/config.attr_username/);
  });

  it('keeps current settings on update and accepts the MaxIOFS nesting', () => {
    const base = parseLdapSettings(ldap);
    expect(parseLdapSettings({ auto_create_users: true }, base)).toEqual({ ...base, auto_create_users: true });
    expect(unwrapConfig('oidc', { oauth2: { client_id: 'x' } })).toEqual({ client_id: 'x' });
    expect(unwrapConfig('ldap', { ldap: { url: 'ldap://x' } })).toEqual({ url: 'ldap://x' });
  });
});
