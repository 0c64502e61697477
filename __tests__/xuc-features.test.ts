/**
 * The environment file's `auth` section as xuc features (stacks/xuc-features.ts): which modes the
 * xuc and xucmgt of each product get. The mapping is the YAML path's; the constructs themselves are
 * tested from their props in xuc-service.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LDAP, LDAP_CA_PEM, REALM } from './support/auth-fixtures';
import { build, containerNamed, envOf, uploadOf, withAuth } from './support/auth-stack';
import { tempDir } from './support/environments';

fs.writeFileSync(path.join(tempDir(), 'ca.pem'), LDAP_CA_PEM);

const KERBEROS = { ...REALM, keytabFile: 'xuc.keytab' };

/** A synthesized container and its env as a map. */
function container(json: Record<string, any>, name: string): { env: Record<string, string>; res: Record<string, any> } {
  const res = containerNamed(json, name);
  return { res, env: envOf(res) };
}

describe('the auth section', () => {
  test('with every mode: each mode reaches xuc and xucmgt, a private CA a truststore, the defaults those of the model', () => {
    const all = build(
      withAuth({
        xivo: false,
        ldap: { ...LDAP, caFile: 'ca.pem' },
        kerberos: KERBEROS,
        cas: { serverUrl: 'https://cas.example.com/cas' },
        oidc: { serverUrl: 'https://id.example.com/realms/x', clientId: 'web' },
        outboundQueue: { name: 'outbound', number: '3000' },
      }),
    );
    const json = all.json(all.xuc());
    const xuc = container(json, 'xivocc-xuc');
    expect(xuc.env).toMatchObject({
      CAS_SERVER_URL: 'https://cas.example.com/cas',
      CAS_LOGOUT_ENABLE: 'false',
      OIDC_CLIENT_ID: 'web',
      OIDC_USERNAME_FIELD: 'preferred_username',
      LOGIN_TIMEOUT_MS: '5000',
    });
    expect(xuc.env.JAVA_OPTS).toContain('-Dsecured.krb5.principal=HTTP/cc.test.example.com');
    expect(xuc.env.JAVA_OPTS).toContain('-Djavax.net.ssl.trustStore=/customSslTrustStore/ldapCertTrustStore');
    expect(uploadOf(xuc.res, '/conf/xuc.conf').content).toContain('outboundLength = 6');
    expect(uploadOf(xuc.res, '/conf/xuc.conf').content).toContain('xivo = ""');
    expect(container(json, 'xivocc-xucmgt').env).toMatchObject({
      USE_SSO: 'true',
      CAS_SERVER_URL: 'https://cas.example.com/cas',
      OIDC_CLIENT_ID: 'web',
    });
  });
});

describe('CC and UC-Addon', () => {
  const built = build(
    withAuth({ ldap: LDAP, kerberos: KERBEROS }, (e) => {
      e.publicNames.ucAddonHost = 'uc.test.example.com';
      e.servers.push({ name: 'uc', address: '10.0.0.30', docker: { host: 'ssh://deploy@10.0.0.30' }, roles: ['ucaddon'] });
    }),
  );
  const cc = container(built.json(built.xuc('cc')), 'xivocc-xuc');
  const uc = container(built.json(built.xuc('ucaddon')), built.xuc('ucaddon').service.name);

  test('LDAP without a private CA: no truststore, on both xuc', () => {
    for (const x of [cc, uc]) {
      expect(x.env.CONFIG_FILE).toBe('/conf/xuc.conf');
      expect(x.res.volumes).toBeUndefined();
      expect(x.env.JAVA_OPTS).not.toContain('trustStore');
    }
  });

  test('Kerberos applies to the front its principal names only', () => {
    expect(cc.env.JAVA_OPTS).toContain('-Dsecured.krb5.principal=HTTP/cc.test.example.com');
    expect(uc.env.JAVA_OPTS).toBe('-Xms512m -Xmx2048m');
    expect(container(built.json(built.xucmgt('ucaddon')), built.xucmgt('ucaddon').service.name).env.USE_SSO).toBeUndefined();
  });

  test('a principal naming the UC-Addon front applies there', () => {
    const uc2 = build(
      withAuth({ kerberos: { ...KERBEROS, principal: 'HTTP/uc.test.example.com', encryptionTypes: ['arcfour-hmac'] } }, (e) => {
        e.publicNames.ucAddonHost = 'uc.test.example.com';
        e.servers.push({ name: 'uc', address: '10.0.0.30', docker: { host: 'ssh://deploy@10.0.0.30' }, roles: ['ucaddon'] });
      }),
    );
    const x = container(uc2.json(uc2.xuc('ucaddon')), uc2.xuc('ucaddon').service.name);
    expect(x.env.JAVA_OPTS).toContain('-Dsecured.krb5.principal=HTTP/uc.test.example.com');
    expect(uploadOf(x.res, '/etc/krb5.conf').content).toContain('\tallow_weak_crypto = true\n');
  });
});

describe('Kerberos through the Edge reverse proxy', () => {
  const built = build(
    withAuth({ kerberos: { ...KERBEROS, principal: 'HTTP/rpx.test.example.com' } }, (e) => {
      e.edge = { publicName: 'rpx.test.example.com' };
      e.servers.push({ name: 'edge', address: '192.0.2.10', docker: { host: 'ssh://deploy@192.0.2.10' }, roles: ['edge'] });
    }),
  );
  const json = built.json(built.xuc());

  test('a principal naming the Edge front applies to the CC xuc, and XUC_HOST follows it', () => {
    expect(container(json, 'xivocc-xuc').env).toMatchObject({ XUC_HOST: 'rpx.test.example.com' });
    expect(container(json, 'xivocc-xuc').env.JAVA_OPTS).toContain('-Dsecured.krb5.principal=HTTP/rpx.test.example.com');
    expect(container(json, 'xivocc-xucmgt').env).toMatchObject({ USE_SSO: 'true', XUC_HOST: 'rpx.test.example.com' });
  });
});
