/**
 * The bundled environments with authentication: sso.yaml (LDAPS with a private CA + Kerberos
 * + OIDC, XiVO authentication off) synthesizes on a fresh clone without secrets or keytab,
 * and no secret, given or read at plan time, reaches cdktf.out.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SynthOutput, synthEnvironments } from '../support/synth';
import { tempDir } from '../support/environments';
import { containerNamed, envOf, uploadOf } from '../support/auth-stack';

const ROOT = path.join(__dirname, '..', '..');
const SECRETS = {
  TF_VAR_play_auth_token: 'tok3n-that-must-never-appear-0123456789abcdef',
  TF_VAR_ldap_manager_password: 'ldap-S3cret-never-in-output',
  TF_VAR_kerberos_password: 'krb-S3cret-never-in-output',
  TF_VAR_xuc_truststore_password: 'ts-S3cret-never-in-output',
  TF_VAR_xuc_cti_password: 'cti-S3cret-never-in-output',
  TF_VAR_xuc_ws_password: 'ws-S3cret-never-in-output',
  TF_VAR_xuc_ami_secret: 'ami-S3cret-never-in-output',
};
const KEYTAB = Buffer.from('KEYTAB-BYTES-never-in-output\x05\x02');

const containerOf = (out: SynthOutput, stack: string, name: string) => containerNamed(out.json(stack), name);

describe('environments/sso.yaml', () => {
  let out: SynthOutput;
  let withKeytab: SynthOutput;
  const saved = { ...process.env };

  beforeAll(() => {
    expect(fs.existsSync(path.join(ROOT, 'environments/sso/xuc.keytab'))).toBe(false); // a fresh clone has none
    Object.assign(process.env, SECRETS);
    out = synthEnvironments(path.join(ROOT, 'environments/sso.yaml'));
    // The same environment with its keytab present, as on the operator's machine.
    const dir = path.join(tempDir(), 'sso-copy');
    fs.mkdirSync(path.join(dir, 'sso'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'environments/sso.yaml'), path.join(dir, 'sso.yaml'));
    fs.copyFileSync(path.join(ROOT, 'environments/sso/ldap-ca.pem'), path.join(dir, 'sso/ldap-ca.pem'));
    fs.writeFileSync(path.join(dir, 'sso/xuc.keytab'), KEYTAB);
    withKeytab = synthEnvironments(path.join(dir, 'sso.yaml'));
  });
  afterAll(() => {
    for (const key of Object.keys(SECRETS)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  test('synthesizes its two stacks and the CC key stack', () => {
    expect(out.stacks).toEqual(['sso-pbx', 'sso-cc', 'sso-cc-key']);
  });

  test('JAVA_OPTS keeps -Xms/-Xmx with the truststore and Kerberos flags', () => {
    const opts = envOf(containerOf(out, 'sso-cc', 'xivocc-xuc')).JAVA_OPTS.split(' ');
    expect(opts.slice(0, 2)).toEqual(['-Xms1g', '-Xmx3g']);
    expect(opts).toEqual(
      expect.arrayContaining([
        '-Djavax.net.ssl.trustStore=/customSslTrustStore/ldapCertTrustStore',
        '-Djavax.net.ssl.trustStorePassword=${var.xuc_truststore_password}',
        '-Dsecured.krb5.principal=HTTP/cc.sso.example.com',
        '-Dsecured.krb5.password=${var.kerberos_password}',
        '-Dsecured.krb5.keyTab=/etc/kerberos/xuc.keytab',
      ]),
    );
  });

  test('CONFIG_FILE points at the delivered xuc.conf, which disables XiVO authentication', () => {
    const xuc = containerOf(out, 'sso-cc', 'xivocc-xuc');
    expect(envOf(xuc).CONFIG_FILE).toBe('/conf/xuc.conf');
    const conf = uploadOf(xuc, '/conf/xuc.conf').content as string;
    expect(conf).toContain('  xivo = ""\n');
    expect(conf).toContain('managerPassword = ${jsonencode(var.ldap_manager_password)}');
    expect(xuc.upload.map((u: any) => u.file)).toEqual(['/conf/xuc.conf', '/etc/kerberos/xuc.keytab', '/etc/krb5.conf']);
  });

  test('web applications get SSO and OIDC', () => {
    expect(envOf(containerOf(out, 'sso-cc', 'xivocc-xucmgt'))).toMatchObject({
      USE_SSO: 'true',
      XUC_HOST: 'cc.sso.example.com',
      OIDC_CLIENT_ID: 'xivo-web',
      OIDC_SERVER_URL: 'https://id.sso.example.com/realms/xivo',
    });
  });

  test('the Kerberos browser runbook is generated', () => {
    expect(out.files().get('runbooks/sso/kerberos-browsers.md')).toContain('`network.negotiate-auth.trusted-uris`: `cc.sso.example.com`');
  });

  test('no secret literal, given or read at plan time, anywhere in cdktf.out', () => {
    const secrets = [...Object.values(SECRETS), KEYTAB.toString('base64'), KEYTAB.toString('latin1').slice(0, 20)];
    for (const output of [out, withKeytab]) {
      for (const [file, content] of output.files()) {
        for (const secret of secrets) {
          if (content.includes(secret)) throw new Error(`${file} contains a secret`);
        }
      }
    }
    const keytab = uploadOf(containerOf(withKeytab, 'sso-cc', 'xivocc-xuc'), '/etc/kerberos/xuc.keytab');
    expect(keytab.content_base64).toMatch(/^\$\{sensitive\(filebase64\(".*sso\/xuc\.keytab"\)\)\}$/);
  });
});

describe('environments/prod.yaml', () => {
  const out = synthEnvironments(path.join(ROOT, 'environments/prod.yaml'));

  test('LDAPS (public CA: no truststore) and CAS on the CC and UC-Addon xuc; outbound queue', () => {
    const ucXuc = Object.values<any>(out.json('prod-uc').resource.docker_container).find((c) => /-xuc$/.test(c.name)).name;
    for (const [stack, name] of [
      ['prod-cc-core', 'xivocc-xuc'],
      ['prod-uc', ucXuc],
    ] as const) {
      const xuc = containerOf(out, stack, name);
      const env = envOf(xuc);
      expect(env).toMatchObject({
        CONFIG_FILE: '/conf/xuc.conf',
        CAS_SERVER_URL: 'https://cas.prod.example.com/cas',
        LOGIN_TIMEOUT_MS: '7000',
        JAVA_OPTS: '-Xms1g -Xmx2g',
      });
      expect(uploadOf(xuc, '/conf/xuc.conf').content).toContain('url = "ldaps://ldap.prod.example.com:636"');
    }
    expect(out.files().get('runbooks/prod/outbound-queue.md')).toContain('# Outbound queue `outbound`');
  });
});

describe('the secret-leak test covers every sensitive variable the bundled stacks declare', () => {
  const saved = { ...process.env };
  let all: SynthOutput;
  beforeAll(() => {
    Object.assign(process.env, SECRETS);
    all = synthEnvironments();
  });
  afterAll(() => {
    for (const key of Object.keys(SECRETS)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  /** Every sensitive variable of every stack, with the stacks that declare it. */
  const sensitiveVariables = () => {
    const found = new Map<string, string[]>();
    for (const stack of all.stacks)
      for (const [name, variable] of Object.entries<any>(all.json(stack).variable ?? {}))
        if (variable.sensitive) found.set(name, [...(found.get(name) ?? []), stack]);
    return found;
  };

  test('the list of secrets is derived from the synthesized sensitive variables: all 7, each given a value here', () => {
    const declared = [...sensitiveVariables().keys()].sort();
    expect(declared).toEqual(
      Object.keys(SECRETS)
        .map((k) => k.replace(/^TF_VAR_/, ''))
        .sort(),
    );
    expect(declared).toHaveLength(7);
  });

  test('each is used by reference only (${var.<name>}), and no given value reaches any file of cdktf.out', () => {
    const files = all.files();
    const text = [...files.values()].join('\n');
    for (const [name] of sensitiveVariables()) {
      expect([name, text.includes(`\${var.${name}}`) || text.includes(`var.${name})`)]).toEqual([name, true]);
      const value = SECRETS[`TF_VAR_${name}` as keyof typeof SECRETS];
      for (const [file, content] of files) if (content.includes(value)) throw new Error(`${file} contains the value of ${name}`);
    }
  });
});
