/**
 * Real deploys: the e2e environment (XiVO PBX, a split XiVO CC, an edge) applied with the README's
 * deploy command (`npm run deploy -- --env e2e`) by real Terraform and the pinned providers (built
 * from their sources, locked by hash) onto real Docker engines: one over its unix socket, one over
 * tcp:// with client TLS, one over ssh://, one over ssh:// through a bastion; state in a real
 * PostgreSQL (the pg backend). Then probed through the real nginx front and edge; a second plan must
 * change nothing; a setting change replaces exactly its readers; a token rotation reaches every
 * holder; two deploys at once meet the state lock; faults (a killed apply, a stale lock, a host that
 * stops answering, hand edits) converge on a plain re-run; destroy spares data volumes; the deploy
 * is timed (cold, no-op, one change).
 *
 * Costly (minutes): run with `npm run test:e2e` (root, Go, docker.io; see README "End-to-end").
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ASTERISK_WEBSOCKET } from '../../catalogue/routes';
import { effectOf } from '../../impact/replacement-table';
import {
  buildImageTarballs,
  buildTools,
  cdktf,
  ContainerInfo,
  containers,
  deployCommand,
  DeployRun,
  deployEnv,
  docker,
  E2E_REQUIREMENTS,
  hostsDown,
  hostsUp,
  pinnedHelperImage,
  importImage,
  inspectEnv,
  isRoot,
  planDestroy,
  planStack,
  progress,
  WORK,
  platformSecrets,
  randomSecret,
  REPO,
  stateResources,
  TestHost,
  TestService,
  TOOLS_IMAGE,
  Tools,
  useSshClientConfig,
} from './harness';
import { importStackStandIns } from './stand-ins';
import { httpsGet, retry } from './probes';
import { writeReportSection } from './report';
import { E2E_ENV, EnvironmentSettings, PUBLIC, writeEnvironment } from './environment';
import { inventoryTable, secretInventory, StateInventory } from './secret-inventory';
import { describeWithPrograms } from '../support/programs';

const OUTDIR = path.join(WORK, 'cdktf.out');
const ENV_DIR = path.join(WORK, 'env');
/**
 * The hosts of this suite: cc-reporting is reached over ssh://, the edge over ssh:// through the
 * bastion only (its sshd refuses anyone else), cc-core over tcp:// with client TLS, the PBX over its
 * unix socket; `state` runs the PostgreSQL of the pg backend.
 */
const HOST_SPECS = ['pbx', 'cc-core:tls', 'cc-reporting:ssh', 'bastion:bastion', 'edge:ssh-via-bastion', 'state:pg'] as const;
/** Each server's stack; cc-core and the edge also have a key stack (their keys, signed by the PBX's CA: issue 20). */
const STACKS = ['cc-core-key', 'edge-key', 'pbx', 'cc-core', 'cc-reporting', 'edge'].map((s) => `${E2E_ENV}-${s}`);
/** The server (test host) a stack deploys on: a key stack on its server's. */
const serverOf = (stack: string) => stack.slice(E2E_ENV.length + 1).replace(/-key$/, '');
/** The README's deploy command for the whole environment (CI form: no prompt). */
const DEPLOY_ARGS = ['--env', E2E_ENV, '--auto-approve'];
/** Data volumes that hold a marker file through every fault: they must never be recreated. */
const MARKERS = [
  { host: 'cc-core', volume: 'xivocc-pgxivocc-data' },
  { host: 'cc-reporting', volume: 'xivocc-recording-server-recordings' },
];
const ASTERISK_STAND_IN = 'xivo-e2e/asterisk-stand-in:test';
const CONFIGMGT_STAND_IN = 'xivo-e2e/configmgt-stand-in:test';
/** What XiVO's CC installer and an operator left in custom.env before we take over. */
const PRESEEDED_CUSTOM_ENV =
  '# XiVO CC settings (written by xivocc-installer)\nXUC_HOST=198.18.77.12\nUSM_BACKEND_TOKEN=installer-value\n\n# operator: keep\nOPERATOR_KEY=kept as is\n';
const WEBSOCKET_HEADERS = {
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
};

/**
 * What each state may hold after the apply (issue 20): the PBX the CA key and its own CTI key, each
 * key stack its server's key, no other state a key; the token and passwords only where a container
 * or host file of that stack uses them; the edge (DMZ) nothing at all.
 */
const EXPECTED_INVENTORY: Record<string, { privateKeys: string[]; secrets: string[] }> = {
  [`${E2E_ENV}-cc-core-key`]: { privateKeys: [`${E2E_ENV}-cc-core-key/cc_nginx_certificate_key`], secrets: [] },
  [`${E2E_ENV}-edge-key`]: { privateKeys: [`${E2E_ENV}-edge-key/edge_nginx_certificate_key`], secrets: [] },
  [`${E2E_ENV}-pbx`]: { privateKeys: [`${E2E_ENV}-pbx/InternalCa_key`, `${E2E_ENV}-pbx/xivo_tls_cti-certificate_key`], secrets: ['play_auth_token'] },
  [`${E2E_ENV}-cc-core`]: {
    privateKeys: [],
    secrets: ['ldap_manager_password', 'play_auth_token', 'xuc_ami_secret', 'xuc_cti_password', 'xuc_truststore_password', 'xuc_ws_password'],
  },
  [`${E2E_ENV}-cc-reporting`]: { privateKeys: [], secrets: ['play_auth_token'] },
  [`${E2E_ENV}-edge`]: { privateKeys: [], secrets: [] },
};

interface StackReport {
  resources: number;
  applySeconds: number;
  secondPlanChanges: string[];
}
interface DeployFigure {
  seconds: number;
  cpuSeconds: number;
  applied: number;
  stacks: number;
}
/** What a fault's re-run proved: the deploy converged, nothing duplicated or orphaned, the data kept. */
interface FaultReport {
  fault: string;
  what: string[];
  rerunStatus: number;
  duplicates: number;
  orphans: number;
  markerIntact: boolean;
  secondPlanChanges: number;
}
const report = {
  hosts: [] as { name: string; address: string; docker: string }[],
  tools: {} as Tools['provenance'],
  providerLock: { lockFile: 'providers.lock.hcl', stacksLocked: 0, swappedBinaryRefused: false, refusal: '' },
  stateBackend: { type: 'pg', server: '', statesInPostgres: [] as string[] },
  ssh: { hosts: [] as string[], keyOnly: false, strictHostKeyChecking: false, edgeOnlyThroughBastion: false },
  stacks: {} as Record<string, StackReport>,
  deploySeconds: 0,
  routes: [] as { path: string; expected: string; got: string; ok: boolean }[],
  edgeLeaks: [] as string[],
  settingChange: { replaced: [] as string[] },
  tokenRotation: { hostFiles: 0, containers: 0 },
  lockTest: {} as Record<string, unknown>,
  faults: [] as FaultReport[],
  deployFigures: {
    cold: undefined as DeployFigure | undefined,
    noop: undefined as (DeployFigure & { runs: number[]; cpuRuns: number[] }) | undefined,
    oneChange: undefined as DeployFigure | undefined,
    cdktfNoop: undefined as { seconds: number } | undefined,
    perStackCpuSeconds: 0,
  },
  destroyRefused: false,
  /** The helper image: its digest reference, and the hosts whose engine pulled it from the registry by that digest. */
  helperImage: { reference: '', pulledBy: [] as string[], helpers: 0 },
  /** Per state: private keys by public-key fingerprint, PEM blocks, the secrets it holds (issue 20). */
  secretInventory: undefined as { expected: typeof EXPECTED_INVENTORY; measured: Record<string, StateInventory> } | undefined,
};

let tools: Tools;
let hosts: TestHost[];
let services: TestService[];
let env: NodeJS.ProcessEnv;
let secrets: Record<string, string>;
let envFile: string;
let tlsDir: string;
let settings: EnvironmentSettings;
const host = (name: string) => hosts.find((h) => h.name === name)!;
const service = (kind: TestService['kind']) => services.find((s) => s.kind === kind)!;
/** Rewrites the environment file with these settings changed (kept for the next writes). */
const setEnvironment = (changes: Partial<EnvironmentSettings>) => {
  settings = { ...settings, ...changes };
  writeEnvironment(ENV_DIR, hosts, tlsDir, settings);
};
const stackDir = (stack: string) => path.join(OUTDIR, 'stacks', stack);

function synthesized(stack: string): any {
  return JSON.parse(fs.readFileSync(path.join(stackDir(stack), 'cdk.tf.json'), 'utf8'));
}

/** Imports a stand-in for every image a stack uses, under that exact name (stand-ins.ts). */
function importStandIns(tarballs: string): void {
  for (const stack of STACKS) importStackStandIns(host(serverOf(stack)), path.join(stackDir(stack), 'cdk.tf.json'), tarballs);
}

function allContainers(): Map<string, ContainerInfo> {
  return new Map(hosts.flatMap((h) => containers(h).map((c) => [`${h.name}/${c.name}`, c] as const)));
}

/** The README's deploy command, `npm run deploy -- --env e2e --auto-approve`; fails the test with its output when it fails. */
async function deploy(extra: readonly string[] = []): Promise<DeployRun> {
  const res = await deployCommand([...DEPLOY_ARGS, ...extra], OUTDIR, env);
  if (res.status !== 0) throw new Error(`npm run deploy failed (${res.status}):\n${res.output.slice(-6000)}`);
  return res;
}

const figure = (run: DeployRun): DeployFigure => ({
  seconds: Math.round(run.seconds * 100) / 100,
  cpuSeconds: Math.round(run.cpuSeconds * 100) / 100,
  applied: run.report?.stacks.filter((s) => s.result === 'applied').length ?? 0,
  stacks: run.report?.stacks.length ?? 0,
});
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** psql with the deploy's own credentials (PG_CONN_STR): what an operator runs from the runbook. */
function psql(sql: string): string {
  const res = spawnSync('psql', [service('pg').connStr!, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
  return res.stdout.trim();
}

/** The id of a stack's state row: the key of its advisory lock. */
const stateId = (stack: string) => psql(`SELECT id FROM ${stack.replace(/-/g, '_')}.states WHERE name = 'default'`);

/** Sessions holding an advisory lock: `state id|pid|client address`. */
const advisoryLocks = () =>
  psql("SELECT l.objid, a.pid, a.client_addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted")
    .split('\n')
    .filter(Boolean);

/** A marker file in each data volume, written through a throwaway container (TOOLS_IMAGE, present on every host). */
function writeMarkers(tag: string): void {
  for (const m of MARKERS) {
    docker(host(m.host), [
      'run',
      '--rm',
      '--network',
      'none',
      '-v',
      `${m.volume}:/data`,
      TOOLS_IMAGE,
      'sh',
      '-c',
      `echo '${tag}' > /data/e2e-marker`,
    ]);
  }
}
const markersIntact = (tag: string) =>
  MARKERS.every(
    (m) =>
      docker(host(m.host), ['run', '--rm', '--network', 'none', '-v', `${m.volume}:/data:ro`, TOOLS_IMAGE, 'cat', '/data/e2e-marker'], true) ===
      `${tag}\n`,
  );

/**
 * After a fault and its re-run: every managed container of every host is the one its state names
 * (no duplicate, no orphan), the data volumes still hold their marker, and a second plan is empty.
 */
function convergence(fault: string, what: string[], rerun: DeployRun, tag: string): FaultReport {
  let duplicates = 0;
  let orphans = 0;
  // Per host: the containers of every stack deployed there (a server's stack and its key stack).
  for (const server of [...new Set(STACKS.map(serverOf))]) {
    const h = host(server);
    const inState = new Map<string, string>();
    for (const stack of STACKS.filter((s) => serverOf(s) === server))
      for (const [address, values] of stateResources(stackDir(stack), env))
        if (address.startsWith('docker_container.')) inState.set(values.name, values.id);
    const labelled = docker(h, ['ps', '-a', '--no-trunc', '--filter', `label=org.xivo.environment=${E2E_ENV}`, '--format', '{{.ID}} {{.Names}}'])
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' '));
    const names = labelled.map(([, name]) => name);
    duplicates += names.length - new Set(names).size;
    orphans += labelled.filter(([id, name]) => inState.get(name) !== id).length;
    orphans += [...inState.keys()].filter((name) => !names.includes(name)).length;
  }
  const secondPlanChanges = STACKS.reduce((n, stack) => n + planStack(stackDir(stack), env).changes.length, 0);
  const result = { fault, what, rerunStatus: rerun.status, duplicates, orphans, markerIntact: markersIntact(tag), secondPlanChanges };
  report.faults.push(result);
  return result;
}
const CONVERGED = { rerunStatus: 0, duplicates: 0, orphans: 0, markerIntact: true, secondPlanChanges: 0 };

function replacedSince(before: Map<string, ContainerInfo>): string[] {
  const after = allContainers();
  return [...before.keys(), ...after.keys()]
    .filter((k, i, all) => all.indexOf(k) === i)
    .filter((k) => before.get(k)?.id !== after.get(k)?.id)
    .sort();
}

/** HTTPS through a real nginx, verified with the internal CA as deploy wrote it (pki/<env>/, under the repository, as for operators). */
const get = (address: string, servername: string, urlPath: string, headers: Record<string, string> = {}) =>
  httpsGet(address, servername, urlPath, fs.readFileSync(path.join(REPO, 'pki', E2E_ENV, 'internal-ca.crt')), headers);

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Runs the README's deploy and kills it with SIGKILL, Terraform and providers included, once the
 * apply of `stack` has created its first container (so the apply is half done and its state not
 * yet saved). `beforeKill` runs just before. Returns the progress line the kill followed.
 */
async function killDuringApply(stack: string, beforeKill: () => void = () => undefined): Promise<string> {
  let after = '';
  let group = 0;
  const run = await deployCommand(DEPLOY_ARGS, OUTDIR, env, {
    detached: true,
    onLine: (line, child: ChildProcess) => {
      if (after || !line.startsWith(`${stack}:   docker_container.`) || !/: create complete/.test(line)) return;
      after = line.trim();
      group = child.pid!;
      beforeKill();
      process.kill(-child.pid!, 'SIGKILL');
      // Terraform's provider plugins run in the same process group: nothing of the deploy survives.
      progress(`killed the deploy (process group ${child.pid}) after: ${after}`);
    },
  });
  expect(run.status).not.toBe(0);
  if (!after) throw new Error(`the deploy ended before ${stack} created a container:\n${run.output.slice(-3000)}`);
  await waitFor(() => spawnSync('pgrep', ['-g', String(group)]).status === 1, 'every process of the killed deploy to be gone');
  return after;
}

/** Beyond the shared requirements: sshd and its client for the ssh hosts, PostgreSQL for the state. */
const DEPLOY_REQUIREMENTS: Record<string, string> = {
  ...E2E_REQUIREMENTS,
  '/usr/sbin/sshd': 'openssh-server',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  psql: 'postgresql',
  '/usr/lib/postgresql': 'postgresql',
  unshare: 'util-linux',
  ss: 'iproute2',
};
const requirements = isRoot() ? DEPLOY_REQUIREMENTS : { ...DEPLOY_REQUIREMENTS, 'root user': 'root (network namespaces and dockerd need it)' };

describeWithPrograms('real deploy of a split XiVO CC on Docker engines', requirements, () => {
  jest.setTimeout(60 * 60 * 1000);

  beforeAll(async () => {
    fs.mkdirSync(WORK, { recursive: true });
    progress('building or finding terraform and the providers');
    tools = buildTools();
    report.tools = tools.provenance;
    const tarballs = buildImageTarballs();
    for (const stale of ['cdktf.out', 'cdktf.out-b', 'env', 'ssh', 'pki', 'progress.log'])
      fs.rmSync(path.join(WORK, stale), { recursive: true, force: true });
    progress('starting test hosts, the bastion and PostgreSQL');
    const up = hostsUp(HOST_SPECS);
    hosts = up.hosts;
    services = up.services;
    tlsDir = up.tlsDir;
    // The deploy machine's ssh files, made by the test: the key hosts.sh made, and a known_hosts
    // pinning each sshd's host key (StrictHostKeyChecking yes: an unknown key is refused).
    const sshDir = path.join(WORK, 'ssh');
    fs.mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    const identity = path.join(sshDir, 'id_ed25519');
    fs.copyFileSync(up.ssh!.identity, identity);
    fs.chmodSync(identity, 0o600);
    const knownHosts = path.join(sshDir, 'known_hosts');
    fs.writeFileSync(
      knownHosts,
      [...hosts, ...services]
        .filter((h) => h.sshHostKey)
        .map((h) => `${h.address} ${h.sshHostKey}\n`)
        .join(''),
    );
    // The bastion's entry in the deploy machine's ssh configuration: OpenSSH gives the jump
    // connection none of the target's -i/-o options (README "Docker hosts over ssh").
    // And, as README recommends, one shared connection per host (ControlMaster): every Docker API
    // call over ssh otherwise opens its own connection and starts `docker system dial-stdio`.
    const bastion = service('bastion');
    useSshClientConfig(
      `Host ${bastion.address}\n  User root\n  IdentityFile ${identity}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${knownHosts}\n` +
        '  StrictHostKeyChecking yes\n  ConnectTimeout 5\n  ServerAliveInterval 2\n  ServerAliveCountMax 3\n' +
        `Host 198.18.77.*\n  ControlMaster auto\n  ControlPath ${sshDir}/cm-%C\n  ControlPersist 60\n`,
    );
    report.hosts = hosts.map((h) => ({
      name: h.name,
      address: h.address,
      docker: h.ssh ? `${h.ssh}${h.sshJump ? ` via ${h.sshJump}` : ''}` : h.tcp || h.socket,
    }));
    report.ssh.hosts = hosts.filter((h) => h.ssh).map((h) => `${h.name}: ${h.ssh}${h.sshJump ? ` via ${h.sshJump}` : ''}`);
    report.stateBackend.server = `postgresql://${service('pg').address}:5432/terraform (TLS verified)`;
    settings = { loginTimeoutMs: 6000, backend: 'pg', ssh: { identity, knownHosts } };
    envFile = writeEnvironment(ENV_DIR, hosts, tlsDir, settings);
    secrets = platformSecrets({ ldap_manager_password: `p'w"${randomSecret(6)}\\$x`, xuc_truststore_password: randomSecret(12) });
    env = { ...deployEnv(tools, envFile, secrets), PG_CONN_STR: service('pg').connStr };
    const synth = await cdktf('synth', [], OUTDIR, env);
    if (synth.status !== 0) throw new Error(`cdktf synth failed:\n${synth.output.slice(-4000)}`);
    progress('importing stand-in images');
    importStandIns(tarballs);
    // XiVO's own services on the PBX host, not deployed by us: Asterisk (SIP over WebSocket) and configmgt.
    importImage(host('pbx'), path.join(tarballs, 'stub.tar'), ASTERISK_STAND_IN, { service: 'asterisk', ports: [ASTERISK_WEBSOCKET.port] });
    // Our engines have no default bridge (--bridge none): the stand-ins get a network of their own.
    docker(host('pbx'), ['network', 'create', 'xivo-host-stand-ins']);
    docker(host('pbx'), [
      'run',
      '-d',
      '--name',
      'asterisk-stand-in',
      '--network',
      'xivo-host-stand-ins',
      '-p',
      `${ASTERISK_WEBSOCKET.port}:${ASTERISK_WEBSOCKET.port}`,
      ASTERISK_STAND_IN,
    ]);
    importImage(host('pbx'), path.join(tarballs, 'stub.tar'), CONFIGMGT_STAND_IN, { service: 'xivo-configmgt', ports: [9100] });
    docker(host('pbx'), ['run', '-d', '--name', 'configmgt-stand-in', '--network', 'xivo-host-stand-ins', '-p', '9100:9100', CONFIGMGT_STAND_IN]);
    // Taking over: the reporting server already has the installer's custom.env.
    const existing = path.join(host('cc-reporting').fsRoot, 'etc/docker/compose/custom.env');
    fs.mkdirSync(path.dirname(existing), { recursive: true });
    fs.writeFileSync(existing, PRESEEDED_CUSTOM_ENV, { mode: 0o600 });
    progress('ready');
  });

  afterAll(() => {
    const resources = Object.values(report.stacks).reduce((n, s) => n + s.resources, 0);
    const changes = Object.values(report.stacks).reduce((n, s) => n + s.secondPlanChanges.length, 0);
    const routesOk = report.routes.filter((r) => r.ok).length;
    const providers = (report.tools.providers ?? []).map((p) => `${p.provider} ${p.version}`).join(', ');
    const f = report.deployFigures;
    const faultsOk = report.faults.filter(
      (x) => x.rerunStatus === 0 && x.duplicates === 0 && x.orphans === 0 && x.markerIntact && x.secondPlanChanges === 0,
    ).length;
    writeReportSection('deploy', report);
    console.log(
      `e2e: ${report.hosts.length} hosts (${report.ssh.hosts.join(', ')}), ${Object.keys(report.stacks).length} stacks, ${resources} resources applied in ${Math.round(report.deploySeconds)} s; ` +
        `second plan: ${changes} changes; routes ${routesOk}/${report.routes.length}; edge leaks ${report.edgeLeaks.length}` +
        `; state: pg (${report.stateBackend.statesInPostgres.length} states), lock test ${report.lockTest.ok ? 'ok' : 'failed'}; faults converged ${faultsOk}/${report.faults.length}` +
        `; deploy: cold ${f.cold?.seconds ?? '-'} s, no-op ${f.noop?.seconds ?? '-'} s (median of ${f.noop?.runs.length ?? 0}, ${f.noop?.cpuSeconds ?? '-'} CPU-s), one change ${f.oneChange?.seconds ?? '-'} s` +
        `, cdktf deploy no-op ${f.cdktfNoop?.seconds ?? '-'} s` +
        `; helper image by digest (${report.helperImage.reference.replace(/@sha256:(.{12}).*/, '@sha256:$1…')}): pulled by ${report.helperImage.pulledBy.length} hosts, ${report.helperImage.helpers} helpers` +
        `; terraform ${report.tools.terraform}; providers from source, locked by hash: ${providers}`,
    );
    useSshClientConfig(undefined);
    if (!process.env.XIVO_E2E_KEEP) {
      hostsDown();
      fs.rmSync(path.join(REPO, 'pki', E2E_ENV), { recursive: true, force: true });
    }
  });

  test('every stack locks the provider binaries by hash, and Terraform refuses a swapped binary', () => {
    const lock = fs.readFileSync(path.join(REPO, 'providers.lock.hcl'), 'utf8');
    // The binaries built from the pinned sources are the ones the committed lock names.
    for (const p of tools.provenance.providers)
      expect({ provider: p.provider, locked: lock.includes(`"${(p as any).h1}"`) }).toEqual({ provider: p.provider, locked: true });
    for (const stack of STACKS) expect(fs.existsSync(path.join(stackDir(stack), '.terraform.lock.hcl'))).toBe(true);
    report.providerLock.stacksLocked = STACKS.length;
    // A copy of the mirror whose docker provider is another binary (one byte more): init refuses it.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-swapped-'));
    fs.cpSync(path.join(tools.dir, 'mirror'), path.join(scratch, 'mirror'), { recursive: true, dereference: true });
    const binary = path.join(scratch, 'mirror/registry.terraform.io/kreuzwerker/docker/3.6.2/linux_amd64/terraform-provider-docker_v3.6.2');
    fs.appendFileSync(binary, Buffer.from([0]));
    fs.writeFileSync(
      path.join(scratch, 'terraform.rc'),
      fs.readFileSync(tools.terraformRc, 'utf8').split(path.join(tools.dir, 'mirror')).join(path.join(scratch, 'mirror')),
    );
    const stack = path.join(scratch, 'stack');
    fs.mkdirSync(stack);
    for (const f of ['cdk.tf.json', '.terraform.lock.hcl']) fs.copyFileSync(path.join(stackDir(`${E2E_ENV}-edge`), f), path.join(stack, f));
    const init = spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], {
      cwd: stack,
      env: { ...env, TF_CLI_CONFIG_FILE: path.join(scratch, 'terraform.rc') },
      encoding: 'utf8',
    });
    const said = `${init.stdout}${init.stderr}`.replace(/\s+/g, ' ');
    report.providerLock.refusal =
      /local package for registry.terraform.io\/kreuzwerker\/docker 3.6.2 doesn't match any of the checksums previously recorded in the dependency lock file/.exec(
        said,
      )?.[0] ?? said.slice(-300);
    expect(init.status).toBe(1);
    expect(said).toContain(
      "the local package for registry.terraform.io/kreuzwerker/docker 3.6.2 doesn't match any of the checksums previously recorded in the dependency lock file",
    );
    report.providerLock.swappedBinaryRefused = true;
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('every stack applies, in dependency order, with the README deploy command; state lands in PostgreSQL', async () => {
    const res = await deploy();
    report.deploySeconds = res.seconds;
    report.deployFigures.cold = figure(res);
    const outcome = (stack: string) => res.report!.stacks.find((s) => s.name === stack)!;
    for (const stack of STACKS) {
      const state = stateResources(stackDir(stack), env);
      const resources = [...state.keys()].filter((a) => !a.startsWith('data.')).length;
      report.stacks[stack] = { resources, applySeconds: outcome(stack).applySeconds, secondPlanChanges: [] };
      expect({ stack, result: outcome(stack).result }).toEqual({ stack, result: 'applied' });
      expect(resources).toBeGreaterThan(0);
    }
    // Each stack is applied after the stacks it depends on: the PBX (which holds the internal CA
    // the others read from its state) first, the edge last.
    const pbx = outcome(`${E2E_ENV}-pbx`);
    for (const reader of ['cc-core', 'cc-reporting', 'edge']) {
      expect({ reader, afterPbx: outcome(`${E2E_ENV}-${reader}`).applyStartMs >= pbx.applyEndMs }).toEqual({ reader, afterPbx: true });
    }
    for (const before of ['cc-core', 'cc-reporting'])
      expect(outcome(`${E2E_ENV}-edge`).applyStartMs).toBeGreaterThanOrEqual(outcome(`${E2E_ENV}-${before}`).applyEndMs);
    // The key stacks before the PBX, which signs their CSRs.
    for (const keyStack of ['cc-core-key', 'edge-key'])
      expect({ keyStack, beforePbx: outcome(`${E2E_ENV}-${keyStack}`).applyEndMs <= pbx.applyStartMs }).toEqual({ keyStack, beforePbx: true });
    // The state of every stack is a row of its schema in PostgreSQL; none is on disk.
    for (const stack of STACKS) {
      const serial = JSON.parse(psql(`SELECT data FROM ${stack.replace(/-/g, '_')}.states WHERE name = 'default'`)).serial;
      expect({ stack, serial: serial > 0 }).toEqual({ stack, serial: true });
      report.stateBackend.statesInPostgres.push(`${stack.replace(/-/g, '_')}.states (serial ${serial})`);
    }
    expect(fs.existsSync(path.join(ENV_DIR, 'state'))).toBe(false);
  });

  test("secret inventory of every state: each private key in its owner's state only, the edge's state holds no token, password or key", () => {
    const states = Object.fromEntries(
      STACKS.map((s) => [s, JSON.parse(psql(`SELECT data FROM ${s.replace(/-/g, '_')}.states WHERE name = 'default'`))]),
    );
    const inventory = secretInventory(states, secrets);
    report.secretInventory = { expected: EXPECTED_INVENTORY, measured: inventory };
    expect(inventoryTable(inventory)).toEqual(EXPECTED_INVENTORY);
  });

  test('ssh hosts: key-only, host keys pinned; the edge is reached only through the bastion, and its stack landed', () => {
    const sshDir = path.join(WORK, 'ssh');
    const base = ['-i', path.join(sshDir, 'id_ed25519'), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5'];
    const ssh = (args: string[]) => spawnSync('ssh', [...base, ...args], { encoding: 'utf8', timeout: 30_000 });
    const reporting = host('cc-reporting');
    const pinned = ['-o', `UserKnownHostsFile=${path.join(sshDir, 'known_hosts')}`, '-o', 'StrictHostKeyChecking=yes'];
    expect(ssh([...pinned, `root@${reporting.address}`, 'true']).status).toBe(0);
    // No password nor keyboard-interactive: without the key, sshd offers nothing else.
    const noKey = ssh([...pinned, '-o', 'PubkeyAuthentication=no', `root@${reporting.address}`, 'true']);
    expect(noKey.stderr).toContain('Permission denied (publickey)');
    // A host key that is not the pinned one is refused (the known_hosts of another host's key).
    const wrong = path.join(sshDir, 'wrong_known_hosts');
    fs.writeFileSync(wrong, `${reporting.address} ${host('edge').sshHostKey}\n`);
    const spoofed = ssh(['-o', `UserKnownHostsFile=${wrong}`, '-o', 'StrictHostKeyChecking=yes', `root@${reporting.address}`, 'true']);
    expect(spoofed.stderr).toContain('Host key verification failed');
    report.ssh.keyOnly = true;
    report.ssh.strictHostKeyChecking = true;
    // The edge refuses anyone but the bastion; its Docker engine was reached through the bastion.
    const direct = ssh([...pinned, `root@${host('edge').address}`, 'true']);
    expect(direct.status).not.toBe(0);
    const edgeLog = fs.readFileSync(path.join(path.dirname(host('edge').fsRoot), 'sshd/sshd.log'), 'utf8');
    expect(edgeLog).toContain(`Accepted publickey for root from ${service('bastion').address}`);
    expect(edgeLog).not.toMatch(/Accepted publickey for root from 198\.18\.77\.1 /);
    report.ssh.edgeOnlyThroughBastion = true;
    // The stacks of both ssh hosts landed: their containers run on those engines.
    for (const name of ['cc-reporting', 'edge']) {
      const running = containers(host(name)).filter((c) => c.state === 'running');
      expect({ name, running: running.length > 0 }).toEqual({ name, running: true });
    }
    expect(
      containers(host('edge'))
        .filter((c) => c.state === 'running')
        .map((c) => c.name),
    ).toContain('edge-nginx');
  });

  test('every helper runs the image pinned by digest, which each host pulled from the registry by that digest', () => {
    const reference = pinnedHelperImage();
    report.helperImage.reference = reference;
    for (const stack of STACKS) {
      const helperImages = Object.values<any>(synthesized(stack).resource.docker_image).filter((i) => i.name.includes('busybox'));
      expect(helperImages.map((i) => ({ name: i.name, keepLocally: i.keep_locally }))).toEqual([{ name: reference, keepLocally: true }]);
    }
    for (const h of new Set(STACKS.map((stack) => host(serverOf(stack))))) {
      // The reference resolves on the host only through a pull by digest (a local tag cannot carry one).
      const [id, digests] = docker(h, ['image', 'inspect', '--format', '{{.Id}} {{json .RepoDigests}}', reference]).trim().split(' ');
      expect(JSON.parse(digests)).toContain(reference);
      const helpers = docker(h, ['ps', '-a', '--filter', 'label=org.xivo.host-file', '--format', '{{.Names}}']).trim().split('\n').filter(Boolean);
      expect(helpers.length).toBeGreaterThan(0);
      for (const name of helpers)
        expect({ helper: name, image: docker(h, ['inspect', '--format', '{{.Image}}', name]).trim() }).toEqual({ helper: name, image: id });
      report.helperImage.pulledBy.push(h.name);
      report.helperImage.helpers += helpers.length;
    }
  });

  test('every host file is on its host with its exact content and mode; the token is TF_VAR_play_auth_token', () => {
    let checked = 0;
    for (const stack of STACKS) {
      const h = host(serverOf(stack));
      for (const [address, values] of stateResources(stackDir(stack), env)) {
        if (!address.startsWith('docker_container.')) continue;
        const hostPath = (values.labels as { label: string; value: string }[]).find((l) => l.label === 'org.xivo.host-file')?.value;
        // HostFile writers are never started (custom.env's job runs: checked in its own test).
        if (!hostPath || values.start !== false) continue;
        const upload = values.upload[0];
        const file = path.join(h.fsRoot, hostPath);
        const expected = upload.content ? Buffer.from(upload.content) : Buffer.from(upload.content_base64, 'base64');
        expect({ file: hostPath, content: fs.readFileSync(file).toString('base64') }).toEqual({
          file: hostPath,
          content: expected.toString('base64'),
        });
        expect({ file: hostPath, mode: (fs.statSync(file).mode & 0o777).toString(8).padStart(4, '0') }).toEqual({
          file: hostPath,
          mode: upload.permissions,
        });
        const token = /^PLAY_AUTH_TOKEN=(.*)$/m.exec(expected.toString('utf8'));
        if (token) expect(token[1]).toBe(secrets.play_auth_token);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  test("custom.env written by XiVO's installer keeps its lines: ours are added, a backup is kept, mode 0600", () => {
    const dir = path.join(host('cc-reporting').fsRoot, 'etc/docker/compose');
    const lines = fs.readFileSync(path.join(dir, 'custom.env'), 'utf8').split('\n');
    const keyOf = (line: string) => /^([A-Za-z_][A-Za-z0-9_.]*)=/.exec(line)?.[1];
    // Every line of the installer's file is still there, in its order, unless it sets a key we
    // manage (then that line now holds our value, in the same place).
    let at = -1;
    for (const line of PRESEEDED_CUSTOM_ENV.split('\n')) {
      const key = keyOf(line);
      const found = lines.findIndex((l, i) => i > at && (l === line || (key !== undefined && keyOf(l) === key)));
      expect({ line, kept: found > at }).toEqual({ line, kept: true });
      at = found;
    }
    const text = lines.join('\n');
    expect(text).toContain('OPERATOR_KEY=kept as is\n');
    expect(text).toContain('USM_BACKEND_TOKEN=installer-value\n');
    expect(text).toMatch(new RegExp(`^PLAY_AUTH_TOKEN=${secrets.play_auth_token}$`, 'm'));
    expect((fs.statSync(path.join(dir, 'custom.env')).mode & 0o777).toString(8)).toBe('600');
    const backups = fs.readdirSync(dir).filter((f) => f.startsWith('custom.env.backup-'));
    expect(backups.length).toBeGreaterThanOrEqual(1);
    expect(fs.readFileSync(path.join(dir, backups.sort()[0]), 'utf8')).toBe(PRESEEDED_CUSTOM_ENV);
  });

  const FRONT_ROUTES: [string, string][] = [
    ['/', 'xucmgt'],
    ['/ccagent', 'xucmgt'],
    ['/ccmanager', 'xucmgt'],
    ['/fingerboard', 'xucmgt'],
    ['/ucassistant', 'xucmgt'],
    ['/switchboard', 'xucmgt'],
    ['/xuc/api/2.0/auth/login', 'xuc'],
    ['/xuc', 'xuc'],
    ['/configmgt', 'xivo-configmgt'],
    ['/recording', 'recording-server'],
    ['/SpagoBI', 'spagobi'],
    ['/kibana', 'kibana'],
  ];

  test.each(FRONT_ROUTES)('the front routes %s to %s (HTTPS, SNI, verified with the internal CA)', async (urlPath, service) => {
    const front = host('cc-core').address;
    const res = await retry(
      () => get(front, PUBLIC.xucHost, urlPath),
      (r) => r.status === 200,
    );
    const got = res.status === 200 ? JSON.parse(res.body).service : `HTTP ${res.status}`;
    report.routes.push({ path: urlPath, expected: service, got, ok: got === service });
    expect(got).toBe(service);
  });

  /** WebSocket paths: the upgrade must reach this stand-in and answer 101 with the RFC 6455 key. */
  const WEBSOCKETS: [string, string][] = [
    ['/xuc/api/2.0/cti', 'xuc'],
    ['/wssip', 'asterisk'],
  ];

  async function upgrades(address: string, servername: string, urlPath: string, service: string, label: string): Promise<void> {
    const res = await get(address, servername, urlPath, WEBSOCKET_HEADERS);
    const got = res.status === 101 ? `101 ${res.headers['x-stub-service']}` : String(res.status);
    report.routes.push({ path: `${label}${urlPath} (WebSocket)`, expected: `101 ${service}`, got, ok: got === `101 ${service}` });
    expect(got).toBe(`101 ${service}`);
    expect(res.headers['sec-websocket-accept']).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  }

  test.each(WEBSOCKETS)('the WebSocket %s upgrades through the front to %s', (urlPath, service) =>
    upgrades(host('cc-core').address, PUBLIC.xucHost, urlPath, service, ''),
  );

  /** What XiVO Edge publishes; everything else stays on the internal front. */
  const EDGE_PUBLISHED: [string, string][] = [
    ['/ccagent', 'xucmgt'],
    ['/ucassistant', 'xucmgt'],
    ['/switchboard', 'xucmgt'],
    ['/xuc', 'xuc'],
    ['/xuc/api/2.0/auth/login', 'xuc'],
  ];
  const EDGE_REFUSED = ['/', '/ccmanager', '/fingerboard', '/configmgt', '/kibana', '/recording', '/SpagoBI'];

  test('through the edge, users reach the published paths by the public name and no internal name comes back', async () => {
    const internal = [PUBLIC.xivoHost, PUBLIC.xucHost, ...hosts.map((h) => `${h.name}.e2e.test`), ...hosts.map((h) => h.address)];
    for (const [urlPath, service] of EDGE_PUBLISHED) {
      const res = await get(host('edge').address, PUBLIC.edge, urlPath);
      const got = res.status === 200 ? JSON.parse(res.body).service : `HTTP ${res.status}`;
      report.routes.push({ path: `edge ${urlPath}`, expected: service, got, ok: got === service });
      expect(got).toBe(service);
      const seen = `${JSON.stringify(res.headers)}\n${res.body}`;
      for (const name of internal) if (seen.includes(name)) report.edgeLeaks.push(`${urlPath}: ${name}`);
    }
    expect(report.edgeLeaks).toEqual([]);
    for (const [urlPath, service] of WEBSOCKETS) await upgrades(host('edge').address, PUBLIC.edge, urlPath, service, 'edge ');
  });

  test('the edge keeps admin and reporting paths off the Internet (404, never forwarded)', async () => {
    for (const urlPath of EDGE_REFUSED) {
      const res = await get(host('edge').address, PUBLIC.edge, urlPath);
      report.routes.push({ path: `edge ${urlPath} (refused)`, expected: '404', got: String(res.status), ok: res.status === 404 });
      expect({ urlPath, status: res.status, reachedService: res.headers['x-stub-service'] }).toEqual({
        urlPath,
        status: 404,
        reachedService: undefined,
      });
    }
  });

  test("xuc's stand-in received its env and /conf/xuc.conf with the secrets rendered", async () => {
    const answer = await retry(
      () => get(host('cc-core').address, PUBLIC.xucHost, '/xuc/api/2.0/env-probe'),
      (r) => r.status === 200,
    );
    const received = JSON.parse(answer.body).env as Record<string, string>;
    expect(received.PLAY_AUTH_TOKEN).toBe(secrets.play_auth_token);
    expect(received.CONFIG_FILE).toBe('/conf/xuc.conf');
    expect(received.JAVA_OPTS).toContain(`-Djavax.net.ssl.trustStorePassword=${secrets.xuc_truststore_password}`);
    expect(received.LOGIN_TIMEOUT_MS).toBe('6000');
    const conf = await get(host('cc-core').address, PUBLIC.xucHost, '/xuc/__stub/file?path=/conf/xuc.conf');
    expect(conf.status).toBe(200);
    expect(conf.body).toMatch(/^include "application.conf"/m);
    expect(conf.body).toContain(`managerPassword = ${JSON.stringify(secrets.ldap_manager_password)}`);
    // The truststore job ran keytool in the xuc image and exited 0 before xuc started.
    const job = JSON.parse(docker(host('cc-core'), ['inspect', '--format', '{{json .State}}', 'xivocc-xuc-truststore']));
    expect({ status: job.Status, exitCode: job.ExitCode }).toEqual({ status: 'exited', exitCode: 0 });
  });

  test('a second plan of every stack shows no change, and a second deploy recreates no container (no-op deploy timed)', async () => {
    for (const stack of STACKS) {
      const plan = planStack(stackDir(stack), env);
      report.stacks[stack].secondPlanChanges = plan.changes;
    }
    expect(Object.fromEntries(STACKS.map((s) => [s, report.stacks[s].secondPlanChanges]))).toEqual(Object.fromEntries(STACKS.map((s) => [s, []])));
    const before = allContainers();
    // The no-op deploy, five times: the median is the figure (a benchmark, never an assertion on time).
    const runs: DeployRun[] = [];
    for (let i = 0; i < 5; i++) runs.push(await deploy());
    for (const run of runs) expect(run.report!.stacks.map((s) => s.result)).toEqual(STACKS.map(() => 'unchanged'));
    expect(replacedSince(before)).toEqual([]);
    const seconds = runs.map((r) => r.seconds);
    const cpu = runs.map((r) => r.cpuSeconds);
    report.deployFigures.noop = { ...figure(runs[0]), seconds: median(seconds), cpuSeconds: median(cpu), runs: seconds, cpuRuns: cpu };
    report.deployFigures.perStackCpuSeconds = Math.round((median(cpu) / STACKS.length) * 100) / 100;
    // cdktf's own deploy still works on the same output, without --skip-provider-lock (the stacks are
    // locked), and changes nothing either: timed once, for comparison.
    const t0 = Date.now();
    // cdktf runs independent stacks at once without -lock-timeout: two of them locking at the same
    // instant collide on the pg backend's database-wide creation lock. The README's workaround:
    const viaCdktf = await cdktf('deploy', [`${E2E_ENV}-*`], OUTDIR, {
      ...env,
      TF_CLI_ARGS_plan: '-lock-timeout=60s',
      TF_CLI_ARGS_apply: '-lock-timeout=60s',
    });
    report.deployFigures.cdktfNoop = { seconds: Math.round((Date.now() - t0) / 10) / 100 };
    expect(viaCdktf.status).toBe(0);
    expect(viaCdktf.output).not.toContain('providers lock');
    expect(replacedSince(before)).toEqual([]);
  });

  test('changing auth.loginTimeoutMs replaces exactly the containers that read it (one-change deploy timed)', async () => {
    const before = allContainers();
    setEnvironment({ loginTimeoutMs: 6500 });
    const res = await deploy();
    report.deployFigures.oneChange = figure(res);
    report.settingChange.replaced = replacedSince(before);
    expect(report.settingChange.replaced).toEqual(['cc-core/xivocc-xuc']);
    expect(res.report!.stacks.filter((s) => s.result === 'applied').map((s) => s.name)).toEqual([`${E2E_ENV}-cc-core`]);
    expect(inspectEnv(host('cc-core'), 'xivocc-xuc').LOGIN_TIMEOUT_MS).toBe('6500');
  });

  test("the real plan agrees with impact's replacement table: memory updates xuc in place, an env change replaces it", () => {
    const xucOf = (plan: ReturnType<typeof planStack>) => plan.changes.filter((c) => c.startsWith('docker_container.cc_xuc_service_container'));
    setEnvironment({ xucMemoryMb: 3000 });
    const memory = planStack(stackDir(`${E2E_ENV}-cc-core`), env, true);
    expect(xucOf(memory)).toEqual([expect.stringMatching(/: update \[(.*, )?memory, memory_swap(, .*)?\]$/)]);
    expect([effectOf('docker_container', 'memory'), effectOf('docker_container', 'memory_swap')]).toEqual(['update', 'update']);
    setEnvironment({ xucMemoryMb: undefined, loginTimeoutMs: 7000 });
    const envChange = planStack(stackDir(`${E2E_ENV}-cc-core`), env, true);
    expect(xucOf(envChange)).toEqual([expect.stringMatching(/: (delete\+create|create\+delete) \[(.*, )?env(, .*)?\]$/)]);
    expect(effectOf('docker_container', 'env')).toBe('replace');
    setEnvironment({ loginTimeoutMs: 6500 });
  });

  test('rotating TF_VAR_play_auth_token leaves every holder on the new value', async () => {
    const old = secrets.play_auth_token;
    secrets.play_auth_token = randomSecret(24);
    env = { ...env, TF_VAR_play_auth_token: secrets.play_auth_token };
    await deploy();
    let files = 0;
    let holders = 0;
    for (const h of hosts) {
      for (const dir of ['etc/docker/xivo', 'etc/docker/compose', 'etc/docker/mds']) {
        const file = path.join(h.fsRoot, dir, 'custom.env');
        if (!fs.existsSync(file)) continue;
        const text = fs.readFileSync(file, 'utf8');
        expect({ file, token: /^PLAY_AUTH_TOKEN=(.*)$/m.exec(text)?.[1] }).toEqual({ file, token: secrets.play_auth_token });
        files++;
      }
      for (const c of containers(h)) {
        const value = inspectEnv(h, c.name).PLAY_AUTH_TOKEN;
        if (value === undefined) continue;
        expect({ container: `${h.name}/${c.name}`, token: value }).toEqual({ container: `${h.name}/${c.name}`, token: secrets.play_auth_token });
        holders++;
      }
    }
    report.tokenRotation = { hostFiles: files, containers: holders };
    expect(files).toBeGreaterThanOrEqual(3);
    expect(holders).toBeGreaterThanOrEqual(2);
    expect(secrets.play_auth_token).not.toBe(old);
  });

  /** A new token: a change that replaces containers on the PBX, cc-core and cc-reporting (not the edge). */
  const rotateToken = () => {
    secrets.play_auth_token = randomSecret(24);
    env = { ...env, TF_VAR_play_auth_token: secrets.play_auth_token };
  };

  test('two deploys of one stack at the same moment: one applies under the state lock, the other waits and changes nothing', async () => {
    const stack = `${E2E_ENV}-cc-core`;
    const pull = () => JSON.parse(spawnSync('terraform', ['state', 'pull'], { cwd: stackDir(stack), env, encoding: 'utf8' }).stdout);
    const before = pull();
    const xucBefore = allContainers().get('cc-core/xivocc-xuc')!.id;
    setEnvironment({ loginTimeoutMs: 6600 });
    // Two operators, two checkouts (two synth outputs), one state in PostgreSQL. Each has synthesized
    // and initialised already (a plan), so both deploys start planning at the same moment.
    const outB = path.join(WORK, 'cdktf.out-b');
    for (const out of [OUTDIR, outB]) expect((await deployCommand([stack, '--plan'], out, env)).status).toBe(2);
    const [a, b] = await Promise.all([deployCommand([stack, '--auto-approve'], OUTDIR, env), deployCommand([stack, '--auto-approve'], outB, env)]);
    const results = [a, b].map((r) => r.report!.stacks[0]);
    const after = pull();
    report.lockTest.concurrent = {
      exitCodes: [a.status, b.status],
      results: results.map((r) => r.result),
      waitedForLock: results.map((r) => r.waitedForLock),
      stalePlansReplanned: results.map((r) => r.stalePlans),
      stateSerial: `${before.serial} -> ${after.serial}`,
    };
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(results.map((r) => r.result).sort()).toEqual(['applied', 'unchanged']);
    // The one that did not apply met the other's lock, or found its plan stale, or planned after it: never applied twice.
    expect(after.lineage).toBe(before.lineage);
    expect(after.serial).toBeGreaterThan(before.serial);
    expect(after.resources.length).toBe(before.resources.length);
    const xucAfter = allContainers().get('cc-core/xivocc-xuc')!;
    expect(xucAfter.id).not.toBe(xucBefore);
    expect(inspectEnv(host('cc-core'), 'xivocc-xuc').LOGIN_TIMEOUT_MS).toBe('6600');
    expect(planStack(stackDir(stack), env).changes).toEqual([]);

    // Deterministic: a session holds the lock (as a deploy does). Without waiting, deploy fails
    // naming the lock; with --lock-timeout it waits and applies once the lock is released.
    setEnvironment({ loginTimeoutMs: 6500 });
    const id = stateId(stack);
    const holder = spawn('psql', [service('pg').connStr!, '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    holder.stdin.write(`SELECT pg_advisory_lock(${id});\n`);
    await waitFor(() => advisoryLocks().some((l) => l.startsWith(`${id}|`)), 'the test session to hold the lock');
    const refused = await deployCommand([stack, '--auto-approve', '--lock-timeout', '0s'], OUTDIR, env);
    expect(refused.status).toBe(1);
    expect(refused.output).toContain(
      `${stack}: apply refused: the state (pg backend, schema ${stack.replace(/-/g, '_')}) is locked by another Terraform run.`,
    );
    expect(refused.output).toContain('Workspace is already locked: default');
    expect(refused.output).toContain(`runbooks/${E2E_ENV}/interrupted-deploy.md`);
    const t0 = Date.now();
    // Released once the deploy says it waits (its synth, forced as in every deploy, comes first), never on a timer alone.
    let saidItWaits: () => void = () => undefined;
    const waitMessage = new Promise<void>((resolve) => (saidItWaits = resolve));
    const waiting = deployCommand([stack, '--auto-approve', '--lock-timeout', '60s'], OUTDIR, env, {
      onLine: (line) => {
        if (line.includes('is locked by another run: waiting up to 60s')) saidItWaits();
      },
    });
    await Promise.race([waitMessage, waiting]);
    await new Promise((r) => setTimeout(r, 2000));
    holder.stdin.end('\\q\n');
    const waited = await waiting;
    expect(waited.status).toBe(0);
    expect(waited.report!.stacks[0]).toMatchObject({ result: 'applied', waitedForLock: true });
    expect(waited.output).toContain(`${stack}: the state (pg, schema ${stack.replace(/-/g, '_')}) is locked by another run: waiting up to 60s`);
    report.lockTest.held = {
      refusedWithoutWaiting: refused.status === 1,
      waitedSeconds: Math.round((Date.now() - t0) / 100) / 10,
      appliedAfterRelease: true,
    };
    report.lockTest.ok = true;
  });

  test('terraform killed (SIGKILL) in the middle of an apply: no lock left, and a plain re-run converges', async () => {
    writeMarkers('kill');
    rotateToken();
    // cc-core: its apply replaces several containers; the kill lands after the first is created.
    const killed = await killDuringApply(`${E2E_ENV}-cc-core`);
    // The pg lock is a session lock: the kernel closed the killed process's connection, PostgreSQL released it.
    await waitFor(() => advisoryLocks().length === 0, "PostgreSQL to release the killed deploy's lock");
    const rerun = await deployCommand(DEPLOY_ARGS, OUTDIR, env);
    const recovered = rerun.report?.stacks.flatMap((s) => s.recovered.map((r) => `${s.name}: ${r}`)) ?? [];
    const result = convergence(
      'terraform SIGKILLed mid-apply (pg backend)',
      [`killed after: ${killed}`, 'no advisory lock left', ...recovered.map((r) => `imported then replaced: ${r}`)],
      rerun,
      'kill',
    );
    expect(result).toMatchObject(CONVERGED);
  });

  test('the deploy machine lost mid-apply: its pg lock stays (stale); the runbook releases it; a plain re-run converges', async () => {
    writeMarkers('crash');
    rotateToken();
    const pg = service('pg');
    const dropped: string[] = [];
    const killed = await killDuringApply(`${E2E_ENV}-cc-core`, () => {
      // The machine vanishes: its connections to PostgreSQL get no FIN, no RST (dropped at the
      // database host), as when the machine loses power or its network.
      const ports = spawnSync('ss', ['-Htn', 'state', 'established', 'dst', `${pg.address}:5432`], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .map((l) => /:(\d+)\s+\S+:5432\s*$/.exec(l.trim())?.[1])
        .filter((p): p is string => !!p);
      for (const port of ports) {
        spawnSync('nsenter', [`--net=/var/run/netns/${pg.netns}`, 'iptables', '-I', 'INPUT', '-p', 'tcp', '--sport', port, '-j', 'DROP']);
        dropped.push(port);
      }
    });
    expect(dropped.length).toBeGreaterThan(0);
    const stack = `${E2E_ENV}-cc-core`;
    const id = stateId(stack);
    // Stale: cc-core's lock (and that of any stack applying beside it) is held by a session whose client is gone.
    await new Promise((r) => setTimeout(r, 1000));
    expect(advisoryLocks().filter((l) => l.startsWith(`${id}|`))).toHaveLength(1);
    const refused = await deployCommand([...DEPLOY_ARGS, '--lock-timeout', '3s'], OUTDIR, env);
    expect(refused.status).toBe(1);
    expect(refused.output).toContain(`${stack}: apply refused: the state (pg backend, schema e2e_cc_core) is locked by another Terraform run.`);
    expect(refused.output).toContain('Workspace is already locked: default');
    // terraform force-unlock claims success and releases nothing under pg (the runbook says so).
    const forced = spawnSync('terraform', ['force-unlock', '-force', 'any-id'], { cwd: stackDir(stack), env, encoding: 'utf8' });
    expect(forced.status).toBe(0);
    expect(advisoryLocks().filter((l) => l.startsWith(`${id}|`))).toHaveLength(1);
    // The runbook (runbooks/e2e/interrupted-deploy.md), followed with the deploy's own credentials:
    // list the locks and their sessions, check their machine is not deploying, end each session.
    const runbook = fs.readFileSync(path.join(OUTDIR, 'runbooks', E2E_ENV, 'interrupted-deploy.md'), 'utf8');
    const listLocks = /```sql\n([\s\S]*?)```/.exec(runbook)![1].replace(/^ {3}/gm, '');
    expect(runbook).toContain("SELECT id FROM e2e_cc_core.states WHERE name = 'default';");
    const holders = psql(listLocks)
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('|'));
    expect(holders.map(([stateIdOf]) => stateIdOf)).toContain(id);
    for (const [, pid, client] of holders) {
      expect(client).toBe('198.18.77.1'); // the deploy machine: the test bridge's own address
      expect(psql(`SELECT pg_terminate_backend(${pid})`)).toBe('t');
    }
    const pid = holders.find(([stateIdOf]) => stateIdOf === id)![1];
    const client = holders[0][2];
    for (const port of dropped)
      spawnSync('nsenter', [`--net=/var/run/netns/${pg.netns}`, 'iptables', '-D', 'INPUT', '-p', 'tcp', '--sport', port, '-j', 'DROP']);
    await waitFor(() => advisoryLocks().length === 0, 'the stale locks to go');
    const rerun = await deployCommand(DEPLOY_ARGS, OUTDIR, env);
    const recovered = rerun.report?.stacks.flatMap((s) => s.recovered.map((r) => `${s.name}: ${r}`)) ?? [];
    const result = convergence(
      'deploy machine lost mid-apply: stale pg lock released by the runbook',
      [
        `killed after: ${killed}`,
        `stale lock of ${stack} held by pid ${pid} from ${client}`,
        'terraform force-unlock: reported success, lock kept',
        'pg_terminate_backend released it',
        ...recovered.map((r) => `imported then replaced: ${r}`),
      ],
      rerun,
      'crash',
    );
    expect(result).toMatchObject(CONVERGED);
  });

  test('a Docker host stops answering during a deploy: its stack fails naming the host and engine, the others deploy; back, a re-run converges', async () => {
    writeMarkers('host-down');
    rotateToken();
    const reporting = host('cc-reporting');
    const link = (state: 'up' | 'down') => spawnSync('ip', ['-n', reporting.netns!, 'link', 'set', 'eth0', state]);
    let cut = false;
    const res = await deployCommand(DEPLOY_ARGS, OUTDIR, env, {
      onLine: (line) => {
        if (!cut && line.startsWith(`${E2E_ENV}-cc-reporting: applying`)) {
          cut = true;
          link('down');
          progress('cc-reporting: network cut');
        }
      },
    });
    link('up');
    expect(cut).toBe(true);
    const outcome = (s: string) => res.report!.stacks.find((x) => x.name === `${E2E_ENV}-${s}`)!;
    expect(res.status).toBe(1);
    expect({
      pbx: outcome('pbx').result,
      ccCore: outcome('cc-core').result,
      reporting: outcome('cc-reporting').result,
      edge: outcome('edge').result,
    }).toEqual({
      pbx: 'applied',
      ccCore: 'applied',
      reporting: 'failed',
      edge: 'skipped',
    });
    const failure = outcome('cc-reporting').errors.join('\n');
    expect(failure).toContain(`the Docker host of server cc-reporting (ssh://root@${reporting.address}) did not answer`);
    expect(outcome('edge').errors.join('\n')).toContain(`it depends on ${E2E_ENV}-cc-reporting (failed)`);
    // The stacks that do not depend on it are deployed and settled while it is away.
    for (const s of ['pbx', 'cc-core']) expect({ s, changes: planStack(stackDir(`${E2E_ENV}-${s}`), env).changes }).toEqual({ s, changes: [] });
    const rerun = await deployCommand(DEPLOY_ARGS, OUTDIR, env);
    const recovered = rerun.report?.stacks.flatMap((x) => x.recovered.map((r) => `${x.name}: ${r}`)) ?? [];
    const result = convergence(
      'a Docker host (cc-reporting, ssh) stopped answering mid-apply',
      [
        failure.split('\n')[0],
        `pbx ${outcome('pbx').result}, cc-core ${outcome('cc-core').result}, edge ${outcome('edge').result}`,
        ...recovered.map((r) => `imported then replaced: ${r}`),
      ],
      rerun,
      'host-down',
    );
    expect(result).toMatchObject(CONVERGED);
  });

  test('hand edits on a host (a managed container removed, one stopped): the plan shows each, deploy restores them', async () => {
    writeMarkers('hand-edits');
    const reporting = host('cc-reporting');
    docker(reporting, ['rm', '-f', 'xivocc-kibana']);
    docker(reporting, ['stop', 'xivocc-spagobi']);
    const plan = planStack(stackDir(`${E2E_ENV}-cc-reporting`), env);
    const shown = (name: string) => plan.changes.filter((c) => c.startsWith(`docker_container.cc_${name}_`));
    expect(shown('kibana')).toEqual([expect.stringMatching(/: create \[/)]);
    // The docker provider removes a stopped container it manages when it reads it: the plan creates it again.
    expect(shown('spagobi')).toEqual([expect.stringMatching(/: create \[/)]);
    const rerun = await deployCommand(DEPLOY_ARGS, OUTDIR, env);
    const running = containers(reporting)
      .filter((c) => c.state === 'running')
      .map((c) => c.name);
    expect(running).toEqual(expect.arrayContaining(['xivocc-kibana', 'xivocc-spagobi']));
    const result = convergence(
      'hand edits: docker rm -f xivocc-kibana, docker stop xivocc-spagobi',
      [...shown('kibana'), ...shown('spagobi')].map((c) => `planned: ${c.replace(/ \[\]$/, '')}`),
      rerun,
      'hand-edits',
    );
    expect(result).toMatchObject(CONVERGED);
  });

  test('cdktf destroy of a stack with data volumes is refused by prevent_destroy, and the data survives', async () => {
    const reporting = host('cc-reporting');
    const volume = 'xivocc-recording-server-recordings';
    const marker = path.join(WORK, 'marker.txt');
    fs.writeFileSync(marker, `recording ${Date.now()}\n`);
    docker(reporting, ['cp', marker, 'xivocc-recording-server:/var/spool/recording-server/marker.txt']);
    const before = allContainers();
    const res = await cdktf('destroy', [`${E2E_ENV}-cc-reporting`], OUTDIR, env);
    expect(res.status).not.toBe(0);
    // cdktf only says "Invoking Terraform CLI failed"; Terraform's own plan says why.
    const why = planDestroy(stackDir(`${E2E_ENV}-cc-reporting`), env);
    const protectedVolumes = Object.values<any>(synthesized(`${E2E_ENV}-cc-reporting`).resource.docker_volume).filter(
      (v) => v.lifecycle?.prevent_destroy,
    );
    expect(protectedVolumes.length).toBeGreaterThanOrEqual(2);
    expect((why.match(/Instance cannot be destroyed/g) ?? []).length).toBe(protectedVolumes.length);
    expect(why).toContain('has\nlifecycle.prevent_destroy set');
    report.destroyRefused = true;
    expect(replacedSince(before)).toEqual([]);
    const read = docker(reporting, ['run', '--rm', '-v', `${volume}:/data:ro`, TOOLS_IMAGE, 'cat', '/data/marker.txt']);
    expect(read).toBe(fs.readFileSync(marker, 'utf8'));
  });
});
