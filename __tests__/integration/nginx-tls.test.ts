/** NginxFront, its certificates and the PBX TLS side, from a synth of the bundled environments. */
import * as path from 'path';
import { issuedFor, resources, strings, synthEnvironments, SynthOutput } from '../support/synth';
import { baseline, writeEnvironment } from '../support/environments';

const containers = (synth: SynthOutput, stack: string) => resources(synth.json(stack), 'docker_container');
const upload = (synth: SynthOutput, stack: string, file: string) =>
  containers(synth, stack)
    .flatMap(([, c]) => (c.upload ?? []).map((u: any) => ({ ...u, volumes: c.volumes })))
    .filter((u: any) => u.file === file);
const nginxConf = (synth: SynthOutput, stack: string): string => upload(synth, stack, '/etc/nginx/nginx.conf')[0].content;
/** Host files written through HostFile: host path → upload. */
const hostFiles = (synth: SynthOutput, stack: string) =>
  new Map(
    containers(synth, stack)
      .filter(([, c]) => c.start === false)
      .map(([, c]) => [`${c.volumes[0].host_path}/${path.posix.basename(c.upload[0].file)}`, c.upload[0]]),
  );

describe('NginxFront and TLS material (bundled environments)', () => {
  let synth: SynthOutput;
  beforeAll(() => {
    synth = synthEnvironments();
  });

  test('split CC: same-server services by container alias, others by address and published port', () => {
    const conf = nginxConf(synth, 'prod-cc-core');
    const upstreams = [...conf.matchAll(/upstream (\S+) \{\n\s+server (\S+);/g)].map((m) => m[2]);
    // the Asterisk HTTP servers of the PBX and of each MDS (SIP WebSockets) are reached by address
    expect(upstreams).toEqual([
      '10.20.0.10:5039',
      '10.20.0.10:9100',
      '10.20.0.21:5039',
      '10.20.0.22:5039',
      '10.20.0.32:5601',
      '10.20.0.32:9400',
      '10.20.0.32:9500',
      'xivocc-xuc:8090',
      'xivocc-xucmgt:8070',
    ]);
    const locations = [...conf.matchAll(/location (\S+) \{\n(?:.*\n)*?\s+proxy_pass http:\/\/(\S+);/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(locations).toEqual(
      expect.arrayContaining([
        '/ up_xivocc-xucmgt_8070',
        '/fingerboard up_xivocc-xucmgt_8070',
        '/ccagent up_xivocc-xucmgt_8070',
        '/ccmanager up_xivocc-xucmgt_8070',
        '/configmgt up_10_20_0_10_9100',
        '/kibana up_10_20_0_32_5601',
        '/recording up_10_20_0_32_9400',
        '/SpagoBI up_10_20_0_32_9500',
        '/xuc up_xivocc-xuc_8090',
        '/xuc/api/2.0/cti up_xivocc-xuc_8090',
      ]),
    );
    expect(conf).toMatch(
      /location \/xuc\/api\/2\.0\/cti \{[^}]*proxy_set_header Upgrade \$http_upgrade;\n\s+proxy_set_header Connection \$connection_upgrade;/,
    );
    expect(conf).toContain('return 301 https://cc.prod.example.com$request_uri;');
    expect(conf).toContain('server_tokens off;');
  });

  test("all on one host: XiVO's own configmgt on the host itself; the redirect carries the published HTTPS port", () => {
    const conf = nginxConf(synth, 'lab-allinone');
    expect(conf).toContain('server host.docker.internal:9100;');
    expect(conf).toContain('return 301 https://cc.lab.example.com:8443$request_uri;');
  });

  test('the UC-Addon front serves its own name and has no CC-only routes', () => {
    const conf = nginxConf(synth, 'prod-uc');
    expect(conf).toContain('server_name uc.prod.example.com;');
    expect(conf).not.toContain('location /kibana');
    expect(conf).not.toContain('location /SpagoBI');
  });

  test("the front certificate carries the public XUC host as CN and first DNS name (key and CSR in the server's key stack, signed in the PBX stack)", () => {
    expect(resources(synth.json('prod-cc-core'), 'tls_cert_request')).toEqual([]);
    expect(resources(synth.json('prod-pbx'), 'tls_cert_request').map(([id]) => id)).toEqual([
      expect.stringMatching(/^xivo_tls_cti-certificate_csr_/),
    ]);
    const [[, csr]] = resources(synth.json('prod-cc-core-key'), 'tls_cert_request');
    expect(csr.dns_names).toEqual(['cc.prod.example.com', 'cc-core.prod.example.com']);
    expect(csr.subject).toEqual([{ common_name: 'cc.prod.example.com', organization: 'XiVO' }]);
    const [, cert] = issuedFor(synth.json('prod-pbx'), 'prod-cc-core', 'tls_locally_signed_cert')[0];
    expect(cert).toMatchObject({
      allowed_uses: ['digital_signature', 'key_encipherment', 'server_auth'],
      validity_period_hours: 397 * 24,
      early_renewal_hours: 30 * 24,
    });
    expect(cert.cert_request_pem).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-prod-cc-core-key\.outputs\.\S+cert_request_pem\}$/,
    );
    const [[, key]] = resources(synth.json('prod-cc-core-key'), 'tls_private_key');
    expect(key).toMatchObject({ algorithm: 'RSA', rsa_bits: 3072 });
  });

  test("files keep XiVO's names xivoxc.crt/.key/.csr in /etc/docker/nginx/ssl, bind-mounted read-only; the key and CSR written by the key stack", () => {
    const files = hostFiles(synth, 'prod-cc-core');
    expect(files.get('/etc/docker/nginx/ssl/xivoxc.crt')).toMatchObject({ permissions: '0644' });
    expect([...files.keys()].filter((f) => f.startsWith('/etc/docker/nginx/ssl/'))).toEqual(['/etc/docker/nginx/ssl/xivoxc.crt']);
    const keyFiles = hostFiles(synth, 'prod-cc-core-key');
    expect(keyFiles.get('/etc/docker/nginx/ssl/xivoxc.csr')?.content).toMatch(
      /^\$\{tls_cert_request\.cc_nginx_certificate_csr_\w+\.cert_request_pem\}$/,
    );
    expect(keyFiles.get('/etc/docker/nginx/ssl/xivoxc.key')).toMatchObject({ permissions: '0600' });
    expect(keyFiles.get('/etc/docker/nginx/ssl/xivoxc.key')?.content).toMatch(
      /^\$\{tls_private_key\.cc_nginx_certificate_key_\w+\.private_key_pem\}$/,
    );
    // leaf then the CA: a complete chain
    expect(files.get('/etc/docker/nginx/ssl/xivoxc.crt')?.content).toMatch(
      /^\$\{data\.terraform_remote_state\.\S+cert_pem\}\$\{data\.terraform_remote_state\.\S+InternalCa_cert_\w+cert_pem\}$/,
    );
    const [, nginx] = containers(synth, 'prod-cc-core').find(([id]) => id.startsWith('cc_nginx_service'))!;
    expect(nginx.volumes).toContainEqual({ host_path: '/etc/docker/nginx/ssl', container_path: '/etc/nginx/ssl', read_only: true });
    expect(nginx.depends_on).toHaveLength(1);
    expect(JSON.parse(synth.files().get('manifest.json')!).stacks['prod-cc-core'].dependencies).toContain('prod-cc-core-key');
  });

  test('a renewed certificate recreates nginx (it reads the files only at start), after the files are rewritten', () => {
    const files = hostFiles(synth, 'prod-cc-core');
    const [, nginx] = containers(synth, 'prod-cc-core').find(([id]) => id.startsWith('cc_nginx_service'))!;
    const label = nginx.labels.find((l: { label: string }) => l.label === 'org.xivo.input.certificate');
    expect(label.value).toBe(`\${sha256("${files.get('/etc/docker/nginx/ssl/xivoxc.crt')!.content}")}`);
    const writers = containers(synth, 'prod-cc-core').filter(([, c]) => c.start === false && c.volumes[0].host_path === '/etc/docker/nginx/ssl');
    expect([...nginx.depends_on].sort()).toEqual(writers.map(([id]) => `docker_container.${id}`).sort());
  });

  test('one internal CA per environment, in the PBX stack; other stacks receive their certificates through remote state', () => {
    const cas = synth.stacks.flatMap((s) =>
      resources(synth.json(s), 'tls_self_signed_cert')
        .filter(([, c]) => c.is_ca_certificate)
        .map(() => s),
    );
    expect(cas).toEqual(['lab-allinone', 'prod-pbx', 'sso-pbx']);
    // the CA certificate, and per other endpoint (cc-core, uc, edge fronts) its certificate only
    expect(Object.keys(synth.json('prod-pbx').output)).toHaveLength(1 + 3);
    expect(Object.values<any>(synth.json('prod-pbx').output).map((o) => o.value)).toEqual(
      Object.values<any>(synth.json('prod-pbx').output).map(() => expect.stringMatching(/^\$\{tls_(self|locally)_signed_cert\.\S+\.cert_pem\}$/)),
    );
    expect(Object.values<any>(synth.json('prod-pbx').output).every((o) => o.sensitive)).toBe(true);
    for (const stack of ['prod-cc-core', 'prod-uc', 'prod-edge']) {
      expect(synth.json(stack).data.terraform_remote_state['cross-stack-reference-input-prod-pbx']).toMatchObject({
        backend: 's3',
        config: { key: 'xivo/prod-pbx.tfstate' },
      });
    }
    const sso = synth.json('sso-cc').data.terraform_remote_state['cross-stack-reference-input-sso-pbx'];
    expect(sso.backend).toBe('local');
    expect(sso.config.path).toBe('../../../terraform-state/sso-pbx.tfstate');
    const [, exported] = resources(synth.json('prod-pbx'), 'local_file')[0];
    expect(exported).toMatchObject({ filename: '../../../pki/prod/internal-ca.crt', file_permission: '0644' });
    expect(synth.files().get('runbooks/prod/internal-ca.md')).toContain('Group Policy');
  });

  test('CTI server (XiVO "CTI Server"): STARTTLS certificate and key in /usr/share/xivo-certs, auth backend in conf.d', () => {
    const files = hostFiles(synth, 'prod-pbx');
    expect(files.get('/usr/share/xivo-certs/server.crt')).toMatchObject({ permissions: '0644' });
    expect(files.get('/usr/share/xivo-certs/server.key')).toMatchObject({ permissions: '0600' });
    expect(files.get('/etc/xivo-ctid/conf.d/50-xivo-cdktf-auth.yml')?.content).toBe('auth:\n  backend: xivo_user\n');
    const [, csr] = resources(synth.json('prod-pbx'), 'tls_cert_request').find(([id]) => id.startsWith('xivo_tls_'))!;
    expect(csr.dns_names).toEqual(['pbx.prod.example.com']);
  });

  test('mode provided (corp): files read at plan time, chain in order, a CSR from the operator key', () => {
    const files = hostFiles(synth, 'corp-cc');
    // The key is a sensitive value: plans print "(sensitive value)", never the key (file() is not marked).
    expect(files.get('/etc/docker/nginx/ssl/xivoxc.key')?.content).toBe('${sensitive(file("../../../environments/provided-certs/xivoxc.key"))}');
    expect(files.get('/etc/docker/nginx/ssl/xivoxc.crt')?.content).toBe(
      '${join("\\n", [trimspace(file("../../../environments/provided-certs/xivoxc.crt")), trimspace(file("../../../environments/provided-certs/intermediate.crt")), trimspace(file("../../../environments/provided-certs/root.crt"))])}\n',
    );
    const [, csr] = resources(synth.json('corp-cc'), 'tls_cert_request')[0];
    expect(csr).toMatchObject({
      dns_names: ['cc.corp.example.com'],
      private_key_pem: '${sensitive(file("../../../environments/provided-certs/xivoxc.key"))}',
    });
    expect(resources(synth.json('corp-pbx'), 'tls_self_signed_cert')).toEqual([]);
  });

  test('no key material in cdktf.out: keys stay in Terraform state or are read at plan time', () => {
    for (const [file, content] of synth.files()) {
      expect([file, /-----BEGIN [A-Z ]*PRIVATE KEY/.test(content)]).toEqual([file, false]);
    }
  });

  test('self-signed mode: no CA; a route whose service is absent is left out', () => {
    const env = { ...baseline(), tls: { mode: 'self-signed' }, services: { 'cc.spagobi': { enabled: false } } };
    const out = synthEnvironments(writeEnvironment(env, 'selfsigned'));
    expect(resources(out.json('test-pbx'), 'tls_self_signed_cert').map(([, c]) => c.is_ca_certificate)).toEqual([undefined]);
    const [, cert] = resources(out.json('test-cc'), 'tls_self_signed_cert')[0];
    expect(cert.dns_names).toEqual(['cc.test.example.com']);
    expect(out.json('test-cc').data).toBeUndefined();
    const conf = nginxConf(out, 'test-cc');
    expect(conf).not.toContain('/SpagoBI');
    expect(conf).toContain('location /recording');
    expect(strings(out.json('test-cc')).some((s) => s.includes('server 10.0.0.10:9100;'))).toBe(true);
  });
});
