/**
 * The generated deploy pipeline (`npm run pipeline -- --env e2e`) run by a real GitLab CI engine:
 * gitlab-ci-local 4.52.2 with its shell executor (each job in its own copy of the repository's
 * tracked files, made with rsync: a fresh clone), against the e2e test hosts, with the state in a
 * real PostgreSQL (the pg backend). In a repository made for the test (git init in WORK):
 * - a cold run plans, then applies tier by tier (a tier's plan starts after the tier before applied);
 * - a second run plans no change and applies nothing;
 * - a change to one setting that restarts a container is held at the manual gate, then applied,
 *   touching only its stack;
 * - two pipelines started together never apply one stack at the same time (and which guard did it).
 * Every run's job log is kept in the e2e report (section `pipeline`).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  buildImageTarballs,
  buildTools,
  ContainerInfo,
  containers,
  deployEnv,
  docker,
  E2E_REQUIREMENTS,
  hostsDown,
  hostsUp,
  isRoot,
  progress,
  platformSecrets,
  randomSecret,
  REPO,
  TestHost,
  TestService,
  WORK,
} from './harness';
import { E2E_ENV, EnvironmentSettings, HOST_SPECS, writeEnvironment } from './environment';
import { writeReportSection } from './report';
import { importStackStandIns } from './stand-ins';
import { describeWithPrograms } from '../support/programs';

/** The test's GitLab project: a git repository holding the project and the e2e environment file. */
const PROJECT = path.join(WORK, 'pipeline-project');
/** A second clone of it, for the pipeline started at the same time as another. */
const SECOND = path.join(WORK, 'pipeline-project-2');
const ENV_DIR_IN_PROJECT = 'environments/e2e';
/** The environment file, relative to the project (XIVO_ENV_FILES of impact, pipeline and every job). */
const ENV_FILE = `${ENV_DIR_IN_PROJECT}/e2e.yaml`;
const GITLAB_CI_LOCAL = path.join(REPO, 'node_modules/.bin/gitlab-ci-local');
/** The key stacks first (the PBX signs their CSRs), then the servers' stacks. */
const STACKS = ['cc-core-key', 'edge-key', 'pbx', 'cc-core', 'cc-reporting', 'edge'].map((s) => `${E2E_ENV}-${s}`);
/** The jobs' set-up: the test repository tracks node_modules and dist/ (a runner image with them installed). */
const INSTALL = 'test -d node_modules/cdktf && test -f dist/main.js';
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

const requirements: Record<string, string> = {
  ...E2E_REQUIREMENTS,
  rsync: 'rsync',
  git: 'git',
  psql: 'postgresql',
  ...(isRoot() ? {} : { 'root user': 'root (network namespaces and dockerd need it)' }),
};

interface PipelineRun {
  readonly name: string;
  readonly status: number;
  readonly seconds: number;
  readonly log: string;
}

const report = {
  engine: '',
  resourceGroupEnforcedByEngine: false,
  runs: [] as { name: string; status: number; seconds: number; jobs: Record<string, string> }[],
  tiers: {} as Record<string, number>,
  tierOrder: [] as string[],
  secondRun: { planned: [] as string[], applied: [] as string[], replaced: [] as string[] },
  oneChange: { gates: {} as Record<string, number>, heldAtGate: '', replaced: [] as string[], appliedStacks: [] as string[] },
  concurrent: { applied: 0, otherRun: '', applyWindows: [] as string[], updates: 0 },
  logs: {} as Record<string, string>,
};

let hosts: TestHost[];
let services: TestService[];
let tlsDir: string;
let settings: EnvironmentSettings;
let env: NodeJS.ProcessEnv;
/** The deploy secrets, as the runner's protected variables give them to the jobs. */
let secrets: Record<string, string>;
const host = (name: string) => hosts.find((h) => h.name === name)!;

function sh(cwd: string, cmd: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}, allowFail = false) {
  const res = spawnSync(cmd, args, { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 15 * 60 * 1000 });
  if (!allowFail && res.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.status ?? res.signal}:\n${res.stdout.slice(-4000)}\n${res.stderr.slice(-4000)}`);
  return res;
}
const git = (...args: string[]) => sh(PROJECT, 'git', args).stdout.trim();

function allContainers(): Map<string, ContainerInfo> {
  return new Map(hosts.flatMap((h) => containers(h).map((c) => [`${h.name}/${c.name}`, c] as const)));
}
function replacedSince(before: Map<string, ContainerInfo>): string[] {
  const after = allContainers();
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k)?.id !== after.get(k)?.id).sort();
}

/** Rewrites the environment file with these settings and commits it (a merged change on main). */
function commitEnvironment(changes: Partial<EnvironmentSettings>, message: string): void {
  settings = { ...settings, ...changes };
  writeEnvironment(path.join(PROJECT, ENV_DIR_IN_PROJECT), hosts, tlsDir, settings);
  git('add', '-A');
  // The Docker client key and the test CA's files are key material, git-ignored at any depth under
  // environments/: a real project gives them to the deploy jobs as protected File variables. This
  // test project tracks them, so that each job's copy (gitlab-ci-local copies tracked files) has them.
  git('add', '-f', ENV_DIR_IN_PROJECT);
  git('commit', '-q', '--allow-empty', '-m', message);
}

/**
 * What CI runs on main: `npm run impact -- --base <ref> --json` of the change, then `npm run
 * pipeline` gated by it. Returns the gates the pipeline got.
 */
function generate(base: string, dir = PROJECT): Record<string, number> {
  const impact = sh(dir, 'npm', ['run', '--silent', 'impact', '--', '--base', base, '--json'], {}, true);
  if (![0, 2, 3].includes(impact.status ?? 1)) throw new Error(`npm run impact failed:\n${impact.stderr}`);
  fs.writeFileSync(path.join(WORK, 'pipeline-impact.json'), impact.stdout);
  sh(dir, 'npm', [
    'run',
    '--silent',
    'pipeline',
    '--',
    '--env',
    E2E_ENV,
    '--impact',
    path.join(WORK, 'pipeline-impact.json'),
    '--out',
    '.gitlab-ci.yml',
    '--install',
    INSTALL,
  ]);
  const header = fs.readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8').split('\n')[1];
  const gates: Record<string, number> = {};
  for (const m of header.matchAll(/(e2e-[\w-]+) \(tier \d+, gate: ([^)]*)\)/g))
    gates[m[1]] = m[2].startsWith('applies') ? 0 : m[2].includes('data') ? 3 : 2;
  return gates;
}

/** gitlab-ci-local on the project (shell executor, each job in its own rsync'ed copy), as a protected branch. */
function runPipeline(name: string, options: { manual?: string[]; dir?: string; stateDir?: string } = {}): Promise<PipelineRun> {
  const dir = options.dir ?? PROJECT;
  const args = [
    '--shell-isolation',
    '--no-artifacts-to-source',
    '--timestamps',
    '--state-dir',
    options.stateDir ?? '.gitlab-ci-local',
    '--variable',
    'CI_COMMIT_REF_PROTECTED=true',
    ...(options.manual ?? []).flatMap((job) => ['--manual', job]),
  ];
  progress(`pipeline ${name}: gitlab-ci-local ${args.join(' ')}`);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(GITLAB_CI_LOCAL, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), 15 * 60 * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (Date.now() - t0) / 1000;
      log = log.replace(ANSI, '');
      fs.writeFileSync(path.join(WORK, `pipeline-${name}.log`), log);
      report.logs[name] = log;
      const jobs: Record<string, string> = {};
      for (const m of log.matchAll(/^ (PASS|FAIL|WARN)\s+\[[^\]]*\]\s+(\S+)/gm)) jobs[m[2]] = m[1];
      report.runs.push({ name, status: code ?? 1, seconds: Math.round(seconds * 10) / 10, jobs });
      progress(`pipeline ${name}: exit ${code} in ${seconds.toFixed(1)} s (log: ${path.join(WORK, `pipeline-${name}.log`)})`);
      resolve({ name, status: code ?? 1, seconds, log });
    });
  });
}

/** The lines one job printed (`[hh:mm:ss dur] job > line`). */
const jobLines = (run: PipelineRun, job: string) =>
  run.log
    .split('\n')
    .filter((l) => l.includes(` ${job} > `) || l.includes(` ${job} `))
    .map((l) => l.replace(/^\[[^\]]*\]\s*/, ''));
/** Seconds of the day of a job's first line matching `pattern`. */
function timeOf(run: PipelineRun, job: string, pattern: RegExp): number {
  const line = run.log.split('\n').find((l) => (l.includes(` ${job} > `) || l.includes(` ${job} `)) && pattern.test(l));
  const m = line && /^\[(\d\d):(\d\d):(\d\d)/.exec(line);
  if (!m) throw new Error(`no line of ${job} matches ${pattern} in pipeline ${run.name}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

describeWithPrograms('the generated GitLab CI pipeline, run by gitlab-ci-local against the test hosts', requirements, () => {
  jest.setTimeout(30 * 60 * 1000);

  beforeAll(() => {
    fs.mkdirSync(WORK, { recursive: true });
    for (const dir of [PROJECT, SECOND]) fs.rmSync(dir, { recursive: true, force: true });
    progress('pipeline: building or finding terraform and the providers');
    const tools = buildTools();
    const tarballs = buildImageTarballs();
    progress('pipeline: starting test hosts');
    const up = hostsUp([...HOST_SPECS, 'state:pg']);
    hosts = up.hosts;
    services = up.services;
    tlsDir = up.tlsDir;
    secrets = platformSecrets({ ldap_manager_password: randomSecret(12), xuc_truststore_password: randomSecret(12) });
    // The runner's environment: the protected CI/CD variables (secrets, PG_CONN_STR) and the provider mirror.
    env = { ...deployEnv(tools, ENV_FILE, secrets), PG_CONN_STR: services.find((s) => s.kind === 'pg')!.connStr };
    report.engine = sh(REPO, GITLAB_CI_LOCAL, ['--version']).stdout.trim();
    // gitlab-ci-local 4.52.2 validates resource_group but never waits on it: only its JSON schema names it.
    const engineSource = path.join(REPO, 'node_modules/gitlab-ci-local/src');
    report.resourceGroupEnforcedByEngine = fs
      .readdirSync(engineSource)
      .filter((f) => f.endsWith('.js'))
      .some((f) => /resource_group|resourceGroup/.test(fs.readFileSync(path.join(engineSource, f), 'utf8')));

    progress('pipeline: making the GitLab project (a git repository of the project and its environment file)');
    const files = sh(REPO, 'git', ['ls-files', '-co', '--exclude-standard', '-z'])
      .stdout.split('\0')
      .filter((f) => f && !f.startsWith('environments/') && fs.existsSync(path.join(REPO, f)));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(PROJECT, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO, f), path.join(PROJECT, f));
    }
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(PROJECT, 'node_modules'), 'dir');
    sh(PROJECT, 'node', ['scripts/build.js']);
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'e2e@example.com');
    git('config', 'user.name', 'e2e');
    git('remote', 'add', 'origin', 'git@gitlab.example.com:xivo/estate.git');
    git('add', '-A');
    git('add', '-f', 'node_modules', 'dist');
    git('commit', '-q', '-m', 'the project, no environment yet');
    settings = { loginTimeoutMs: 6000, backend: 'pg' };
    commitEnvironment({}, 'the e2e environment');
    // Stand-in images under the names the stacks use (images cannot be pulled here).
    sh(PROJECT, 'npm', ['run', '--silent', 'synth']);
    // A key stack (<env>-<server>-key) runs on its server's host.
    for (const stack of STACKS)
      importStackStandIns(
        host(stack.slice(E2E_ENV.length + 1).replace(/-key$/, '')),
        path.join(PROJECT, 'cdktf.out/stacks', stack, 'cdk.tf.json'),
        tarballs,
      );
    progress('pipeline: ready');
  });

  afterAll(() => {
    writeReportSection('pipeline', report);
    console.log(
      `pipeline: ${report.engine}; runs ${report.runs.map((r) => `${r.name} ${r.status === 0 ? 'ok' : `exit ${r.status}`} ${r.seconds} s`).join(', ')}; ` +
        `tiers ${report.tierOrder.join(' -> ')}; second run planned ${report.secondRun.planned.length}, applied ${report.secondRun.applied.length}; ` +
        `one change: gates ${JSON.stringify(report.oneChange.gates)}, replaced ${report.oneChange.replaced.join(', ')}; ` +
        `concurrent: ${report.concurrent.applied} applied, other run: ${report.concurrent.otherRun}; resource_group enforced by the engine: ${report.resourceGroupEnforcedByEngine}`,
    );
    if (!process.env.XIVO_E2E_KEEP) {
      hostsDown();
      for (const dir of [PROJECT, SECOND]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a cold run plans, then applies tier by tier: the key stacks, then the PBX, then the rest', async () => {
    const gates = generate('HEAD~1');
    // A new environment creates containers and restarts none: every apply runs without a gate.
    expect(gates).toEqual(Object.fromEntries(STACKS.map((s) => [s, 0])));
    const yaml = fs.readFileSync(path.join(PROJECT, '.gitlab-ci.yml'), 'utf8');
    for (const m of yaml.matchAll(/^plan:(\S+):\n {2}extends: \S+\n {2}stage: plan-tier-(\d+)/gm)) report.tiers[m[1]] = Number(m[2]);
    expect([report.tiers[`${E2E_ENV}-cc-core-key`], report.tiers[`${E2E_ENV}-edge-key`], report.tiers[`${E2E_ENV}-pbx`]]).toEqual([1, 1, 2]);
    const run = await runPipeline('1-cold');
    expect(run.status).toBe(0);
    for (const stack of STACKS) {
      expect(run.log).toMatch(new RegExp(`^ PASS .*plan:${stack}\\s*$`, 'm'));
      expect(run.log).toMatch(new RegExp(`^ PASS .*apply:${stack}\\s*$`, 'm'));
      expect(jobLines(run, `apply:${stack}`).join('\n')).toMatch(new RegExp(`${stack}: applied in`));
    }
    // Tier by tier: each stack is planned only after every stack it depends on finished applying.
    const byTier = [...STACKS].sort((a, b) => report.tiers[a] - report.tiers[b]);
    report.tierOrder = byTier.map((s) => `${s} (${report.tiers[s]})`);
    for (const stack of byTier) {
      const tier = report.tiers[stack];
      if (tier === 1) continue;
      const planStart = timeOf(run, `plan:${stack}`, /starting shell/);
      const lastUpstream = Math.max(...byTier.filter((s) => report.tiers[s] === tier - 1).map((s) => timeOf(run, `apply:${s}`, /finished in/)));
      expect(planStart).toBeGreaterThanOrEqual(lastUpstream);
    }
    expect(containers(host('cc-core')).map((c) => c.name)).toContain('xivocc-xuc');
  });

  test('a second run plans no change and applies nothing', async () => {
    const before = allContainers();
    git('commit', '-q', '--allow-empty', '-m', 'no change');
    expect(generate('HEAD~1')).toEqual(Object.fromEntries(STACKS.map((s) => [s, 0])));
    const run = await runPipeline('2-no-change');
    expect(run.status).toBe(0);
    report.secondRun.planned = STACKS.filter((s) => !jobLines(run, `plan:${s}`).some((l) => l.includes(`${s}: no changes`)));
    report.secondRun.applied = STACKS.filter((s) => jobLines(run, `apply:${s}`).some((l) => l.includes(`${s}: applied`)));
    for (const s of STACKS) expect(jobLines(run, `apply:${s}`).join('\n')).toContain(`${s}: no saved plan in plans: nothing was planned to change`);
    report.secondRun.replaced = replacedSince(before);
    expect(report.secondRun).toEqual({ planned: [], applied: [], replaced: [] });
  });

  test('a setting that restarts xuc is held at the manual gate, then applies only its stack', async () => {
    const before = allContainers();
    commitEnvironment({ loginTimeoutMs: 6500 }, 'auth.loginTimeoutMs: 6500');
    const gates = generate('HEAD~1');
    report.oneChange.gates = gates;
    expect(gates).toEqual({ ...Object.fromEntries(STACKS.map((s) => [s, 0])), [`${E2E_ENV}-cc-core`]: 2 });
    // Without the operator's start, the engine does not run the gated job (nor anything after it).
    const held = await runPipeline('3a-held-at-gate');
    report.oneChange.heldAtGate = (held.log.match(/^.*apply:e2e-cc-core.*when:manual.*$/m) ?? [''])[0].trim();
    expect(replacedSince(before)).toEqual([]);
    expect(held.log).not.toMatch(/e2e-cc-core: applied/);
    const run = await runPipeline('3b-gate-started', { manual: [`apply:${E2E_ENV}-cc-core`] });
    expect(run.status).toBe(0);
    report.oneChange.replaced = replacedSince(before);
    report.oneChange.appliedStacks = STACKS.filter((s) => jobLines(run, `apply:${s}`).some((l) => l.includes(`${s}: applied`)));
    expect(report.oneChange.replaced).toEqual(['cc-core/xivocc-xuc']);
    expect(report.oneChange.appliedStacks).toEqual([`${E2E_ENV}-cc-core`]);
    expect(jobLines(run, `plan:${E2E_ENV}-cc-core`).join('\n')).toContain('containers restart (exit 2)');
  });

  test('two pipelines started together never apply one stack at the same time', async () => {
    // An in-place update (xuc's memory: no restart, gate 0) planned by two pipelines of two clones at once.
    commitEnvironment({ xucMemoryMb: 3000 }, 'services.cc.xuc.memoryMb: 3000');
    expect(generate('HEAD~1')).toEqual(Object.fromEntries(STACKS.map((s) => [s, 0])));
    sh(WORK, 'git', ['clone', '-q', PROJECT, SECOND]);
    sh(SECOND, 'git', ['remote', 'set-url', 'origin', 'git@gitlab.example.com:xivo/estate.git']);
    fs.copyFileSync(path.join(PROJECT, '.gitlab-ci.yml'), path.join(SECOND, '.gitlab-ci.yml'));
    const since = Math.floor(Date.now() / 1000);
    const [a, b] = await Promise.all([runPipeline('4a-together'), runPipeline('4b-together', { dir: SECOND })]);
    expect([a.status, b.status]).toEqual([0, 0]);
    const job = `apply:${E2E_ENV}-cc-core`;
    const applied = [a, b].filter((r) => jobLines(r, job).some((l) => /e2e-cc-core: applied in/.test(l)));
    const other = [a, b].find((r) => !applied.includes(r))!;
    report.concurrent.applied = applied.length;
    // The other pipeline's apply met the state lock (waited), or its saved plan was stale: planned again, found empty.
    report.concurrent.otherRun = other
      ? jobLines(other, job)
          .filter((l) => /locked by another run|creation lock|changed the state since this plan|applied the saved plan's changes already/.test(l))
          .join(' | ')
      : '';
    expect(applied).toHaveLength(1);
    // (Or it planned after the first applied, and had nothing to apply: recorded as such.)
    expect(report.concurrent.otherRun || jobLines(other, job).join('\n')).toMatch(/applied the saved plan's changes already|no saved plan/);
    // Docker's own record: xuc was updated once, by one apply.
    const events = docker(host('cc-core'), [
      'events',
      '--since',
      String(since),
      '--until',
      String(Math.floor(Date.now() / 1000)),
      '--filter',
      'container=xivocc-xuc',
      '--filter',
      'event=update',
      '--format',
      '{{.Time}}',
    ]);
    report.concurrent.updates = events.trim().split('\n').filter(Boolean).length;
    expect(report.concurrent.updates).toBe(1);
    // The two apply jobs of the stack, as the engine timed them (seconds of the day).
    for (const r of [a, b])
      report.concurrent.applyWindows.push(`${r.name}: ${job} ${timeOf(r, job, /starting shell/)}..${timeOf(r, job, /finished in/)} s`);
  });

  test('no secret in any job log (the logs are kept in the report)', () => {
    const password = new URL(env.PG_CONN_STR!).password;
    const values = [...Object.values(secrets), password].filter((v) => v.length >= 8);
    expect(values.length).toBeGreaterThanOrEqual(6);
    for (const [run, log] of Object.entries(report.logs)) expect({ run, leaked: values.filter((v) => log.includes(v)) }).toEqual({ run, leaked: [] });
  });
});
