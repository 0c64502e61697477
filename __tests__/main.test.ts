/** The synth command as operators run it: exit codes, nothing half-written, identical bytes, no secrets. */
import { XUC_CREDENTIALS_WARNING } from '../catalogue/xuc-credentials';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OIDC_LOGOUT_WARNING } from '../constructs/xuc/auth-oidc';
import { baseline, writeEnvironment } from './support/environments';
import { readTree } from './support/synth';

beforeAll(() => {
  execFileSync('node', ['scripts/build.js']);
});

function runMain(envFiles: string, outdir: string, extraEnv: Record<string, string> = {}) {
  return spawnSync('node', ['dist/main.js'], {
    encoding: 'utf8',
    env: { ...process.env, XIVO_ENV_FILES: envFiles, CDKTF_OUTDIR: outdir, ...extraEnv },
  });
}

describe('a broken environment file', () => {
  test('exits non-zero, names file, line and key, and leaves cdktf.out untouched', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-main-')), 'cdktf.out');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'previous'), 'kept');
    const broken = baseline();
    broken.servers[0].docker.host = 'ssh:/deploy@pbx';
    broken.servers[1].roles = ['cc', 'fax'];
    const file = writeEnvironment(broken, 'broken');
    const result = runMain(`${file},environments/lab.yaml`, outdir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        '2 errors in environment files; nothing was synthesized:',
        `  - ${file}:10:7: servers[0].docker.host: is not a Docker host URL: write "unix:///var/run/docker.sock", "ssh://user@host" or "ssh://user@host:2222", or "tcp://host:2376"`,
        `  - ${file}:19:9: servers[1].roles[1]: is not a role: use one of xivo, mds, cc, ucaddon, edge`,
        '',
      ].join('\n'),
    );
    expect(fs.readdirSync(outdir)).toEqual(['previous']);
    expect(fs.existsSync(`${outdir}.partial`)).toBe(false);
  });
});

describe('synth', () => {
  test('the app prints the stacks it wrote, and the warnings of the constructs on stderr', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-main-')), 'cdktf.out');
    const warned = baseline();
    warned.name = 'warned';
    warned.auth = { oidc: { serverUrl: 'https://id.test.example.com/realms/xivo', clientId: 'xivo-web', logout: true } };
    const file = writeEnvironment(warned, 'warned');
    const result = runMain(`environments/lab.yaml,${file}`, outdir);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`Synthesized 3 stacks into ${outdir}/stacks: warned-pbx, warned-cc, lab-allinone\n`);
    expect(result.stderr).toBe(
      [
        `warning: warned-cc/cc/xuc/oidc: ${OIDC_LOGOUT_WARNING}`,
        // Once per environment: xuc's credential variable names are inferred.
        `warning: warned-cc/cc/xuc/xivo-credentials: ${XUC_CREDENTIALS_WARNING}`,
        `warning: lab-allinone/cc/xuc/xivo-credentials: ${XUC_CREDENTIALS_WARNING}`,
        // the single-host lab's address is 127.0.0.1: its SIP WebSocket routes cannot reach Asterisk
        'warning: lab-allinone/cc/nginx: /wssip, /wssip-allinone lead to Asterisk at 127.0.0.1:5039, a loopback address: inside the nginx container it is the container itself; give the server its LAN address, or set tls.sipWebSocket.enabled: false',
        '',
      ].join('\n'),
    );
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['lab-allinone', 'warned-cc', 'warned-pbx']);
  });
});

describe('secrets', () => {
  /** Sentinels set as every secret variable a deployer would export, and as files next to the environments. */
  const SENTINEL = 'S3cr3t-Sentinel-7f1c9b2e4d';

  test('no secret value reaches cdktf.out, even when exported at synth time; two synths give identical bytes', () => {
    const secretEnv: Record<string, string> = {};
    for (const name of ['play_auth_token', 'ldap_manager_password', 'kerberos_password', 'xuc_truststore_password']) {
      secretEnv[`TF_VAR_${name}`] = `${SENTINEL}-${name}`;
    }
    // A copy of the bundled environments with the secret file they name (the keytab) present.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-secrets-'));
    fs.cpSync('environments', path.join(root, 'environments'), { recursive: true });
    fs.writeFileSync(path.join(root, 'environments', 'sso', 'xuc.keytab'), `${SENTINEL}-keytab`);
    const envFiles = path.join(root, 'environments', '*.yaml');
    // Same output path both times: plan-time file paths are relative to it.
    const outdir = path.join(root, 'cdktf.out');
    const plain = runMain(envFiles, outdir);
    expect(plain.status).toBe(0);
    const plainFiles = readTree(outdir);
    const result = runMain(envFiles, outdir, secretEnv);
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(SENTINEL);
    const files = readTree(outdir);
    const variables = new Set<string>();
    for (const [name, content] of files) {
      expect(`${name}: ${content.includes(SENTINEL)}`).toBe(`${name}: false`);
      expect(content).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
      if (name.endsWith('cdk.tf.json')) {
        for (const [varName, v] of Object.entries<Record<string, unknown>>(JSON.parse(content).variable ?? {})) {
          variables.add(varName);
          if (/token|password|secret|key/i.test(varName)) expect(`${varName} sensitive=${v.sensitive}`).toBe(`${varName} sensitive=true`);
        }
      }
    }
    expect(variables).toContain('play_auth_token');
    expect(files.size).toBeGreaterThan(10);
    expect(files).toEqual(plainFiles);
  });

  test('snapshots hold no secret value', () => {
    const dir = path.join('__tests__', '__snapshots__');
    for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const content = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(content).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
      expect(content).not.toMatch(/PLAY_AUTH_TOKEN=(?!\$\{var\.play_auth_token\})[^\s"\\]+/);
    }
  });
});
