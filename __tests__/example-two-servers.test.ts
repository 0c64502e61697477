/**
 * examples/two-servers: the construct library used without YAML synthesizes a working two-server
 * estate, with no host, port or route typed by hand: the platform wires them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from '../constructs/terraform-cdk';
import { buildTwoServers } from '../examples/two-servers/main';
import { Runbook } from '../constructs/runbook';
import { Template } from './support/template';

function synthesized(): { pbx: Template; cc: Template } {
  const app = Testing.app();
  const { pbx, cc } = buildTwoServers(app);
  return { pbx: Template.fromStack(pbx), cc: Template.fromStack(cc) };
}

describe('examples/two-servers', () => {
  const { pbx, cc } = synthesized();

  test('xuc gets XIVO_HOST from the PBX server, XUC_HOST from the platform, the token variable, LDAP in xuc.conf and the login timeout', () => {
    const xuc = cc.container('xivocc-xuc');
    expect(xuc.env).toMatchObject({
      XIVO_HOST: 'xivo.example.com',
      XUC_HOST: 'cc.example.com',
      PLAY_AUTH_TOKEN: '${var.play_auth_token}',
      CONFIG_FILE: '/conf/xuc.conf',
      LOGIN_TIMEOUT_MS: '10000',
      AUTH_PREVENT_XUC_LOGIN: 'true',
    });
    expect(xuc.upload('/conf/xuc.conf').content).toContain('url = "ldaps://ldap.example.com:636"');
    expect(xuc.upload('/conf/xuc.conf').content).toContain('jsonencode(var.ldap_manager_password)');
    expect(cc.variable('ldap_manager_password').sensitive).toBe(true);
  });

  test("the front serves the catalogue's routes, each to its service by its alias on the server", () => {
    const conf = cc.container('xivocc-nginx').upload('/etc/nginx/nginx.conf').content as string;
    for (const location of ['location / {', 'location /ccagent {', 'location /xuc {', 'location /xuc/api/2.0/cti {', 'location /wssip {'])
      expect(conf).toContain(location);
    expect(conf).toContain('server xivocc-xuc:8090;');
    expect(conf).toContain('server xivocc-xucmgt:8070;');
    // Asterisk of the PBX server, on its address; configmgt, served by XiVO itself, too.
    expect(conf).toContain('server 10.0.0.1:5039;');
    expect(conf).toContain('server 10.0.0.1:9100;');
    expect(conf).toContain('server_name cc.example.com;');
  });

  test('the CA signs in the PBX stack; the CC stack holds no key (the front key is in its key stack)', () => {
    pbx.resourceCountIs('tls_self_signed_cert', 1);
    pbx.resourceCountIs('tls_locally_signed_cert', 2);
    pbx.resourceCountIs('tls_private_key', 2); // the CA's and the PBX's CTI key
    cc.resourceCountIs('tls_private_key', 0);
    cc.resourceCountIs('tls_self_signed_cert', 0);
    expect(JSON.stringify(cc.json)).not.toMatch(/InternalCa_key/);
  });

  test("each server's custom.env from the catalogue: the shared token through its sensitive variable and the public names", () => {
    expect(pbx.variable('play_auth_token').sensitive).toBe(true);
    expect(pbx.container('xivo-env-etc-docker-xivo-custom.env').upload('/xivo-cdktf/managed.env').content).toBe(
      'PLAY_AUTH_TOKEN=${var.play_auth_token}\nXIVO_HOST=xivo.example.com\n',
    );
    expect(cc.container('xivo-env-etc-docker-compose-custom.env').upload('/xivo-cdktf/managed.env').content).toBe(
      'PLAY_AUTH_TOKEN=${var.play_auth_token}\nXIVO_HOST=xivo.example.com\nXUC_HOST=cc.example.com\n',
    );
  });

  test('the CC stack waits for the PBX stack, which waits for the CC key stack', () => {
    const app = Testing.app();
    const { pbx: pbxStack, cc: ccStack } = buildTwoServers(app);
    app.synth();
    expect(ccStack.dependencies.map((s) => s.node.id)).toEqual(['example-pbx', 'example-cc-key']);
    expect(pbxStack.dependencies.map((s) => s.node.id)).toEqual(['example-cc-key']);
  });

  test('synthesizes with cdktf into an output directory, twice to the same bytes, and writes its runbooks', () => {
    const outputs = [0, 1].map(() => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'two-servers-'));
      const app = new App({ outdir, stackTraces: false });
      buildTwoServers(app);
      app.synth();
      expect(Runbook.writeAll(app)).toEqual(['runbooks/example/internal-ca.md']);
      return ['example-pbx', 'example-cc', 'example-cc-key'].map((s) => fs.readFileSync(path.join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8'));
    });
    expect(outputs[1]).toEqual(outputs[0]);
  });

  test('matches its snapshot', () => {
    expect({ pbx: pbx.json, cc: cc.json }).toMatchSnapshot();
  });
});
