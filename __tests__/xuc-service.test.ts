/**
 * XucService, XucmgtService and the authentication constructs, built from props: what reaches the
 * containers. (The environment file's auth section as features: xuc-features.test.ts.)
 */
import * as path from 'path';
import { TerraformStack, Testing } from '../constructs/terraform-cdk';
import { AuthCas } from '../constructs/xuc/auth-cas';
import { AuthKerberos, krb5Conf } from '../constructs/xuc/auth-kerberos';
import { AuthLdap } from '../constructs/xuc/auth-ldap';
import { AuthOidc, OIDC_LOGOUT_WARNING } from '../constructs/xuc/auth-oidc';
import { mergeHocon, renderXucConf } from '../constructs/xuc/hocon';
import { javaOpts } from '../constructs/xuc/java-opts';
import { OutboundQueue } from '../constructs/xuc/outbound-queue';
import { XucTruststore } from '../constructs/xuc/truststore';
import { truststoreHostDirectory, XUC_LOGIN_WARNING, XucService, XucServiceProps } from '../constructs/xuc/xuc-service';
import { XucmgtService } from '../constructs/xuc/xucmgt-service';
import { PlanTimeFile } from '../constructs/plan-time-file';
import { Runbook } from '../constructs/runbook';
import { LDAP, LDAP_CA_PEM, REALM } from './support/auth-fixtures';
import { tempDir } from './support/environments';
import { libraryStack } from './support/library-stack';
import { Template } from './support/template';
import { expectValidationError } from './support/thrown';

const CONTEXT = { environment: 'test' };
const CA = LDAP_CA_PEM;

const KERBEROS = {
  ...REALM,
  principal: 'HTTP/cc.test.example.com',
  fronts: ['cc.test.example.com'],
  keytab: PlanTimeFile.fromFile(path.join(tempDir(), 'xuc.keytab')),
};

/** A xuc (and its xucmgt) of the test platform, built from props. */
function built(props: XucServiceProps = {}) {
  const lib = libraryStack({
    environment: 'test',
    platformProps: { publicNames: { xivoHost: 'pbx.test.example.com', xucHost: 'cc.test.example.com' } },
  });
  const xuc = new XucService(lib.stack, 'xuc', props);
  new XucmgtService(lib.stack, 'xucmgt', { xuc });
  const template = Template.fromStack(lib.stack);
  return {
    ...lib,
    xuc,
    template,
    warnings: template
      .warnings()
      .filter((w) => w.startsWith(`${xuc.node.path}`))
      .map((w) => w.slice(w.indexOf(': ') + 2)),
  };
}

/** A synthesized container and its env as a map. */
function container(template: Template, name: string): { env: Record<string, string>; res: Record<string, any> } {
  const c = template.container(name);
  return { res: c.json, env: c.env };
}

describe('xuc without a feature', () => {
  const { template } = built();
  const { env, res } = container(template, 'xivocc-xuc');

  test('safe defaults, heap always present, no xuc.conf', () => {
    expect(env.AUTH_PREVENT_XUC_LOGIN).toBe('true');
    expect(env.LOGIN_TIMEOUT_MS).toBe('5000');
    expect(env.JAVA_OPTS).toBe('-Xms512m -Xmx2048m');
    expect(env.PLAY_AUTH_TOKEN).toBe('${var.play_auth_token}');
    expect(env.XIVO_HOST).toBe('pbx.test.example.com');
    expect(env.XUC_HOST).toBe('cc.test.example.com');
    expect(env.CONFIG_FILE).toBeUndefined();
    expect(res.upload).toBeUndefined();
  });
});

describe('LDAPS with a private CA + Kerberos + OIDC + CAS + outbound queue, XiVO authentication off', () => {
  const all = built({
    xivoAuthentication: false,
    loginTimeoutMs: 7000,
    features: [
      AuthLdap.mode({ ...LDAP, caPem: CA }),
      AuthKerberos.mode(KERBEROS),
      AuthCas.mode({ serverUrl: 'https://cas.example.com/cas', logout: true }),
      AuthOidc.mode({ serverUrl: 'https://id.example.com/realms/x', clientId: 'web', xucClientIds: ['web', 'mobile'], default: true }),
      OutboundQueue.feature({ name: 'outbound', number: '3000', outboundLength: 8 }),
    ],
    jvm: { heapMin: '1g', heapMax: '2g', extraOptions: ['-Dfile.encoding=UTF-8'] },
  });
  const json = all.template.json;
  const xuc = container(all.template, 'xivocc-xuc');
  const xucmgt = container(all.template, 'xivocc-xucmgt');

  test('JAVA_OPTS keeps heap, truststore, Kerberos and extra flags, in that order', () => {
    expect(xuc.env.JAVA_OPTS).toBe(
      '-Xms1g -Xmx2g -Djavax.net.ssl.trustStore=/customSslTrustStore/ldapCertTrustStore -Djavax.net.ssl.trustStorePassword=${var.xuc_truststore_password} ' +
        '-Dsecured.krb5.principal=HTTP/cc.test.example.com -Dsecured.krb5.password=${var.kerberos_password} -Dsecured.krb5.keyTab=/etc/kerberos/xuc.keytab ' +
        '-Dfile.encoding=UTF-8',
    );
  });

  test('xuc.conf is delivered at /conf/xuc.conf and CONFIG_FILE points at it', () => {
    expect(xuc.env.CONFIG_FILE).toBe('/conf/xuc.conf');
    expect(all.template.container('xivocc-xuc').upload('/conf/xuc.conf').content).toBe(
      [
        '# Written by xivo-cdktf: edit the environment file, not this file.',
        'include "application.conf"',
        'authentication {',
        '  ldap {',
        '    managerDN = "cn=reader,dc=example,dc=com"',
        '    managerPassword = ${jsonencode(var.ldap_manager_password)}',
        '    searchBase = "dc=example,dc=com"',
        '    url = "ldaps://ldap.example.com:636"',
        '    userSearchFilter = "uid=%s"',
        '  }',
        '  xivo = ""',
        '}',
        'xuc {',
        '  outboundLength = 8',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('Kerberos files: generated krb5.conf and the keytab read at plan time, a sensitive value (never printed by a plan)', () => {
    expect(all.template.container('xivocc-xuc').upload('/etc/krb5.conf').content).toBe(
      krb5Conf({ realm: 'EXAMPLE.COM', kdc: KERBEROS.kdc, adminServer: 'kdc1.example.com', encryptionTypes: ['aes256-cts-hmac-sha1-96'] }),
    );
    expect(all.template.container('xivocc-xuc').upload('/etc/kerberos/xuc.keytab').content_base64).toMatch(
      /^\$\{sensitive\(filebase64\("\.\.\/\.\.\/.*\/xuc\.keytab"\)\)\}$/,
    );
  });

  test('login, CAS and OIDC variables of xuc', () => {
    expect(xuc.env).toMatchObject({
      AUTH_PREVENT_XUC_LOGIN: 'true',
      LOGIN_TIMEOUT_MS: '7000',
      CAS_SERVER_URL: 'https://cas.example.com/cas',
      CAS_LOGOUT_ENABLE: 'true',
      ENABLE_OIDC: 'true',
      OIDC_SERVER_URL: 'https://id.example.com/realms/x',
      OIDC_CLIENT_ID: 'web,mobile',
      OIDC_USERNAME_FIELD: 'preferred_username',
      OIDC_LOGOUT_ENABLE: 'false',
    });
  });

  test('OIDC_AUDIENCE is left unset without oidc.audience: xuc accepts its own client ids', () => {
    expect(xuc.env.OIDC_AUDIENCE).toBeUndefined();
  });

  test("the truststore directory is XiVO's documented one where one xuc runs on the host", () => {
    expect(truststoreHostDirectory('cc', 1)).toBe('/etc/docker/xuc-custom-truststore');
    expect(truststoreHostDirectory('ucaddon', 2)).toBe('/etc/docker/ucaddon-xuc-custom-truststore');
  });

  test('xucmgt: SSO on, one OIDC client id, CAS URL', () => {
    expect(xucmgt.env).toEqual({
      CAS_SERVER_URL: 'https://cas.example.com/cas',
      OIDC_CLIENT_ID: 'web',
      OIDC_SERVER_URL: 'https://id.example.com/realms/x',
      USE_SSO: 'true',
      XIVO_HOST: 'pbx.test.example.com',
      XUC_HOST: 'cc.test.example.com',
    });
  });

  test('the truststore builder runs keytool with the password from the variable, before xuc', () => {
    const builder = container(all.template, 'xivocc-xuc-truststore');
    expect(builder.env).toEqual({
      CA_DIR: '/tmp/ldap-ca',
      TRUSTSTORE: '/customSslTrustStore/ldapCertTrustStore',
      XUC_TRUSTSTORE_PASSWORD: '${var.xuc_truststore_password}',
    });
    expect(builder.res).toMatchObject({
      attach: true,
      must_run: false,
      user: '0',
      volumes: [{ host_path: '/etc/docker/xuc-custom-truststore', container_path: '/customSslTrustStore' }],
    });
    expect(builder.res.upload).toEqual([{ file: '/tmp/ldap-ca/ca-01.pem', content: CA, permissions: '0644' }]);
    expect(xuc.res.volumes).toEqual([{ host_path: '/etc/docker/xuc-custom-truststore', container_path: '/customSslTrustStore', read_only: true }]);
    const ref = `docker_container.${Object.entries<any>(json.resource.docker_container).find(([, c]) => c.name === 'xivocc-xuc-truststore')![0]}`;
    expect(xuc.res.depends_on).toEqual([ref]);
    expect(xuc.res.lifecycle).toEqual({ replace_triggered_by: [ref] });
  });

  test('secrets are sensitive variables with fixed names', () => {
    for (const name of ['ldap_manager_password', 'kerberos_password', 'xuc_truststore_password']) {
      expect(json.variable[name]).toMatchObject({ sensitive: true, type: 'string', nullable: false });
    }
  });

  test('runbooks: Kerberos browser settings and the outbound queue', () => {
    const runbooks = Runbook.all(all.app).filter((r) => r.node.path.includes('/xuc/'));
    expect(runbooks.map((r) => r.relativePath)).toEqual(['runbooks/test/kerberos-browsers.md', 'runbooks/test/outbound-queue.md']);
    expect(runbooks[0].content).toContain('`network.negotiate-auth.trusted-uris`: `cc.test.example.com`');
    expect(runbooks[0].content).toContain('`network.negotiate-auth.delegation-uris`: `cc.test.example.com`');
    expect(runbooks[0].content).toContain('Trusted sites → Sites: add `https://cc.test.example.com`');
    expect(runbooks[1].content).toContain('| Preprocess subroutine | `xuc_outcall_acd` |');
    expect(runbooks[1].content).toContain('| Ringing Time | 0 |');
    expect(runbooks[1].content).toContain('1. `queue show outbound` lists the agents');
  });

  test('no warning for safe settings', () => {
    expect(all.warnings).toEqual([]);
  });
});

describe('options with warnings', () => {
  test('AUTH_PREVENT_XUC_LOGIN=false needs allowXucUserLogin and warns', () => {
    const { template, warnings } = built({ allowXucUserLogin: true });
    expect(template.container('xivocc-xuc').env.AUTH_PREVENT_XUC_LOGIN).toBe('false');
    expect(warnings).toEqual([XUC_LOGIN_WARNING]);
  });

  test('OIDC_LOGOUT_ENABLE warns (Keycloak < 18 only)', () => {
    const { template, warnings } = built({
      features: [AuthOidc.mode({ serverUrl: 'https://id.example.com', clientId: 'web', logout: true, audience: 'aud', usernameField: 'email' })],
    });
    expect(template.container('xivocc-xuc').env).toMatchObject({
      OIDC_LOGOUT_ENABLE: 'true',
      OIDC_AUDIENCE: 'aud',
      OIDC_USERNAME_FIELD: 'email',
      ENABLE_OIDC: 'false',
      OIDC_CLIENT_ID: 'web',
    });
    expect(warnings).toEqual([OIDC_LOGOUT_WARNING]);
  });
});

describe('construct props are checked', () => {
  const stack = () => new TerraformStack(Testing.app(), 'test');
  const fronts = ['cc.example.com'];
  const kerberosProps = {
    environment: 'test',
    realm: 'EXAMPLE.COM',
    kdc: ['kdc'],
    adminServer: 'kdc',
    principal: 'HTTP/cc.example.com',
    fronts,
    keytab: PlanTimeFile.fromFile('/tmp/x.keytab'),
  };

  test('AuthLdap: port, %s, CA only for ldaps, CA without key', () => {
    expectValidationError(
      () => new AuthLdap(stack(), 'ldap', { ...LDAP, url: 'ldap://h' }),
      'test/ldap',
      'test/ldap: "ldap://h" has no port: xuc needs it (XiVO CC "System Configuration"); write ldap://h:389',
    );
    expectValidationError(
      () => new AuthLdap(stack(), 'ldap', { ...LDAP, userSearchFilter: 'uid' }),
      'test/ldap',
      'test/ldap: "uid" has no %s: xuc puts the login in place of %s; write e.g. "uid=%s"',
    );
    expectValidationError(
      () => new AuthLdap(stack(), 'ldap', { ...LDAP, url: 'ldap://h:389', caPem: CA }),
      'test/ldap',
      'test/ldap: a CA is given for a plain ldap:// URL: use ldaps://HOST:636',
    );
    expectValidationError(
      () => new AuthLdap(stack(), 'ldap', { ...LDAP, caPem: '-----BEGIN PRIVATE KEY-----' }),
      'test/ldap',
      'test/ldap: holds a PRIVATE KEY: give only the public CA or full-chain certificates, and never commit a key',
    );
  });

  test('AuthLdap splits a full chain into one certificate each', () => {
    expect(new AuthLdap(stack(), 'ldap', { ...LDAP, caPem: `${CA}${CA}` }).caCertificates).toEqual([CA, CA]);
  });

  test('AuthKerberos: encryption types, principal host, KDC', () => {
    expectValidationError(
      () => new AuthKerberos(stack(), 'k', { ...kerberosProps, encryptionTypes: ['aes128' as any] }, CONTEXT),
      'test/k',
      'test/k: encryption type "aes128" is not supported by XiVO CC: use aes256-cts-hmac-sha1-96, arcfour-hmac, des3-cbc-sha1, des-cbc-crc',
    );
    expectValidationError(
      () => new AuthKerberos(stack(), 'k', { ...kerberosProps, principal: 'HTTP/x.example.com' }, CONTEXT),
      'test/k',
      'test/k: "HTTP/x.example.com" does not name the xuc front users open: the host must match its DNS name (XiVO CC "System Configuration"); write HTTP/cc.example.com',
    );
    expectValidationError(() => new AuthKerberos(stack(), 'k', { ...kerberosProps, kdc: [] }, CONTEXT), 'test/k', 'test/k: give at least one KDC');
  });

  test('AuthCas and AuthOidc: https and client ids', () => {
    expectValidationError(
      () => new AuthCas(stack(), 'cas', { serverUrl: 'http://cas' }),
      'test/cas',
      'test/cas: CAS server URL "http://cas" must be an https:// URL',
    );
    expectValidationError(
      () => new AuthOidc(stack(), 'oidc', { serverUrl: 'http://id', clientId: 'a' }),
      'test/oidc',
      'test/oidc: OIDC server URL "http://id" must be an https:// URL',
    );
    expectValidationError(
      () => new AuthOidc(stack(), 'oidc', { serverUrl: 'https://id', clientId: 'a', xucClientIds: ['a,b'] }),
      'test/oidc',
      'test/oidc: OIDC client id "a,b" must not be empty nor contain commas or spaces',
    );
  });

  test('OutboundQueue: name, number, length', () => {
    const q = { environment: 'test', name: 'outbound', number: '3000' };
    expectValidationError(
      () => new OutboundQueue(stack(), 'q', { ...q, name: 'Out' }, CONTEXT),
      'test/q',
      'test/q: "Out" must start with "out" (xuc routes agent calls to a queue named out…) and hold lowercase letters, digits, _ or -; e.g. "outbound"',
    );
    expectValidationError(
      () => new OutboundQueue(stack(), 'q', { ...q, number: '' }, CONTEXT),
      'test/q',
      'test/q: "" must be the queue\'s number, digits only, e.g. "3000"',
    );
    expectValidationError(
      () => new OutboundQueue(stack(), 'q', { ...q, outboundLength: 2.5 }, CONTEXT),
      'test/q',
      'test/q: 2.5 must be a number of digits between 1 and 20 (default 6)',
    );
    expect(new OutboundQueue(stack(), 'q', q, CONTEXT).contribution.conf).toEqual({ xuc: { outboundLength: 6 } });
  });

  test('XucTruststore needs a certificate', () => {
    expectValidationError(
      () => new XucTruststore(stack(), 'ts', { xucName: 'x', imageId: 'i', certificates: [], hostDirectory: '/d' }),
      'test/ts',
      'test/ts: give at least one certificate to trust',
    );
  });
});

describe('HOCON and JAVA_OPTS helpers', () => {
  test('values are JSON strings; Terraform text is kept as given (config/literal.ts escapes file values)', () => {
    expect(renderXucConf({ a: { b: 'x"${y}%{z}\\' }, d: 3, e: true })).toBe(
      '# Written by xivo-cdktf: edit the environment file, not this file.\ninclude "application.conf"\n' +
        'a {\n  b = "x\\"${y}%{z}\\\\"\n}\nd = 3\ne = true\n',
    );
  });

  test('keys must be identifiers; a leaf set twice is an error', () => {
    expect(() => renderXucConf({ 'a b': 'x' })).toThrow('HOCON key "a b" must be a plain identifier');
    expect(() => mergeHocon([{ a: { b: 'x' } }, { a: { b: 'y' } }])).toThrow('xuc.conf key "b" is set twice');
    expect(mergeHocon([{ a: { b: 'x' } }, { a: { c: 'y' } }])).toEqual({ a: { b: 'x', c: 'y' } });
  });

  test('JAVA_OPTS always has the heap', () => {
    expect(javaOpts({})).toBe('-Xms512m -Xmx2048m');
    expect(javaOpts({ heapMax: '1g', kerberos: ['-Dk'], truststore: ['-Dt'], extra: ['-De'] })).toBe('-Xms512m -Xmx1g -Dt -Dk -De');
  });
});
