/**
 * The constructs used as a library, built from their props: a XivoPlatform, a XivoServer, no
 * environment file. What the mutators (`addAuthentication`, `addRoute`, `addEnv`, `addUpload`,
 * `addMount`) add after construction reaches the synthesized containers (rendered once, lazily),
 * and equals what the same input given at construction gives.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PrivateKey, TerraformOutput, Testing } from '../constructs/terraform-cdk';
import { findService } from '../catalogue/services';
import { NginxFront } from '../constructs/nginx/nginx-front';
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
import { Role } from '../catalogue/types';
import { SharedToken } from '../constructs/shared-token';
import { expectValidationError } from './support/thrown';
import { LIBRARY_NAMES, LibraryStack, libraryStack, synthApp } from './support/library-stack';
import { Template } from './support/template';
import { programsStartedBy } from './support/no-programs';

const CA_PEM = fs.readFileSync(path.join(__dirname, '..', 'environments', 'sso', 'ldap-ca.pem'), 'utf8');
const LDAP: AuthLdapProps = {
  url: 'ldaps://ldap.lib.example.com:636',
  managerDN: 'cn=reader,dc=lib,dc=example,dc=com',
  searchBase: 'dc=lib,dc=example,dc=com',
  userSearchFilter: 'uid=%s',
};
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

/** A library stack with one xuc whose features are given at construction or added after it. */
function xucStack(features: readonly XucFeature[], when: 'at construction' | 'added after'): LibraryStack & { xuc: XucService } {
  const built = libraryStack();
  const xuc = new XucService(built.stack, 'xuc', { features: when === 'at construction' ? features : [] });
  if (when === 'added after') features.forEach((f) => xuc.addAuthentication(f));
  return { ...built, xuc };
}

describe('XucService.addAuthentication', () => {
  test('LDAP added after construction: xuc.conf uploaded with the LDAP section, CONFIG_FILE points at it', () => {
    const xuc = Template.fromStack(xucStack([AuthLdap.mode(LDAP)], 'added after').stack).container(XUC);
    const conf = xuc.upload('/conf/xuc.conf').content as string;
    expect(conf).toContain('ldap {');
    expect(conf).toContain('url = "ldaps://ldap.lib.example.com:636"');
    expect(conf).toContain('userSearchFilter = "uid=%s"');
    expect(xuc.env.CONFIG_FILE).toBe('/conf/xuc.conf');
  });

  test('LDAP with a private CA added after construction: truststore builder, its mount and the JAVA_OPTS flags', () => {
    const template = Template.fromStack(xucStack([AuthLdap.mode({ ...LDAP, caPem: CA_PEM })], 'added after').stack);
    const xuc = template.container(XUC);
    expect(template.container(`${XUC}-truststore`).uploads).toEqual(['/tmp/ldap-ca/ca-01.pem']);
    expect(xuc.env.JAVA_OPTS).toContain('-Djavax.net.ssl.trustStore=/customSslTrustStore/ldapCertTrustStore');
    expect(xuc.env.JAVA_OPTS).toContain('-Djavax.net.ssl.trustStorePassword=${var.xuc_truststore_password}');
    expect(xuc.mounts).toContainEqual({ host_path: '/etc/docker/xuc-custom-truststore', container_path: '/customSslTrustStore', read_only: true });
    expect(xuc.json.depends_on).toEqual([expect.stringMatching(/^docker_container\.xuc_truststore_builder_/)]);
    expect(xuc.json.lifecycle.replace_triggered_by).toEqual(xuc.json.depends_on);
  });

  test('a second xuc on the same Docker host: each truststore in a directory of its role', () => {
    const cc = libraryStack({ platformProps: { publicNames: { ...LIBRARY_NAMES, ucAddonHost: 'uc.lib.example.com' } } });
    new XucService(cc.stack, 'xuc', { features: [AuthLdap.mode({ ...LDAP, caPem: CA_PEM })] });
    const uc = libraryStack({ platform: cc.platform, name: 'uc', roles: [Role.UC_ADDON] });
    new XucService(uc.stack, 'xuc', { role: Role.UC_ADDON, features: [AuthLdap.mode({ ...LDAP, caPem: CA_PEM })] });
    expect(Template.fromStack(cc.stack).container(XUC).mounts).toContainEqual(
      expect.objectContaining({ host_path: '/etc/docker/cc-xuc-custom-truststore' }),
    );
    expect(Template.fromStack(uc.stack).container('ucaddon-xuc').mounts).toContainEqual(
      expect.objectContaining({ host_path: '/etc/docker/ucaddon-xuc-custom-truststore' }),
    );
  });

  test('Kerberos added after construction: principal, password and keytab flags in JAVA_OPTS', () => {
    const xuc = Template.fromStack(xucStack([AuthKerberos.mode(KERBEROS)], 'added after').stack).container(XUC);
    expect(xuc.env.JAVA_OPTS).toContain('-Dsecured.krb5.principal=HTTP/cc.lib.example.com');
    expect(xuc.env.JAVA_OPTS).toContain('-Dsecured.krb5.password=${var.kerberos_password}');
    expect(xuc.upload('/etc/krb5.conf').content).toContain('LIB.EXAMPLE.COM');
  });

  test.each<[string, () => XucFeature[]]>([
    ['LDAP', () => [AuthLdap.mode(LDAP)]],
    ['LDAP with a private CA', () => [AuthLdap.mode({ ...LDAP, caPem: CA_PEM })]],
    ['Kerberos', () => [AuthKerberos.mode(KERBEROS)]],
    [
      'LDAP with a private CA, Kerberos and CAS',
      () => [AuthLdap.mode({ ...LDAP, caPem: CA_PEM }), AuthKerberos.mode(KERBEROS), AuthCas.mode({ serverUrl: 'https://cas.lib.example.com/cas' })],
    ],
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
      const template = Template.fromJSON(JSON.parse(text));
      expect(text).not.toContain(secret);
      expect(template.container(XUC).upload('/conf/xuc.conf').content).toContain('managerPassword = ${jsonencode(var.ldap_manager_password)}');
      for (const name of ['ldap_manager_password', 'xuc_truststore_password', 'kerberos_password', 'xuc_cti_password']) {
        expect(template.variable(name)).toMatchObject({ sensitive: true });
        expect(template.variable(name).default).toBeUndefined();
      }
    } finally {
      process.env = saved;
    }
  });
});

describe('XucmgtService takes its xuc', () => {
  test('a mode added to the xuc after xucmgt is built reaches xucmgt (CAS_SERVER_URL), as one given at construction', () => {
    const cas = AuthCas.mode({ serverUrl: 'https://cas.lib.example.com/cas' });
    const added = xucStack([], 'at construction');
    new XucmgtService(added.stack, 'xucmgt', { xuc: added.xuc });
    added.xuc.addAuthentication(cas);
    const given = xucStack([cas], 'at construction');
    new XucmgtService(given.stack, 'xucmgt', { xuc: given.xuc });
    expect(Template.fromStack(added.stack).container('xivocc-xucmgt').env.CAS_SERVER_URL).toBe('https://cas.lib.example.com/cas');
    expect(added.synth()).toEqual(given.synth());
  });

  test("the xuc's product is xucmgt's: a UC-Addon xuc gets the UC-Addon's xucmgt", () => {
    const built = libraryStack({
      roles: [Role.UC_ADDON],
      platformProps: { publicNames: { xivoHost: 'pbx.lib.example.com', ucAddonHost: 'uc.lib.example.com' } },
    });
    const xuc = new XucService(built.stack, 'xuc', { role: Role.UC_ADDON });
    new XucmgtService(built.stack, 'xucmgt', { xuc });
    expect(Template.fromStack(built.stack).container('ucaddon-xucmgt').env.XUC_HOST).toBe('uc.lib.example.com');
  });
});

describe('ServiceContainer mutators', () => {
  /** xucmgt's catalogue service with the operator's XUC_HOST, then the mutators. */
  function mutated(): Template {
    const built = libraryStack();
    const service = new ServiceContainer(built.stack, 'xucmgt', {
      definition: findService('cc.xucmgt')!,
      env: { FEATURE_AT_CONSTRUCTION: 'yes' },
      overrides: { env: { XUC_HOST: 'operator.lib.example.com' } },
    });
    service.addEnv({ XIVO_HOST: 'feature-pbx.lib.example.com', XUC_HOST: 'feature-cc.lib.example.com', ADDED: 'later' });
    service.addUpload({ file: '/conf/app.conf', content: 'first', permissions: '0644' });
    service.addUpload({ file: '/conf/app.conf', content: 'second', permissions: '0644' });
    service.addUpload({ file: '/conf/other.conf', content: 'other', permissions: '0644' });
    service.addMount({ hostPath: '/etc/docker/lib', containerPath: '/lib-conf' });
    return Template.fromStack(built.stack);
  }

  test('env precedence: catalogue < addEnv < overrides.env', () => {
    expect(mutated().container('xivocc-xucmgt').env).toMatchObject({
      XIVO_HOST: 'feature-pbx.lib.example.com', // the platform's pbx.lib.example.com, replaced by addEnv
      XUC_HOST: 'operator.lib.example.com', // addEnv does not win over the operator
      FEATURE_AT_CONSTRUCTION: 'yes',
      ADDED: 'later',
    });
  });

  test('addUpload to the same path replaces the earlier upload; uploads are sorted by path', () => {
    expect(mutated().container('xivocc-xucmgt').json.upload).toEqual([
      { file: '/conf/app.conf', content: 'second', permissions: '0644' },
      { file: '/conf/other.conf', content: 'other', permissions: '0644' },
    ]);
  });

  test('addMount bind-mounts the host path read-only', () => {
    expect(mutated().container('xivocc-xucmgt').mounts).toEqual([{ host_path: '/etc/docker/lib', container_path: '/lib-conf', read_only: true }]);
  });

  test('rendered once, lazily: env and uploads given as functions are read when the stack is synthesized', () => {
    const built = libraryStack();
    const service = new ServiceContainer(built.stack, 'xucmgt', { definition: findService('cc.xucmgt')! });
    let composed: Record<string, string> = { COMPOSED: 'at construction' };
    service.addEnv(() => composed);
    service.addUpload(() => [{ file: '/conf/composed.conf', content: composed.COMPOSED, permissions: '0644' }]);
    composed = { COMPOSED: 'before synth' };
    const container = Template.fromStack(built.stack).container('xivocc-xucmgt');
    expect(container.env.COMPOSED).toBe('before synth');
    expect(container.json.upload).toEqual([{ file: '/conf/composed.conf', content: 'before synth', permissions: '0644' }]);
  });
});

test('an adopted volume: an import block, the Terraform version it needs in required_version, and no validation that runs terraform', () => {
  const built = libraryStack();
  new ServiceContainer(built.stack, 'pgxivocc', {
    definition: findService('cc.pgxivocc')!,
    overrides: { adoptVolumes: { data: 'xivocc_pgxivocc_data' } },
  });
  const json = built.synth();
  expect(json.import).toEqual([{ id: 'xivocc_pgxivocc_data', to: expect.stringMatching(/^docker_volume\./) }]);
  expect(json.terraform.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
  // cdktf's importFrom would add a validation running `terraform version`: none is registered.
  expect(programsStartedBy(() => expect(built.app.node.findAll().flatMap((c) => c.node.validate())).toEqual([]))).toEqual([]);
});

test("an adopted front: its fingerprint hashes nginx.conf as rendered at synth, and Terraform's functions see only references", () => {
  const built = libraryStack();
  const front = new NginxFront(built.stack, 'nginx', {
    certificate: Certificate.selfSigned(['cc.lib.example.com']),
    overrides: { adoptContainer: { name: 'xivocc_nginx_1', id: 'e'.repeat(64) } },
  });
  front.addRoute('/newpath', new XucService(built.stack, 'xuc'));
  const json = built.synth();
  const [fingerprint] = Object.values<any>(json.resource.terraform_data);
  expect(fingerprint.triggers_replace.configuration).toMatch(/^[0-9a-f]{64}$/);
  // nginx.conf is a lazy value: its text is in the configuration hash, never inside the expression.
  expect(fingerprint.triggers_replace.references).toMatch(/^\$\{sha256\(join\("\\n", \[[^\]]*\]\)\)\}$/);
  expect(fingerprint.triggers_replace.references).toContain('tls_self_signed_cert.');
  expect(fingerprint.triggers_replace.references).not.toContain('worker_processes');
});

describe('Certificate factories', () => {
  test('selfSigned: a self-signed certificate, no CA', () => {
    const built = libraryStack();
    new NginxFront(built.stack, 'front', { certificate: Certificate.selfSigned(['cc.lib.example.com']), standardRoutes: false });
    const template = Template.fromStack(built.stack);
    expect(template.resources('tls_self_signed_cert').map((c) => c.dns_names)).toEqual([['cc.lib.example.com']]);
    template.resourceCountIs('tls_locally_signed_cert', 0);
  });

  test('fromInternalCa in the CA stack: signed locally in that stack', () => {
    const built = libraryStack();
    const ca = InternalCa.create(built.stack);
    new NginxFront(built.stack, 'front', { certificate: Certificate.fromInternalCa(ca, ['cc.lib.example.com']) });
    const template = Template.fromStack(built.stack);
    template.resourceCountIs('tls_locally_signed_cert', 1);
    template.resourceCountIs('tls_self_signed_cert', 1); // the CA's own certificate
    template.resourceCountIs('tls_private_key', 2); // the CA's key and the front's
    template.hasResourceProperties('tls_self_signed_cert', { subject: [expect.objectContaining({ common_name: 'XiVO lib internal CA' })] });
  });

  test("fromInternalCa in another stack: the key and CSR in the server's key stack, signed in the CA stack, one state per key", () => {
    const pbx = libraryStack({ name: 'pbx', roles: [Role.XIVO], address: '10.0.0.1' });
    const cc = libraryStack({ platform: pbx.platform });
    const ca = InternalCa.create(pbx.stack);
    new NginxFront(cc.stack, 'front', { certificate: Certificate.fromInternalCa(ca, ['cc.lib.example.com']) });
    const stackJson = synthApp(pbx.app);
    const pbxJson = Template.fromJSON(stackJson('lib-pbx'));
    const ccJson = Template.fromJSON(stackJson('lib-cc1'));
    const keyJson = Template.fromJSON(stackJson('lib-cc1-key'));
    // The CA stack: its own key only, and the signature of the CSR it reads from the key stack.
    pbxJson.resourceCountIs('tls_locally_signed_cert', 1);
    pbxJson.resourceCountIs('tls_private_key', 1);
    pbxJson.resourceCountIs('tls_cert_request', 0);
    expect(pbxJson.resources('tls_locally_signed_cert')[0].cert_request_pem).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-lib-cc1-key\.outputs\.cross-stack-output-tls_cert_request\S+cert_request_pem\}$/,
    );
    // The key stack: the front's key and CSR, written on the server's host (the key 0600); its only output is the CSR.
    keyJson.resourceCountIs('tls_private_key', 1);
    expect(keyJson.resources('tls_cert_request').map((c) => c.dns_names)).toEqual([['cc.lib.example.com']]);
    expect(keyJson.container('xivo-key-etc-docker-nginx-ssl-xivoxc.key').upload('/host/xivoxc.key').permissions).toBe('0600');
    expect(keyJson.container('xivo-key-etc-docker-nginx-ssl-xivoxc.csr').upload('/host/xivoxc.csr').permissions).toBe('0644');
    expect(Object.values(keyJson.json.output)).toEqual([
      { sensitive: true, value: expect.stringMatching(/^\$\{tls_cert_request\.\S+\.cert_request_pem\}$/) },
    ]);
    expect(keyJson.json.provider.docker).toEqual(ccJson.json.provider.docker);
    // The server's stack: no key at all, the certificate from the CA stack.
    for (const type of ['tls_private_key', 'tls_cert_request', 'tls_locally_signed_cert', 'tls_self_signed_cert']) ccJson.resourceCountIs(type, 0);
    expect(JSON.stringify(ccJson.json)).not.toMatch(/private_key|InternalCa_key/);
    expect(Object.keys(ccJson.json.data.terraform_remote_state)).toEqual(['cross-stack-reference-input-lib-pbx']);
    expect(cc.stack.dependencies.map((d) => d.node.id).sort()).toEqual(['lib-cc1-key', 'lib-pbx']);
    expect(pbx.stack.dependencies.map((d) => d.node.id)).toEqual(['lib-cc1-key']);
  });

  test('fromInternalCa in another stack without keyFiles is refused: no stack would write the key', () => {
    const pbx = libraryStack({ name: 'pbx', roles: [Role.XIVO], address: '10.0.0.1' });
    const cc = libraryStack({ platform: pbx.platform });
    const certificate = Certificate.fromInternalCa(InternalCa.create(pbx.stack), ['cc.lib.example.com']);
    expectValidationError(
      () => certificate.bind(cc.stack, 'endpoint'),
      'lib-cc1/endpoint',
      'lib-cc1/endpoint: a certificate of the internal CA of another stack needs keyFiles: its key stack writes the key there',
    );
  });
});

describe('cross-stack outputs carry public material only', () => {
  test('a private key read by another stack is refused at synth, at the output, with what to do', () => {
    const pbx = libraryStack({ name: 'pbx', roles: [Role.XIVO], address: '10.0.0.1' });
    const cc = libraryStack({ platform: pbx.platform });
    const key = new PrivateKey(pbx.stack, 'leaked', { algorithm: 'ED25519' });
    new TerraformOutput(cc.stack, 'uses-it', { value: key.privateKeyPem });
    expectValidationError(
      () => pbx.app.synth(),
      'lib-pbx/cross-stack-output-tls_private_key.leaked.private_key_pem',
      'lib-pbx/cross-stack-output-tls_private_key.leaked.private_key_pem: this output is read by another stack (terraform_remote_state) and carries ' +
        'the attribute private_key_pem, a secret ("${tls_private_key.leaked.private_key_pem}"): every state that reads this stack would hold it. ' +
        "Pass public material only (a certificate, a CSR, an address); make the secret in the stack that uses it (a server's key in its key stack, ServerKeyStack)",
    );
  });

  test('a sensitive variable read by another stack is refused; a certificate passes', () => {
    const pbx = libraryStack({ name: 'pbx', roles: [Role.XIVO], address: '10.0.0.1' });
    const cc = libraryStack({ platform: pbx.platform });
    const token = SharedToken.of(pbx.stack).value;
    new TerraformOutput(cc.stack, 'token', { value: token });
    expect(() => pbx.app.synth()).toThrow(/carries the sensitive variable play_auth_token \("\$\{var\.play_auth_token\}"\)/);
    const ok = libraryStack({ name: 'pbx', roles: [Role.XIVO], address: '10.0.0.1' });
    const other = libraryStack({ platform: ok.platform });
    new TerraformOutput(other.stack, 'ca', { value: InternalCa.create(ok.stack).certPem });
    expect(() => ok.app.synth()).not.toThrow();
  });
});

test('snapshot of a library-built stack: xuc with LDAP (private CA) and Kerberos, xucmgt with CAS, a front with an added route', () => {
  const built = xucStack([AuthLdap.mode({ ...LDAP, caPem: CA_PEM }), AuthKerberos.mode(KERBEROS)], 'added after');
  new XucmgtService(built.stack, 'xucmgt', { xuc: built.xuc });
  built.xuc.addAuthentication(AuthCas.mode({ serverUrl: 'https://cas.lib.example.com/cas' }));
  const ca = InternalCa.create(built.stack);
  new NginxFront(built.stack, 'front', { certificate: Certificate.fromInternalCa(ca, ['cc.lib.example.com']) }).addRoute('/newpath', built.xuc);
  expect(built.synth()).toMatchSnapshot();
  expect(Template.fromStack(built.stack).container(FRONT).upload('/etc/nginx/nginx.conf').content).toContain('location /newpath {');
});
