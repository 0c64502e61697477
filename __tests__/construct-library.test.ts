/**
 * The constructs used as a library: a TerraformStack, a Docker network and a Deployment with a
 * fixed PlatformDirectory, no environment file. What the mutators (`addAuthentication`,
 * `addRoute`, `addEnv`, `addUpload`, `addMount`) add after construction reaches the synthesized
 * containers, and equals what the same input given at construction gives.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { findService } from '../catalogue/services';
import { NginxFront } from '../constructs/nginx/nginx-front';
import { FrontRoute } from '../constructs/nginx/routes';
import { PlanTimeFile } from '../constructs/plan-time-file';
import { ServiceContainer } from '../constructs/service-container';
import { REQUIRED_TERRAFORM_VERSION } from '../constructs/terraform-version';
import { Certificate } from '../constructs/tls/certificate';
import { InternalCa } from '../constructs/tls/internal-ca';
import { AuthCas } from '../constructs/xuc/auth-cas';
import { AuthKerberos } from '../constructs/xuc/auth-kerberos';
import { AuthLdap, AuthLdapProps } from '../constructs/xuc/auth-ldap';
import { XucFeature } from '../constructs/xuc/xuc-feature';
import { XucService } from '../constructs/xuc/xuc-service';
import { XucmgtService } from '../constructs/xuc/xucmgt-service';
import { containerNamed, envOf, uploadOf } from './support/auth-stack';
import { LibraryStack, libraryStack, resourcesOf, synthApp } from './support/library-stack';
import { programsStartedBy } from './support/no-programs';

const CA_PEM = fs.readFileSync(path.join(__dirname, '..', 'environments', 'sso', 'ldap-ca.pem'), 'utf8');
const LDAP: AuthLdapProps = { url: 'ldaps://ldap.lib.example.com:636', managerDN: 'cn=reader,dc=lib,dc=example,dc=com', searchBase: 'dc=lib,dc=example,dc=com', userSearchFilter: 'uid=%s' };
const KERBEROS = {
  realm: 'LIB.EXAMPLE.COM',
  kdc: ['kdc.lib.example.com'],
  adminServer: 'kdc.lib.example.com',
  principal: 'HTTP/cc.lib.example.com',
  fronts: ['cc.lib.example.com'],
  // Relative to the working directory, as an environment's files are: the snapshot does not depend on the checkout's location.
  keytab: PlanTimeFile.fromFile(path.resolve('xuc.keytab')),
};
const XUC = 'xivocc-xuc';
const FRONT = 'xivocc-nginx';
const NEW_ROUTE: FrontRoute = { path: '/newpath', targetName: 'xuc', endpoint: { host: 'xivocc-xuc', port: 8090, local: true }, websocket: false, extra: true };

/** A library stack with one xuc whose features are given at construction or added after it. */
function xucStack(features: readonly XucFeature[], when: 'at construction' | 'added after'): LibraryStack & { xuc: XucService } {
  const built = libraryStack();
  const xuc = new XucService(built.stack, 'xuc', { deployment: built.deployment, features: when === 'at construction' ? features : [] });
  if (when === 'added after') features.forEach((f) => xuc.addAuthentication(f));
  return { ...built, xuc };
}

/** A library stack with one front serving `routes` at construction and `added` after it. */
function frontStack(routes: readonly FrontRoute[], added: readonly FrontRoute[] = []): LibraryStack & { front: NginxFront } {
  const built = libraryStack();
  const front = new NginxFront(built.stack, 'front', { deployment: built.deployment, publicName: 'cc.lib.example.com', certificate: Certificate.selfSigned(['cc.lib.example.com']), routes });
  added.forEach((r) => front.addRoute(r));
  return { ...built, front };
}

describe('XucService.addAuthentication', () => {
  test('LDAP added after construction: xuc.conf uploaded with the LDAP section, CONFIG_FILE points at it', () => {
    const xuc = containerNamed(xucStack([AuthLdap.mode(LDAP)], 'added after').synth(), XUC);
    const conf = uploadOf(xuc, '/conf/xuc.conf').content as string;
    expect(conf).toContain('ldap {');
    expect(conf).toContain('url = "ldaps://ldap.lib.example.com:636"');
    expect(conf).toContain('userSearchFilter = "uid=%s"');
    expect(envOf(xuc).CONFIG_FILE).toBe('/conf/xuc.conf');
  });

  test('LDAP with a private CA added after construction: truststore builder, its mount and the JAVA_OPTS flags', () => {
    const json = xucStack([AuthLdap.mode({ ...LDAP, caPem: CA_PEM })], 'added after').synth();
    const xuc = containerNamed(json, XUC);
    expect(containerNamed(json, `${XUC}-truststore`).name).toBe('xivocc-xuc-truststore');
    expect(envOf(xuc).JAVA_OPTS).toContain('-Djavax.net.ssl.trustStore=/customSslTrustStore/ldapCertTrustStore');
    expect(envOf(xuc).JAVA_OPTS).toContain('-Djavax.net.ssl.trustStorePassword=${var.xuc_truststore_password}');
    expect(xuc.volumes).toContainEqual(expect.objectContaining({ container_path: '/customSslTrustStore' }));
    expect(xuc.depends_on).toEqual([expect.stringMatching(/^docker_container\.xuc_truststore_builder_/)]);
    expect(xuc.lifecycle.replace_triggered_by).toEqual(xuc.depends_on);
  });

  test('Kerberos added after construction: principal, password and keytab flags in JAVA_OPTS', () => {
    const xuc = containerNamed(xucStack([AuthKerberos.mode(KERBEROS)], 'added after').synth(), XUC);
    expect(envOf(xuc).JAVA_OPTS).toContain('-Dsecured.krb5.principal=HTTP/cc.lib.example.com');
    expect(envOf(xuc).JAVA_OPTS).toContain('-Dsecured.krb5.password=${var.kerberos_password}');
    expect(uploadOf(xuc, '/etc/krb5.conf').content).toContain('LIB.EXAMPLE.COM');
  });

  test.each<[string, () => XucFeature[]]>([
    ['LDAP', () => [AuthLdap.mode(LDAP)]],
    ['LDAP with a private CA', () => [AuthLdap.mode({ ...LDAP, caPem: CA_PEM })]],
    ['Kerberos', () => [AuthKerberos.mode(KERBEROS)]],
    ['LDAP with a private CA, Kerberos and CAS', () => [AuthLdap.mode({ ...LDAP, caPem: CA_PEM }), AuthKerberos.mode(KERBEROS), AuthCas.mode({ serverUrl: 'https://cas.lib.example.com/cas' })]],
  ])('%s: added after construction synthesizes what the same features at construction do', (_name, features) => {
    expect(xucStack(features(), 'added after').synth()).toEqual(xucStack(features(), 'at construction').synth());
  });

  test('no secret literal: the passwords are sensitive variable references, never values', () => {
    const secret = 'Lib-Secret-Do-Not-Leak-7f3a';
    const saved = { ...process.env };
    process.env.TF_VAR_ldap_manager_password = secret;
    process.env.TF_VAR_xuc_truststore_password = secret;
    try {
      const built = xucStack([AuthLdap.mode({ ...LDAP, caPem: CA_PEM }), AuthKerberos.mode(KERBEROS)], 'added after');
      const text = Testing.synth(built.stack);
      const json = JSON.parse(text);
      expect(text).not.toContain(secret);
      expect(uploadOf(containerNamed(json, XUC), '/conf/xuc.conf').content).toContain('managerPassword = ${jsonencode(var.ldap_manager_password)}');
      for (const name of ['ldap_manager_password', 'xuc_truststore_password', 'kerberos_password', 'xuc_cti_password']) {
        expect(json.variable[name]).toMatchObject({ sensitive: true });
        expect(json.variable[name].default).toBeUndefined();
      }
    } finally {
      process.env = saved;
    }
  });
});

describe('XucmgtService.addAuthentication', () => {
  test('CAS added after construction sets CAS_SERVER_URL, as at construction', () => {
    const cas = AuthCas.mode({ serverUrl: 'https://cas.lib.example.com/cas' });
    const added = libraryStack();
    new XucmgtService(added.stack, 'xucmgt', { deployment: added.deployment }).addAuthentication(cas);
    const given = libraryStack();
    new XucmgtService(given.stack, 'xucmgt', { deployment: given.deployment, authentication: [cas] });
    expect(envOf(containerNamed(added.synth(), 'xivocc-xucmgt')).CAS_SERVER_URL).toBe('https://cas.lib.example.com/cas');
    expect(added.synth()).toEqual(given.synth());
  });
});

describe('NginxFront.addRoute', () => {
  test('nginx.conf is rendered again with the location and its upstream', () => {
    const nginx = containerNamed(frontStack([], [NEW_ROUTE]).synth(), FRONT);
    const conf = uploadOf(nginx, '/etc/nginx/nginx.conf').content as string;
    expect(conf).toContain('location /newpath');
    expect(conf).toContain('upstream up_xivocc-xuc_8090');
    expect(conf).toContain('server xivocc-xuc:8090');
  });

  test('a route added after construction synthesizes what the same route at construction does', () => {
    expect(frontStack([], [NEW_ROUTE]).synth()).toEqual(frontStack([NEW_ROUTE]).synth());
  });
});

describe('ServiceContainer mutators', () => {
  /** xucmgt's catalogue service with the operator's XUC_HOST, then the mutators. */
  function mutated(): Record<string, any> {
    const built = libraryStack();
    const service = new ServiceContainer(built.stack, 'xucmgt', {
      deployment: built.deployment,
      definition: findService('cc.xucmgt')!,
      env: { FEATURE_AT_CONSTRUCTION: 'yes' },
      overrides: { env: { XUC_HOST: 'operator.lib.example.com' } },
    });
    service.addEnv({ XIVO_HOST: 'feature-pbx.lib.example.com', XUC_HOST: 'feature-cc.lib.example.com', ADDED: 'later' });
    service.addUpload({ file: '/conf/app.conf', content: 'first', permissions: '0644' });
    service.addUpload({ file: '/conf/app.conf', content: 'second', permissions: '0644' });
    service.addUpload({ file: '/conf/other.conf', content: 'other', permissions: '0644' });
    service.addMount({ hostPath: '/etc/docker/lib', containerPath: '/lib-conf' });
    return containerNamed(built.synth(), 'xivocc-xucmgt');
  }

  test('env precedence: catalogue < addEnv < overrides.env', () => {
    expect(envOf(mutated())).toMatchObject({
      XIVO_HOST: 'feature-pbx.lib.example.com', // the catalogue's pbx.lib.example.com, replaced by addEnv
      XUC_HOST: 'operator.lib.example.com', // addEnv does not win over the operator
      FEATURE_AT_CONSTRUCTION: 'yes',
      ADDED: 'later',
    });
  });

  test('addUpload to the same path replaces the earlier upload; uploads are sorted by path', () => {
    expect(mutated().upload).toEqual([
      { file: '/conf/app.conf', content: 'second', permissions: '0644' },
      { file: '/conf/other.conf', content: 'other', permissions: '0644' },
    ]);
  });

  test('addMount bind-mounts the host path read-only', () => {
    expect(mutated().volumes).toEqual([{ host_path: '/etc/docker/lib', container_path: '/lib-conf', read_only: true }]);
  });
});

test('an adopted volume: an import block, the Terraform version it needs in required_version, and no validation that runs terraform', () => {
  const built = libraryStack();
  new ServiceContainer(built.stack, 'pgxivocc', {
    deployment: built.deployment,
    definition: findService('cc.pgxivocc')!,
    overrides: { adoptVolumes: { data: 'xivocc_pgxivocc_data' } },
  });
  const json = built.synth();
  expect(json.import).toEqual([{ id: 'xivocc_pgxivocc_data', to: expect.stringMatching(/^docker_volume\./) }]);
  expect(json.terraform.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
  // cdktf's importFrom would add a validation running `terraform version`: none is registered.
  expect(programsStartedBy(() => expect(built.app.node.findAll().flatMap((c) => c.node.validate())).toEqual([]))).toEqual([]);
});

describe('Certificate factories', () => {
  test('selfSigned: a self-signed certificate, no CA', () => {
    const json = frontStack([NEW_ROUTE]).synth();
    expect(resourcesOf(json, 'tls_self_signed_cert').map((c) => c.dns_names)).toEqual([['cc.lib.example.com']]);
    expect(resourcesOf(json, 'tls_locally_signed_cert')).toHaveLength(0);
  });

  test('fromInternalCa in the CA stack: signed locally in that stack', () => {
    const built = libraryStack();
    const ca = InternalCa.create(built.stack, { environment: 'lib' });
    new NginxFront(built.stack, 'front', { deployment: built.deployment, publicName: 'cc.lib.example.com', certificate: Certificate.fromInternalCa(ca, ['cc.lib.example.com']) });
    const json = built.synth();
    expect(resourcesOf(json, 'tls_locally_signed_cert')).toHaveLength(1);
    expect(resourcesOf(json, 'tls_self_signed_cert')).toHaveLength(1); // the CA's own certificate
    expect(resourcesOf(json, 'tls_private_key')).toHaveLength(2); // the CA's key and the front's
  });

  test('fromInternalCa in another stack: key and certificate are created in the CA stack, never the CA key in the consumer', () => {
    const pbx = libraryStack({ id: 'pbx' });
    const cc = libraryStack({ id: 'cc', app: pbx.app });
    const ca = InternalCa.create(pbx.stack, { environment: 'lib' });
    new NginxFront(cc.stack, 'front', { deployment: cc.deployment, publicName: 'cc.lib.example.com', certificate: Certificate.fromInternalCa(ca, ['cc.lib.example.com']) });
    const stackJson = synthApp(pbx.app);
    const pbxJson = stackJson('pbx');
    const ccJson = stackJson('cc');
    expect(resourcesOf(pbxJson, 'tls_locally_signed_cert')).toHaveLength(1);
    expect(resourcesOf(pbxJson, 'tls_cert_request').map((c) => c.dns_names)).toEqual([['cc.lib.example.com']]);
    expect(resourcesOf(pbxJson, 'tls_private_key')).toHaveLength(2); // the CA's key and the front's, both in the CA stack
    expect(resourcesOf(ccJson, 'tls_private_key')).toHaveLength(0);
    expect(resourcesOf(ccJson, 'tls_locally_signed_cert')).toHaveLength(0);
    expect(resourcesOf(ccJson, 'tls_self_signed_cert')).toHaveLength(0);
    expect(JSON.stringify(ccJson)).not.toContain('InternalCa_key');
    expect(Object.keys(ccJson.data.terraform_remote_state)).toEqual(['cross-stack-reference-input-pbx']);
  });
});

test('snapshot of a library-built stack: xuc with LDAP (private CA) and Kerberos, xucmgt with CAS, a front with an added route', () => {
  const built = xucStack([AuthLdap.mode({ ...LDAP, caPem: CA_PEM }), AuthKerberos.mode(KERBEROS)], 'added after');
  const cas = AuthCas.mode({ serverUrl: 'https://cas.lib.example.com/cas' });
  new XucmgtService(built.stack, 'xucmgt', { deployment: built.deployment }).addAuthentication(cas);
  const ca = InternalCa.create(built.stack, { environment: 'lib' });
  new NginxFront(built.stack, 'front', { deployment: built.deployment, publicName: 'cc.lib.example.com', certificate: Certificate.fromInternalCa(ca, ['cc.lib.example.com']) }).addRoute(NEW_ROUTE);
  expect(built.synth()).toMatchSnapshot();
});
