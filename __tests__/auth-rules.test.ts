/** The `auth` section of environment files: one test per rule, with its exact message. */
import * as fs from 'fs';
import * as path from 'path';
import { withAuth } from './support/auth-stack';
import { load, messagesOf, tempDir } from './support/environments';

const CA = fs.readFileSync(path.join(__dirname, '..', 'environments', 'sso', 'ldap-ca.pem'), 'utf8');
const ldap = (extra: Record<string, any> = {}) => ({
  url: 'ldaps://ldap.example.com:636',
  managerDN: 'cn=reader,dc=example,dc=com',
  searchBase: 'ou=people,dc=example,dc=com',
  userSearchFilter: 'uid=%s',
  ...extra,
});
const kerberos = (extra: Record<string, any> = {}) => ({
  realm: 'EXAMPLE.COM',
  kdc: ['kdc.example.com'],
  adminServer: 'kdc.example.com',
  keytabFile: 'xuc.keytab',
  ...extra,
});
const caFile = (name: string, content: string) => {
  fs.writeFileSync(path.join(tempDir(), name), content);
  return name;
};

describe('valid auth sections', () => {
  test('every mode together loads (keytab not needed: it is read at plan time)', () => {
    const env = load(
      withAuth({
        xivo: false,
        ldap: ldap({ caFile: caFile('ca.pem', CA) }),
        kerberos: kerberos(),
        cas: { serverUrl: 'https://cas.example.com/cas' },
        oidc: { serverUrl: 'https://id.example.com/realms/x', clientId: 'web' },
        outboundQueue: { name: 'outbound', number: '3000' },
      }),
    );
    expect(env.auth.kerberos?.realm).toBe('EXAMPLE.COM');
  });
});

describe('LDAP', () => {
  test('the URL needs a port', () => {
    expect(messagesOf(withAuth({ ldap: ldap({ url: 'ldaps://ldap.example.com' }) }))).toEqual([
      'auth.ldap.url: "ldaps://ldap.example.com" has no port: xuc needs it (XiVO CC "System Configuration"); write ldaps://ldap.example.com:636',
    ]);
    expect(messagesOf(withAuth({ ldap: ldap({ url: 'ldap://10.0.0.5' }) }))).toEqual([
      'auth.ldap.url: "ldap://10.0.0.5" has no port: xuc needs it (XiVO CC "System Configuration"); write ldap://10.0.0.5:389',
    ]);
  });

  test('the URL is an LDAP URL', () => {
    expect(messagesOf(withAuth({ ldap: ldap({ url: 'https://ldap.example.com:636' }) }))).toEqual([
      'auth.ldap.url: must start with ldap:// or ldaps://, e.g. "ldaps://ldap.example.com:636"',
    ]);
    expect(messagesOf(withAuth({ ldap: ldap({ url: 'ldaps://ldap.example.com:636/dc=x?uid' }) }))).toEqual([
      'auth.ldap.url: "ldaps://ldap.example.com:636/dc=x?uid" is not an LDAP URL: write ldaps://HOST:636 or ldap://HOST:389',
    ]);
  });

  test('the user search filter holds %s', () => {
    expect(messagesOf(withAuth({ ldap: ldap({ userSearchFilter: 'uid=login' }) }))).toEqual([
      'auth.ldap.userSearchFilter: "uid=login" has no %s: xuc puts the login in place of %s; write e.g. "uid=%s"',
    ]);
  });

  test('the manager password is never written in the file', () => {
    expect(messagesOf(withAuth({ ldap: ldap({ managerPassword: 'secret' }) }))).toEqual([
      'auth.ldap.managerPassword: secrets are never written in the environment file: remove it and set TF_VAR_ldap_manager_password when planning',
    ]);
  });

  test('a CA file only applies to ldaps://', () => {
    expect(messagesOf(withAuth({ ldap: ldap({ url: 'ldap://ldap.example.com:389', caFile: caFile('ca.pem', CA) }) }))).toEqual([
      'auth.ldap.caFile: only applies to ldaps:// URLs: remove it or write the URL as ldaps://HOST:636',
    ]);
  });

  test('the CA file exists', () => {
    expect(messagesOf(withAuth({ ldap: ldap({ caFile: 'missing.pem' }) }))).toEqual([
      'auth.ldap.caFile: file "missing.pem" does not exist (paths are relative to the environment file)',
    ]);
  });

  test('the CA file holds certificates', () => {
    expect(messagesOf(withAuth({ ldap: ldap({ caFile: caFile('empty.pem', 'not a pem\n') }) }))).toEqual([
      'auth.ldap.caFile: holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA or full-chain file of the LDAP server',
    ]);
  });

  test('the CA file certificates parse', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(messagesOf(withAuth({ ldap: ldap({ caFile: caFile('broken.pem', broken) }) }))).toEqual([
      'auth.ldap.caFile: holds a certificate block that does not parse: give the PEM file exactly as exported',
    ]);
  });

  test('the CA file never holds a private key', () => {
    const key = `${CA}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`;
    expect(messagesOf(withAuth({ ldap: ldap({ caFile: caFile('key.pem', key) }) }))).toEqual([
      'auth.ldap.caFile: holds a PRIVATE KEY: give only the public CA or full-chain certificates, and never commit a key',
    ]);
  });
});

describe('Kerberos', () => {
  test('the principal names the xuc front', () => {
    expect(messagesOf(withAuth({ kerberos: kerberos({ principal: 'HTTP/other.example.com' }) }))).toEqual([
      'auth.kerberos.principal: "HTTP/other.example.com" does not name the xuc front users open: the host must match its DNS name (XiVO CC "System Configuration"); write HTTP/cc.test.example.com',
    ]);
  });

  test('the principal is HTTP/<fqdn> without realm', () => {
    expect(messagesOf(withAuth({ kerberos: kerberos({ principal: 'HTTP/cc.test.example.com@EXAMPLE.COM' }) }))).toEqual([
      'auth.kerberos.principal: must be HTTP/<fqdn of the xuc front>, e.g. "HTTP/cc.example.com" (no realm)',
    ]);
  });

  test('the principal is required without publicNames.xucHost', () => {
    const env = withAuth({ kerberos: kerberos() }, (e) => {
      delete e.publicNames.xucHost;
      e.publicNames.ucAddonHost = 'uc.test.example.com';
      e.servers[1].roles = ['ucaddon'];
    });
    expect(messagesOf(env)).toEqual(['auth.kerberos.principal: is required without publicNames.xucHost: write HTTP/<DNS name of the xuc front>']);
  });

  test('only the four encryption types XiVO CC documents', () => {
    expect(messagesOf(withAuth({ kerberos: kerberos({ encryptionTypes: ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'] }) }))).toEqual([
      'auth.kerberos.encryptionTypes.1: is not supported by XiVO CC: use one of aes256-cts-hmac-sha1-96, arcfour-hmac, des3-cbc-sha1, des-cbc-crc',
    ]);
  });

  test('the realm is upper case', () => {
    expect(messagesOf(withAuth({ kerberos: kerberos({ realm: 'example.com' }) }))).toEqual([
      'auth.kerberos.realm: must be the realm in upper case, e.g. "EXAMPLE.COM"',
    ]);
  });

  test('the password is never written in the file', () => {
    expect(messagesOf(withAuth({ kerberos: kerberos({ password: 'xuc' }) }))).toEqual([
      'auth.kerberos.password: secrets are never written in the environment file: remove it and set TF_VAR_kerberos_password when planning',
    ]);
  });

  test('KDCs are host[:port]', () => {
    expect(messagesOf(withAuth({ kerberos: kerberos({ kdc: ['kdc.example.com:88', 'tcp/kdc'] }) }))).toEqual([
      'auth.kerberos.kdc.1: must be a host name or address with an optional port, e.g. "kdc.example.com" or "10.0.0.5:88"',
    ]);
  });
});

describe('CAS and OIDC', () => {
  test('the CAS server is https', () => {
    expect(messagesOf(withAuth({ cas: { serverUrl: 'http://cas.example.com/cas' } }))).toEqual([
      'auth.cas.serverUrl: must be an https:// URL (the browser and xuc both reach it; http would leak tokens)',
    ]);
  });

  test('the OIDC server is https', () => {
    expect(messagesOf(withAuth({ oidc: { serverUrl: 'http://id.example.com', clientId: 'web' } }))).toEqual([
      'auth.oidc.serverUrl: must be an https:// URL (the browser and xuc both reach it; http would leak tokens)',
    ]);
  });

  test('client ids hold no comma', () => {
    expect(messagesOf(withAuth({ oidc: { serverUrl: 'https://id.example.com', clientId: 'a,b' } }))).toEqual([
      'auth.oidc.clientId: must be one client id without commas or spaces',
    ]);
    expect(messagesOf(withAuth({ oidc: { serverUrl: 'https://id.example.com', clientId: 'a', xucClientIds: ['a', 'b c'] } }))).toEqual([
      'auth.oidc.xucClientIds.1: must be a client id without commas or spaces',
    ]);
  });
});

describe('XiVO authentication, outbound queue, JVM, overrides', () => {
  test('XiVO authentication cannot be disabled alone', () => {
    expect(messagesOf(withAuth({ xivo: false }))).toEqual([
      'auth.xivo: false disables XiVO authentication but no other mode (ldap, kerberos, cas, oidc) is configured: every user would be locked out; configure a mode or remove xivo: false',
    ]);
  });

  test('the outbound queue name starts with out', () => {
    expect(messagesOf(withAuth({ outboundQueue: { name: 'blending', number: '3000' } }))).toEqual([
      'auth.outboundQueue.name: "blending" must start with "out" (xuc routes agent calls to a queue named out…) and hold lowercase letters, digits, _ or -; e.g. "outbound"',
    ]);
  });

  test('the outbound queue number is digits', () => {
    expect(messagesOf(withAuth({ outboundQueue: { name: 'outbound', number: '30a' } }))).toEqual([
      'auth.outboundQueue.number: "30a" must be the queue\'s number, digits only, e.g. "3000"',
    ]);
  });

  test('the outbound length is a number of digits', () => {
    expect(messagesOf(withAuth({ outboundQueue: { name: 'outbound', number: '3000', outboundLength: 0 } }))).toEqual([
      'auth.outboundQueue.outboundLength: 0 must be a number of digits between 1 and 20 (default 6)',
    ]);
  });

  test('heap sizes are JVM sizes', () => {
    expect(messagesOf(withAuth({ jvm: { heapMax: '2 GB' } }))).toEqual([
      'auth.jvm.heapMax: "2 GB": the JVM reads a size as digits and one letter (k, m or g); write "2g"',
    ]);
    expect(messagesOf(withAuth({ jvm: { heapMax: 'lots' } }))).toEqual(['auth.jvm.heapMax: must be a JVM memory size such as "512m" or "2g"']);
  });

  test('the heap fits in the memory limit of xuc', () => {
    expect(messagesOf(withAuth({ jvm: { heapMax: '3g' } }))).toEqual([
      'auth.jvm.heapMax: -Xmx 3g (3072 MiB) does not fit in the 3072 MiB memory limit of cc.xuc: keep auth.jvm.heapMax below it (the JVM needs room besides the heap) or raise services["cc.xuc"].memoryMb',
    ]);
    expect(messagesOf(withAuth({}, (e) => (e.services = { 'cc.xuc': { memoryMb: 2048 } })))).toEqual([
      'services.cc.xuc.memoryMb: -Xmx 2048m (2048 MiB) does not fit in the 2048 MiB memory limit of cc.xuc: keep auth.jvm.heapMax below it (the JVM needs room besides the heap) or raise services["cc.xuc"].memoryMb',
    ]);
    expect(messagesOf(withAuth({ jvm: { heapMax: '3g' } }, (e) => (e.services = { 'cc.xuc': { memoryMb: 4096 } })))).toEqual([]);
  });

  test('heapMin is not above heapMax', () => {
    expect(messagesOf(withAuth({ jvm: { heapMin: '2g', heapMax: '1024m' } }))).toEqual([
      'auth.jvm.heapMin: 2g is larger than heapMax 1024m: the JVM refuses to start; lower heapMin',
    ]);
  });

  test('heapMin is not above the default heapMax either (the model applies it, as XucService does)', () => {
    expect(messagesOf(withAuth({ jvm: { heapMin: '3g' } }, (e) => (e.services = { 'cc.xuc': { memoryMb: 4096 } })))).toEqual([
      'auth.jvm.heapMin: 3g is larger than heapMax 2048m: the JVM refuses to start; lower heapMin',
    ]);
  });

  test('extra JVM options are single flags', () => {
    expect(messagesOf(withAuth({ jvm: { extraOptions: ['-Da=1 -Db=2'] } }))).toEqual([
      'auth.jvm.extraOptions.0: must be one JVM option starting with "-" and without spaces',
    ]);
  });

  test('variables composed by the auth section cannot be overridden', () => {
    const env = withAuth(
      {},
      (e) => (e.services = { 'cc.xuc': { env: { JAVA_OPTS: '-Xmx1g', FOO: 'bar' } }, 'cc.xucmgt': { env: { USE_SSO: 'true' } } }),
    );
    expect(messagesOf(env)).toEqual([
      'services.cc.xuc.env.JAVA_OPTS: is composed from the auth section (an override would drop authentication modes or JVM flags): remove it and use auth (auth.jvm.extraOptions for JVM flags)',
      'services.cc.xucmgt.env.USE_SSO: is composed from the auth section (an override would drop authentication modes or JVM flags): remove it and use auth (auth.jvm.extraOptions for JVM flags)',
    ]);
  });

  test('an auth section needs a xuc', () => {
    const env = withAuth({ loginTimeoutMs: 7000 }, (e) => {
      e.servers = [e.servers[0]];
      delete e.publicNames.xucHost;
    });
    expect(messagesOf(env)).toEqual([
      'auth: configures xuc but no server runs xuc: add role "cc" or "ucaddon" to a server, or remove the auth section',
    ]);
  });

  test('the login timeout is bounded', () => {
    expect(messagesOf(withAuth({ loginTimeoutMs: 10 }))).toEqual(['auth.loginTimeoutMs: must be at least 1000']);
  });
});
