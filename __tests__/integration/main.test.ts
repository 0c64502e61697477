/** The synth command as operators run it: exit codes, nothing half-written, identical bytes, no secrets. */
import { XUC_CREDENTIALS_NOTE } from '../../catalogue/xuc-credentials';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OIDC_LOGOUT_WARNING } from '../../constructs/xuc/auth-oidc';
import { baseline, writeEnvironment } from '../support/environments';
import { readTree } from '../support/synth';

beforeAll(() => {
  execFileSync('node', ['scripts/build.js']);
});

function runMain(envFiles: string, outdir: string, extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['dist/main.js'], {
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
  test('prints each warning once with every place it applies to, one note per fact, and last what it wrote where', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-main-')), 'cdktf.out');
    const files = ['warned', 'warned2'].map((name) => {
      const warned = baseline();
      warned.name = name;
      warned.auth = { oidc: { serverUrl: 'https://id.test.example.com/realms/xivo', clientId: 'xivo-web', logout: true } };
      return writeEnvironment(warned, name);
    });
    const result = runMain(`environments/lab.yaml,${files.join(',')}`, outdir);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(
      [
        // The same risky setting in two environments: one warning, both places.
        `warning: warned-cc/cc/xuc/oidc, warned2-cc/cc/xuc/oidc: ${OIDC_LOGOUT_WARNING}`,
        // xuc's credential variable names are inferred: a fact of every environment with a xuc, said once.
        `note: warned-cc, warned2-cc, lab-allinone: ${XUC_CREDENTIALS_NOTE}`,
        '',
      ].join('\n'),
    );
    expect(result.stdout).toBe(
      `Wrote 7 stacks into ${outdir}/stacks (warned-pbx, warned-cc, warned-cc-key, warned2-pbx, warned2-cc, warned2-cc-key, lab-allinone), and for warned, warned2, lab ` +
        `the runbooks into ${outdir}/runbooks/<env> and the topology (topology.svg) and firewall matrix (flows.md, flows.csv) into ${outdir}/docs/<env>\n`,
    );
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual([
      'lab-allinone',
      'warned-cc',
      'warned-cc-key',
      'warned-pbx',
      'warned2-cc',
      'warned2-cc-key',
      'warned2-pbx',
    ]);
  });

  test('the bundled environments synthesize without a warning', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-main-')), 'cdktf.out');
    const result = runMain('environments/*.yaml', outdir);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(`note: lab-allinone, prod-cc-core, corp-cc, sso-cc: ${XUC_CREDENTIALS_NOTE}\n`);
  });

  test('runs no program: with only a terraform and a dot on PATH that record any call, prod (an adopted volume: an import block) synthesizes, its picture included', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-noprogram-'));
    const bin = path.join(root, 'bin');
    const calls = path.join(root, 'calls');
    fs.mkdirSync(bin);
    for (const program of ['terraform', 'tofu', 'dot', 'sh', 'openssl', 'docker', 'git']) {
      fs.writeFileSync(
        path.join(bin, program),
        `#!${process.execPath}\nrequire('fs').appendFileSync(${JSON.stringify(calls)}, '${program}\\n'); process.exit(1);\n`,
        { mode: 0o755 },
      );
    }
    const outdir = path.join(root, 'cdktf.out');
    const result = runMain('environments/prod.yaml', outdir, { PATH: bin });
    expect(result.stderr).toBe(`note: prod-cc-core: ${XUC_CREDENTIALS_NOTE}\n`);
    expect(result.status).toBe(0);
    expect(fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : 'no call').toBe('no call');
    const stack = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'prod-cc-core', 'cdk.tf.json'), 'utf8'));
    // Terraform checks the version import blocks need; synth does not.
    expect(stack.import).toEqual([{ id: 'xivocc_pgxivocc_data', to: 'docker_volume.cc_pgxivocc_volume-data_9362E000' }]);
    expect(stack.terraform.required_version).toBe('>= 1.5.0');
    expect(fs.readFileSync(path.join(outdir, 'docs', 'prod', 'topology.svg'), 'utf8')).toContain('</svg>');
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
