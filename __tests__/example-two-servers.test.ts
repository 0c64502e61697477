/** examples/two-servers: the construct library used without YAML synthesizes a working two-server estate. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { buildTwoServers } from '../examples/two-servers/main';

type Json = Record<string, any>;

function synthesized(): { pbx: Json; cc: Json } {
  const app = Testing.app();
  const { pbx, cc } = buildTwoServers(app);
  return { pbx: JSON.parse(Testing.synth(pbx)), cc: JSON.parse(Testing.synth(cc)) };
}

const containers = (stack: Json): Json[] => Object.values(stack.resource?.docker_container ?? {});
const named = (stack: Json, name: string): Json => containers(stack).find((c) => c.name === name)!;
const upload = (container: Json, file: string): string => container.upload.find((u: Json) => u.file === file).content;

describe('examples/two-servers', () => {
  const { pbx, cc } = synthesized();

  test('xuc gets its hosts, the token variable, LDAP in xuc.conf and the login timeout', () => {
    const xuc = named(cc, 'xivocc-xuc');
    expect(xuc.env).toEqual(
      expect.arrayContaining([
        'XIVO_HOST=10.0.0.1',
        'XUC_HOST=cc.example.com',
        'PLAY_AUTH_TOKEN=${var.play_auth_token}',
        'CONFIG_FILE=/conf/xuc.conf',
        'LOGIN_TIMEOUT_MS=10000',
        'AUTH_PREVENT_XUC_LOGIN=true',
      ]),
    );
    expect(upload(xuc, '/conf/xuc.conf')).toContain('url = "ldaps://ldap.example.com:636"');
    expect(upload(xuc, '/conf/xuc.conf')).toContain('jsonencode(var.ldap_manager_password)');
    expect(cc.variable.ldap_manager_password.sensitive).toBe(true);
  });

  test('the front serves the routes given and the one added later', () => {
    const conf = upload(named(cc, 'xivocc-nginx'), '/etc/nginx/nginx.conf');
    for (const location of ['location / {', 'location /xuc {', 'location /xuc/api/2.0/cti {']) expect(conf).toContain(location);
    expect(conf).toContain('server_name cc.example.com;');
  });

  test('the CA and every certificate it signs live in the PBX stack; the CC stack holds no CA key', () => {
    expect(Object.keys(pbx.resource.tls_self_signed_cert)).toHaveLength(1);
    expect(Object.keys(pbx.resource.tls_locally_signed_cert)).toHaveLength(2);
    expect(cc.resource.tls_private_key).toBeUndefined();
    expect(cc.resource.tls_self_signed_cert).toBeUndefined();
    expect(JSON.stringify(cc)).not.toMatch(/InternalCa_key/);
  });

  test('the PBX stack sets the shared token in custom.env through its sensitive variable', () => {
    expect(pbx.variable.play_auth_token.sensitive).toBe(true);
    const job = containers(pbx).find((c) => c.name === 'xivo-env-etc-docker-xivo-custom.env')!;
    expect(JSON.stringify(job.upload)).toContain('PLAY_AUTH_TOKEN=${var.play_auth_token}');
  });

  test('synthesizes with cdktf into an output directory, twice to the same bytes', () => {
    const outputs = [0, 1].map(() => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'two-servers-'));
      const app = new App({ outdir, stackTraces: false });
      buildTwoServers(app);
      app.synth();
      return ['pbx', 'cc'].map((s) => fs.readFileSync(path.join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8'));
    });
    expect(outputs[1]).toEqual(outputs[0]);
  });

  test('matches its snapshot', () => {
    expect({ pbx, cc }).toMatchSnapshot();
  });
});
