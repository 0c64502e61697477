/** ServerStack: provider connection, state backends, deploy order. */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from '../constructs/terraform-cdk';
import { OUTDIR_CONTEXT } from '../constructs/plan-time-file';
import { buildEnvironment, withKeyStacks } from '../stacks/platform';
import { baseline, load, tempDir } from './support/environments';

function synthStacks(change: (e: Record<string, any>) => void) {
  const spec = baseline();
  change(spec);
  const app = Testing.app({ context: { [OUTDIR_CONTEXT]: path.resolve('cdktf.out') } });
  const stacks = buildEnvironment(app, load(spec));
  return Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))]));
}

test('tcp:// hosts get their client TLS files read by Terraform at plan time', () => {
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(tempDir(), f), 'not read at synth');
  const stacks = synthStacks(
    (e) => (e.servers[1].docker = { host: 'tcp://10.0.0.20:2376', tls: { caFile: 'ca.pem', certFile: 'cert.pem', keyFile: 'key.pem' } }),
  );
  const rel = path.relative(path.resolve('cdktf.out/stacks/test-cc'), tempDir());
  expect(stacks['test-cc'].provider.docker).toEqual([
    {
      host: 'tcp://10.0.0.20:2376',
      ca_material: `\${file("${rel}/ca.pem")}`,
      cert_material: `\${file("${rel}/cert.pem")}`,
      key_material: `\${file("${rel}/key.pem")}`,
    },
  ]);
  expect(JSON.stringify(stacks)).not.toContain('not read at synth');
});

test.each([
  [{ type: 'pg', schemaPrefix: 'xivo_' }, { pg: { schema_name: 'xivo_test_cc' } }],
  [{ type: 'http', address: 'https://state.example.com/xivo/' }, { http: { address: 'https://state.example.com/xivo/test-cc' } }],
  [
    { type: 'local', directory: 'state' },
    { local: { path: `${path.relative(path.resolve('cdktf.out/stacks/test-cc'), tempDir())}/state/test-cc.tfstate` } },
  ],
])('backend %j', (backend, expected) => {
  const stacks = synthStacks((e) => (e.backend = backend));
  expect(stacks['test-cc'].terraform.backend).toEqual(expected);
});

test('backend.encryption (OpenTofu) writes only the passphrase variable name for deploy, no encryption block and no passphrase', () => {
  process.env.XIVO_STATE_PASSPHRASE = 'never read by synth, 1234';
  try {
    const spec = { ...baseline(), backend: { type: 'pg', encryption: { passphraseEnv: 'PROD_STATE_PASSPHRASE' } } };
    const app = Testing.app({ context: { [OUTDIR_CONTEXT]: path.resolve('cdktf.out') } });
    // toTerraform(): the configuration with its "//" metadata, as synth writes cdk.tf.json.
    const configs = withKeyStacks(buildEnvironment(app, load(spec))).map((s) => s.toTerraform() as Record<string, any>);
    expect(configs).toHaveLength(3); // test-pbx, test-cc and its key stack
    for (const json of configs) {
      expect(json['//'].xivo).toEqual({ stateEncryption: { passphraseEnv: 'PROD_STATE_PASSPHRASE' } });
      expect(json.terraform.encryption).toBeUndefined();
      expect(JSON.stringify(json)).not.toMatch(/never read by synth|pbkdf2|aes_gcm/);
    }
    const plain = buildEnvironment(Testing.app(), load({ ...baseline(), backend: { type: 'pg' } }));
    expect((plain[1].toTerraform() as Record<string, any>)['//'].xivo).toBeUndefined();
  } finally {
    delete process.env.XIVO_STATE_PASSPHRASE;
  }
});

test('a single host carrying PBX, MDS and CC needs no stack dependency and reaches everything locally', () => {
  const app = Testing.app({ context: { [OUTDIR_CONTEXT]: path.resolve('cdktf.out') } });
  const spec = baseline();
  spec.servers = [{ name: 'all', address: '127.0.0.1', docker: { host: 'unix:///var/run/docker.sock' }, roles: ['xivo', 'mds', 'cc'] }];
  spec.services = { 'cc.nginx': { ports: { http: 8080, https: 8443 } }, 'cc.spagobi': { ports: { http: 9501 } } };
  const [stack] = buildEnvironment(app, load(spec));
  expect(stack.dependencies).toEqual([]);
  const json = JSON.parse(Testing.synth(stack));
  const paths = Object.values<any>(json.resource.docker_container)
    .filter((c) => c.start === false || c.labels.some((l: { value: string }) => l.value === 'env-file-keys'))
    .map((c) => c.volumes[0].host_path)
    .sort();
  // Host env files of the three roles (key-by-key jobs), plus the TLS files of nginx (crt, key, csr) and of the PBX (crt, key).
  expect(paths).toEqual([
    '/etc/docker/compose',
    '/etc/docker/mds',
    ...Array(3).fill('/etc/docker/nginx/ssl'),
    '/etc/docker/xivo',
    ...Array(2).fill('/usr/share/xivo-certs'),
  ]);
  const kibana = Object.values<any>(json.resource.docker_container).find((c) => c.name === 'xivocc-kibana');
  expect(kibana.env).toEqual(['ELASTICSEARCH_HOSTS=http://xivocc-elasticsearch:9200']);
});

test('optional services disabled: nginx and custom.env leave out the recording server and SpagoBI, instead of pointing at nothing', () => {
  const stacks = synthStacks((e) => (e.services = { 'cc.recording-server': { enabled: false }, 'cc.spagobi': { enabled: false } }));
  const containers = Object.values<Record<string, any>>(stacks['test-cc'].resource.docker_container);
  const nginx = containers.find((c) => c.name === 'xivocc-nginx')!;
  expect(nginx.env).toEqual(['XIVO_HOST=pbx.test.example.com', 'XUC_HOST=cc.test.example.com']);
  const customEnv = containers.find((c) => c.name === 'xivo-env-etc-docker-compose-custom.env')!;
  expect(customEnv.upload.find((u: { file: string }) => u.file === '/xivo-cdktf/managed.env').content).toBe(
    'PLAY_AUTH_TOKEN=${var.play_auth_token}\nXIVO_HOST=pbx.test.example.com\nXUC_HOST=cc.test.example.com\n',
  );
});
