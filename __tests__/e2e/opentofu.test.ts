/**
 * OpenTofu as the second engine, with the states encrypted at rest (issue 20): an estate of a PBX
 * and a XiVO CC (internal CA: the CA key in the PBX's state, the CC front's key in its key stack's)
 * deployed by `npm run deploy` with `XIVO_TERRAFORM=tofu` and `backend.encryption` (OpenTofu's
 * pbkdf2 + aes_gcm, given in TF_ENCRYPTION, nothing in cdk.tf.json):
 *
 * - apply; every state file on disk is 0600, holds `encrypted_data` and, read as bytes, no PEM
 *   block, no token and no password;
 * - a second deploy plans no change and applies nothing; drift, reading the same encrypted states,
 *   reports none;
 * - destroying the CC stack is refused by prevent_destroy on its data volumes (OpenTofu's plan);
 * - a wrong passphrase stops the deploy with OpenTofu's decryption error, a missing one is refused
 *   before anything runs, and no state file changes.
 *
 * Why not the whole e2e suite on both engines: the deploy file alone takes 5 to 7 minutes, and CI must
 * stay under 45 minutes cold. The engine-specific parts are the state (format, encryption, lock) and
 * the plan; this estate exercises both on the provider set and the stack shapes (key stack, CA,
 * cross-stack outputs, data volumes) of the main estate. Costly (about 2 min): `npm run test:e2e`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { encryptedEnvironment } from '../../deploy/state-encryption';
import { readStacks } from '../../deploy/stack-info';
import {
  buildImageTarballs,
  buildTools,
  deployCommand,
  deployEnv,
  E2E_REQUIREMENTS,
  hostsDown,
  hostsUp,
  pinnedHelperImage,
  isRoot,
  progress,
  platformSecrets,
  randomSecret,
  REPO,
  TestHost,
  Tools,
  WORK,
} from './harness';
import { writeReportSection } from './report';
import { importStackStandIns } from './stand-ins';
import { describeWithPrograms } from '../support/programs';

const HERE = path.join(WORK, 'opentofu');
const OUTDIR = path.join(HERE, 'cdktf.out');
const ENV_DIR = path.join(HERE, 'env');
const STATE_DIR = path.join(ENV_DIR, 'state');
const ENV = 'tofu';
const STACKS = [`${ENV}-cc-key`, `${ENV}-pbx`, `${ENV}-cc`];
const PASSPHRASE_ENV = 'XIVO_STATE_PASSPHRASE';

const started = Date.now();
let tools: Tools;
let hosts: TestHost[];
let env: NodeJS.ProcessEnv;
let secrets: Record<string, string>;

const report = {
  engine: '',
  fileSeconds: 0,
  applySeconds: 0,
  stacks: {} as Record<string, string>,
  states: {} as Record<string, { mode: string; encrypted: boolean; pemBlocks: number; secretsInClear: string[] }>,
  secondDeploy: {} as Record<string, string>,
  destroyRefused: false,
  drift: { status: -1, tail: '' },
  wrongPassphrase: '',
  missingPassphrase: '',
};

const host = (name: 'pbx' | 'cc') => hosts.find((h) => h.name === name)!;
const stateFiles = () =>
  fs
    .readdirSync(STATE_DIR)
    .filter((f) => f.endsWith('.tfstate'))
    .sort();
const stateBytes = () => Object.fromEntries(stateFiles().map((f) => [f, fs.readFileSync(path.join(STATE_DIR, f)).toString('base64')]));

function writeEnvironment(envFile: string): void {
  const server = (h: TestHost, roles: string) =>
    `  - name: ${h.name}\n    address: ${h.address}\n    fqdn: ${h.name}.tofu.test\n    docker:\n      host: ${h.socket}\n    roles: [${roles}]\n`;
  fs.writeFileSync(
    envFile,
    `# Written by __tests__/e2e/opentofu.test.ts: a PBX and a XiVO CC, deployed with OpenTofu, states encrypted.
name: ${ENV}
release: "2024.05"
helperImage: ${pinnedHelperImage()}
backend:
  type: local
  directory: state
  encryption:
    passphraseEnv: ${PASSPHRASE_ENV}
publicNames:
  xivoHost: pbx.tofu.test
  xucHost: cc.tofu.test
servers:
${server(host('pbx'), 'xivo')}${server(host('cc'), 'cc')}services:
  cc.spagobi: { enabled: false }
  cc.elasticsearch: { enabled: false }
  cc.kibana: { enabled: false }
  cc.pack-reporting: { enabled: false }
tls:
  mode: internal-ca
`,
  );
}

const requirements = { ...E2E_REQUIREMENTS, ...(isRoot() ? {} : { 'root user': 'root (network namespaces and dockerd need it)' }) };

describeWithPrograms('OpenTofu: the estate deployed with encrypted states', requirements, () => {
  jest.setTimeout(15 * 60 * 1000);

  beforeAll(() => {
    fs.rmSync(HERE, { recursive: true, force: true });
    fs.mkdirSync(ENV_DIR, { recursive: true });
    progress('opentofu: tools, stand-in images, two hosts');
    tools = buildTools();
    const tarballs = buildImageTarballs();
    hosts = hostsUp(['pbx', 'cc']).hosts;
    const envFile = path.join(ENV_DIR, `${ENV}.yaml`);
    writeEnvironment(envFile);
    secrets = platformSecrets();
    env = {
      ...deployEnv(tools, envFile, secrets),
      CDKTF_OUTDIR: OUTDIR,
      XIVO_TERRAFORM: path.join(tools.binDir, 'tofu'),
      [PASSPHRASE_ENV]: randomSecret(24),
    };
    report.engine = `OpenTofu ${tools.provenance.tofu}`;
    const synth = spawnSync('npm', ['run', '--silent', 'synth'], { cwd: REPO, env, encoding: 'utf8' });
    if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stdout}\n${synth.stderr}`);
    for (const stack of STACKS)
      importStackStandIns(host(stack.endsWith('pbx') ? 'pbx' : 'cc'), path.join(OUTDIR, 'stacks', stack, 'cdk.tf.json'), tarballs);
  });

  afterAll(() => {
    report.fileSeconds = (Date.now() - started) / 1000;
    writeReportSection('opentofu', report);
    console.log(
      `opentofu: ${report.engine}; ${Object.keys(report.stacks).length} stacks applied in ${Math.round(report.applySeconds)} s; ` +
        `states encrypted ${Object.values(report.states).filter((s) => s.encrypted).length}/${Object.keys(report.states).length}, ` +
        `PEM blocks on disk ${Object.values(report.states).reduce((n, s) => n + s.pemBlocks, 0)}, secrets in clear ${Object.values(report.states).flatMap((s) => s.secretsInClear).length}; ` +
        `second deploy: ${Object.values(report.secondDeploy).join(', ')}; drift exit ${report.drift.status}; destroy refused ${report.destroyRefused}; wrong passphrase: ${report.wrongPassphrase}`,
    );
    if (!process.env.XIVO_E2E_KEEP) hostsDown();
  });

  test('apply with OpenTofu: every state file is 0600 and encrypted, with no PEM block, token or password in it', async () => {
    const first = await deployCommand(['--env', ENV, '--auto-approve'], OUTDIR, env);
    expect({ status: first.status, tail: first.status === 0 ? '' : first.output.slice(-4000) }).toEqual({ status: 0, tail: '' });
    report.applySeconds = first.seconds;
    for (const s of first.report!.stacks) report.stacks[s.name] = s.result;
    expect(Object.keys(report.stacks).sort()).toEqual([...STACKS].sort());
    expect(Object.values(report.stacks)).toEqual(STACKS.map(() => 'applied'));
    expect(stateFiles()).toEqual(STACKS.map((s) => `${s}.tfstate`).sort());
    for (const file of stateFiles()) {
      const bytes = fs.readFileSync(path.join(STATE_DIR, file), 'utf8');
      const inClear = Object.entries(secrets)
        .filter(([, value]) => bytes.includes(value))
        .map(([name]) => name);
      report.states[file] = {
        mode: (fs.statSync(path.join(STATE_DIR, file)).mode & 0o777).toString(8),
        encrypted: 'encrypted_data' in JSON.parse(bytes),
        pemBlocks: (bytes.match(/-----BEGIN/g) ?? []).length,
        secretsInClear: inClear,
      };
      expect([file, bytes]).not.toEqual([file, expect.stringMatching(/PRIVATE KEY|-----BEGIN/)]);
    }
    expect(Object.values(report.states)).toEqual(STACKS.map(() => ({ mode: '600', encrypted: true, pemBlocks: 0, secretsInClear: [] })));
  });

  test('a second deploy plans no change and applies nothing', async () => {
    const second = await deployCommand(['--env', ENV, '--auto-approve'], OUTDIR, env);
    expect(second.status).toBe(0);
    for (const s of second.report!.stacks) report.secondDeploy[s.name] = s.result;
    expect(Object.values(report.secondDeploy)).toEqual(STACKS.map(() => 'unchanged'));
  });

  test('drift reads the encrypted states (the same TF_ENCRYPTION as deploy): a clean estate, exit 0', () => {
    const res = spawnSync('npm', ['run', '--silent', 'drift', '--', '--env', ENV, '--no-renew', '--output', OUTDIR], {
      cwd: REPO,
      env,
      encoding: 'utf8',
    });
    report.drift = { status: res.status ?? 128, tail: `${res.stdout}${res.stderr}`.trim().split('\n').slice(-3).join(' | ') };
    expect(report.drift).toEqual({ status: 0, tail: expect.any(String) });
  });

  test("destroying the CC stack is refused by its data volumes' prevent_destroy (OpenTofu's plan)", () => {
    const stack = readStacks(OUTDIR).find((s) => s.name === `${ENV}-cc`)!;
    const encrypted = encryptedEnvironment(stack, env);
    if (encrypted.problem !== undefined) throw new Error(encrypted.problem);
    const res = spawnSync(env.XIVO_TERRAFORM!, ['plan', '-destroy', '-input=false', '-no-color', '-lock=false'], {
      cwd: stack.dir,
      env: encrypted.env,
      encoding: 'utf8',
    });
    expect(res.status).not.toBe(0);
    // OpenTofu's wording ("Resource instance cannot be destroyed"), once per protected volume.
    const refusals = `${res.stdout}${res.stderr}`.match(/Resource instance cannot be destroyed/g) ?? [];
    const config = JSON.parse(fs.readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8'));
    const protectedVolumes = Object.values<{ lifecycle?: { prevent_destroy?: boolean } }>(config.resource.docker_volume).filter(
      (v) => v.lifecycle?.prevent_destroy,
    );
    expect(protectedVolumes.length).toBeGreaterThanOrEqual(2);
    expect(refusals).toHaveLength(protectedVolumes.length);
    report.destroyRefused = true;
  });

  test('a wrong passphrase stops with the decryption error, a missing one is refused first; no state file changes', async () => {
    const before = stateBytes();
    const wrong = await deployCommand(['--env', ENV, '--auto-approve'], OUTDIR, { ...env, [PASSPHRASE_ENV]: randomSecret(24) });
    expect(wrong.status).not.toBe(0);
    report.wrongPassphrase = /decryption failed[^\n]*/.exec(wrong.output)?.[0] ?? wrong.output.slice(-300);
    expect(wrong.output).toContain('decryption failed');
    const missing = await deployCommand(['--env', ENV, '--auto-approve'], OUTDIR, { ...env, [PASSPHRASE_ENV]: '' });
    expect(missing.status).not.toBe(0);
    report.missingPassphrase = new RegExp(`[^\\n]*${PASSPHRASE_ENV}[^\\n]*not set[^\\n]*`).exec(missing.output)?.[0] ?? missing.output.slice(-300);
    expect(missing.output).toContain(`reads the passphrase of the states from ${PASSPHRASE_ENV}, which is not set`);
    expect(stateBytes()).toEqual(before);
  });
});
