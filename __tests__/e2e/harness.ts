/**
 * End-to-end harness: real Terraform and providers (built from their pinned sources by
 * scripts/e2e/build-tools.sh), real Docker engines in network namespaces (scripts/e2e/hosts.sh,
 * some reached over ssh, one through a bastion), PostgreSQL for the pg state backend, stand-in
 * images imported under the exact names the stacks use (scripts/e2e/images.sh), and the README's
 * own deploy commands (`npm run deploy`, and `cdktf deploy`).
 */
import { ChildProcess, execFileSync, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { StackOutcome } from '../../deploy/deploy';
import { terraformEnvironment } from '../support/terraform-apply';

export const REPO = path.resolve(__dirname, '../..');
const SCRIPTS = path.join(REPO, 'scripts/e2e');
/** Where the suite writes its environment, outputs, logs and report (`progress.log`, `cdktf-*.log`). */
export const WORK = process.env.XIVO_E2E_WORK ?? '/tmp/xivo-e2e-work';
/** Where scripts/e2e/hosts.sh keeps the test hosts and their TLS files. */
export const HOSTS_ROOT = process.env.XIVO_E2E_ROOT ?? '/tmp/xivo-e2e';

export interface TestHost {
  readonly name: string;
  readonly address: string;
  /** `unix://…/docker.sock` */
  readonly socket: string;
  /** `tcp://address:2376` with client TLS, or '' */
  readonly tcp: string;
  /** Directory holding the host's own /etc/docker, /usr/share/xivo-certs, … */
  readonly fsRoot: string;
  /** `ssh://root@address` when the host runs sshd (spec `:ssh`, `:ssh-via-B`), else '' or absent. */
  readonly ssh?: string;
  /** `root@<bastion address>` when sshd accepts only connections from that jump host, else '' or absent. */
  readonly sshJump?: string;
  /** sshd's host public key (`ssh-ed25519 AAAA…`) when it runs one. */
  readonly sshHostKey?: string;
  /** Network namespace of the host (`xe2e-<name>`). */
  readonly netns?: string;
}

/** A test namespace that is not a Docker host: an ssh bastion or the PostgreSQL of the pg backend. */
export interface TestService {
  readonly name: string;
  readonly kind: 'bastion' | 'pg' | 'registry';
  readonly address: string;
  readonly netns: string;
  /** bastion: sshd's host public key. */
  readonly sshHostKey?: string;
  /** pg: Terraform's PG_CONN_STR (TLS verified against the test CA), for the `terraform` role and database. */
  readonly connStr?: string;
  /** pg: directory of the server's unix socket (superuser `postgres`, local trust: the runbook's SQL). */
  readonly psqlDir?: string;
  /** registry: `ADDR:5000`, TLS with the test CA, trusted by every Docker host of the run. */
  readonly endpoint?: string;
}

/** The ssh client key every test sshd accepts (made by hosts.sh at each `up`). */
export interface TestSshKey {
  readonly identity: string;
  readonly publicKey: string;
}

export interface Tools {
  readonly dir: string;
  readonly terraformRc: string;
  readonly binDir: string;
  /** What scripts/e2e/build-tools.sh built, from which verified source (its provenance.json). */
  readonly provenance: {
    terraform: string;
    terraform_source: string;
    tofu: string;
    go: string;
    providers: { provider: string; version: string; source: string; sha256: string; commit: string }[];
  };
}

/** What the suite needs, with the Debian package (or tool) that provides each. */
export const E2E_REQUIREMENTS: Record<string, string> = {
  go: 'Go >= 1.26 (golang.org/dl or the machine image)',
  dockerd: 'docker.io',
  ip: 'iproute2',
  nsenter: 'util-linux',
  openssl: 'openssl',
  '/bin/busybox': 'busybox-static',
  '/usr/sbin/nginx': 'nginx-light',
  jlink: 'openjdk-17-jdk-headless',
  iptables: 'iptables',
  'docker-registry': 'docker-registry',
};

/** Timestamped progress on stderr and in `<work>/progress.log` (Jest holds console output until a test ends). */
export function progress(message: string): void {
  const line = `${new Date().toISOString()} e2e: ${message}\n`;
  process.stderr.write(line);
  if (fs.existsSync(WORK)) fs.appendFileSync(path.join(WORK, 'progress.log'), line);
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function run(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; allowFail?: boolean; timeoutMs?: number } = {},
): SpawnSyncReturns<string> {
  // Terraform reaches the Docker hosts (refresh, import): as the deploy machine does.
  const [file, argv] = cmd === 'terraform' ? operatorCommand(cmd, args) : [cmd, [...args]];
  const res = spawnSync(file, argv, {
    cwd: opts.cwd ?? REPO,
    env: opts.env ?? process.env,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 20 * 60 * 1000,
  });
  if (!opts.allowFail && res.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${res.status ?? res.signal}:\n${(res.stdout ?? '').slice(-4000)}\n${(res.stderr ?? '').slice(-4000)}`,
    );
  }
  return res;
}

/** Terraform + the provider mirror (built once, cached by scripts/e2e/build-tools.sh). */
export function buildTools(): Tools {
  const res = run('bash', [path.join(SCRIPTS, 'build-tools.sh')], { timeoutMs: 80 * 60 * 1000 });
  const dir = res.stdout.trim().split('\n').pop()!;
  return {
    dir,
    terraformRc: path.join(dir, 'terraform.rc'),
    binDir: path.join(dir, 'bin'),
    provenance: JSON.parse(fs.readFileSync(path.join(dir, 'provenance.json'), 'utf8')),
  };
}

export function buildImageTarballs(): string {
  return run('bash', [path.join(SCRIPTS, 'images.sh')])
    .stdout.trim()
    .split('\n')
    .pop()!;
}

/** busybox, imported on every test host for the tests' own throwaway containers (markers in volumes). */
export const TOOLS_IMAGE = 'xivo-e2e/busybox:test';

/** The run's image registry (hosts.sh `NAME:registry`), added to every `hostsUp`: the operator's mirror. */
const REGISTRY_SPEC = 'images:registry';
/** Where the run's registry holds the helper image, as a mirror of busybox would. */
const HELPER_REPOSITORY = 'xivo-cdktf/busybox';

/**
 * Starts the hosts of `specs` (see scripts/e2e/hosts.sh: `NAME[:tls|:ssh|:ssh-via-B|:bastion|:pg]`)
 * and an image registry, into which it pushes the helper stand-in: its reference pinned by
 * digest (`helperImage`, also `pinnedHelperImage()`) is what every environment of the run
 * deploys, and each host's engine pulls it from the registry, by digest, as it would from a mirror.
 */
export function hostsUp(specs: readonly string[]): {
  hosts: TestHost[];
  tlsDir: string;
  services: TestService[];
  ssh?: TestSshKey;
  helperImage: string;
} {
  run('bash', [path.join(SCRIPTS, 'hosts.sh'), 'up', ...specs, REGISTRY_SPEC]);
  const file = path.join(HOSTS_ROOT, 'hosts.json');
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  const registry = (parsed.services as TestService[]).find((s) => s.kind === 'registry')!;
  parsed.helperImage = publishHelperImage(parsed.hosts[0], registry.endpoint!);
  fs.writeFileSync(file, `${JSON.stringify(parsed)}\n`);
  return {
    hosts: parsed.hosts,
    tlsDir: parsed.tls,
    services: parsed.services,
    ssh: parsed.ssh?.identity ? parsed.ssh : undefined,
    helperImage: parsed.helperImage,
  };
}

/** The helper image of the running hosts (`hostsUp`): `<registry>/xivo-cdktf/busybox@sha256:<digest>`. */
export function pinnedHelperImage(): string {
  const reference = JSON.parse(fs.readFileSync(path.join(HOSTS_ROOT, 'hosts.json'), 'utf8')).helperImage;
  if (!reference) throw new Error(`no helper image in ${HOSTS_ROOT}/hosts.json: start the hosts with hostsUp`);
  return reference;
}

/**
 * Pushes the busybox stand-in to the registry from `host` and returns its digest reference, then
 * removes it from `host`: no engine has it until the Docker provider pulls it by that digest.
 */
function publishHelperImage(host: TestHost, registry: string): string {
  const tag = `${registry}/${HELPER_REPOSITORY}:1.37.0`;
  importImage(host, path.join(buildImageTarballs(), 'busybox.tar'), tag);
  run('docker', ['-H', host.socket, 'push', '--quiet', tag]);
  const pinned = run('docker', ['-H', host.socket, 'image', 'inspect', '--format', '{{index .RepoDigests 0}}', tag]).stdout.trim();
  run('docker', ['-H', host.socket, 'image', 'rm', '--force', pinned, tag]);
  if (!/@sha256:[0-9a-f]{64}$/.test(pinned)) throw new Error(`the registry gave no digest for ${tag}: ${pinned}`);
  return pinned;
}

/**
 * The deploy machine's ssh configuration. OpenSSH gives a ProxyJump connection only -l, -p and
 * -F of the command line (not -i nor -o): the jump host's key and known_hosts come from the ssh
 * configuration files, as an operator's ~/.ssh/config would give them. The suite never touches
 * this machine's own files: every command that reaches a Docker host runs in a private mount
 * namespace where /etc/ssh/ssh_config first includes `config` (see operatorCommand).
 */
let sshClientConfig: string | undefined;

/** Sets (or with undefined, clears) the ssh client configuration of the deploy commands run from here on. */
export function useSshClientConfig(config: string | undefined): void {
  if (!config) {
    sshClientConfig = undefined;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-e2e-ssh-'));
  const own = path.join(dir, 'config');
  fs.writeFileSync(own, config, { mode: 0o600 });
  const system = fs.existsSync('/etc/ssh/ssh_config') ? fs.readFileSync('/etc/ssh/ssh_config', 'utf8') : '';
  sshClientConfig = path.join(dir, 'ssh_config');
  fs.writeFileSync(sshClientConfig, `# xivo-cdktf e2e: the deploy machine's ssh configuration\nInclude ${own}\n\n${system}`, { mode: 0o644 });
}

/** `cmd args` as the deploy machine runs it: under the ssh configuration set by useSshClientConfig, if any. */
export function operatorCommand(cmd: string, args: readonly string[]): [string, string[]] {
  if (!sshClientConfig || !fs.existsSync('/etc/ssh/ssh_config')) return [cmd, [...args]];
  return [
    'unshare',
    ['--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount --bind "$0" /etc/ssh/ssh_config && exec "$@"', sshClientConfig, cmd, ...args],
  ];
}

export function hostsDown(): void {
  run('bash', [path.join(SCRIPTS, 'hosts.sh'), 'down'], { allowFail: true });
}

export function docker(host: TestHost, args: readonly string[], allowFail = false): string {
  return run('docker', ['-H', host.socket, ...args], { allowFail }).stdout;
}

/**
 * Imports a stand-in under `name` on `host`: the tarball's root filesystem plus, for stubs,
 * /stub/name and /stub/ports (every port of the catalogue service the image serves).
 */
export function importImage(host: TestHost, tarball: string, name: string, stub?: { service: string; ports: readonly number[] }): void {
  let source = tarball;
  const changes: string[] = [];
  if (stub) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-stub-'));
    fs.mkdirSync(path.join(dir, 'stub'));
    fs.writeFileSync(path.join(dir, 'stub/name'), `${stub.service}\n`);
    fs.writeFileSync(path.join(dir, 'stub/ports'), `${stub.ports.join('\n')}\n`);
    source = path.join(dir, 'image.tar');
    fs.copyFileSync(tarball, source);
    run('tar', ['-rf', source, '-C', dir, './stub/name', './stub/ports']);
    changes.push('CMD ["/stub/stub"]');
  } else if (tarball.endsWith('nginx.tar')) {
    changes.push('CMD ["/usr/sbin/nginx", "-g", "daemon off;"]');
  } else {
    changes.push('CMD ["sh"]');
  }
  changes.push('ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  run('docker', ['-H', host.socket, 'import', ...changes.flatMap((c) => ['-c', c]), source, name]);
  if (stub) fs.rmSync(path.dirname(source), { recursive: true, force: true });
}

export interface ContainerInfo {
  readonly id: string;
  readonly name: string;
  readonly state: string;
}

export function containers(host: TestHost): ContainerInfo[] {
  return docker(host, ['ps', '-a', '--no-trunc', '--format', '{{.ID}}\t{{.Names}}\t{{.State}}'])
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, name, state] = line.split('\t');
      return { id, name, state };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function inspectEnv(host: TestHost, container: string): Record<string, string> {
  const env = JSON.parse(docker(host, ['inspect', '--format', '{{json .Config.Env}}', container])) as string[];
  return Object.fromEntries(env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

/** Environment of every Terraform/cdktf child process: offline mirror, secrets, the env file. */
export function deployEnv(tools: Tools, envFile: string, secrets: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...terraformEnvironment(tools.terraformRc, secrets),
    PATH: `${tools.binDir}:${process.env.PATH}`,
    XIVO_ENV_FILES: envFile,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
}

let cdktfRuns = 0;

// eslint-disable-next-line no-control-regex
const ANSI_ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

export interface CdktfRun {
  readonly status: number;
  readonly output: string;
  /** Seconds from a stack's first resource action to its "Apply complete!". */
  readonly stackSeconds: Record<string, number>;
  /** `<stack>: first change` and `<stack>: complete`, in the order cdktf printed them. */
  readonly events: readonly string[];
}

/**
 * cdktf's commands, offline: `npx cdktf deploy '<env>-*' --auto-approve`. Synth writes each
 * stack's `.terraform.lock.hcl` (the pinned provider hashes), so the CLI finds its providers
 * locked and never runs `terraform providers lock` against the registry: no
 * `--skip-provider-lock`. Output lines are timestamped as they arrive to time each stack.
 */
export function cdktf(verb: 'deploy' | 'destroy' | 'synth', stacks: readonly string[], outdir: string, env: NodeJS.ProcessEnv): Promise<CdktfRun> {
  const args = ['cdktf', verb, ...stacks, '--output', outdir];
  if (verb !== 'synth') args.push('--auto-approve');
  // One stack of an environment: the README's flag for deploying or destroying one server.
  if (verb !== 'synth' && stacks.every((st) => !st.includes('*'))) args.push('--ignore-missing-stack-dependencies');
  progress(`npx ${args.join(' ')}`);
  const stackNamePattern = new RegExp(`^(${stacks.map((st) => st.replace(/[.]/g, '\\.').replace(/\*/g, '[\\w.-]*')).join('|')})$`);
  return new Promise((resolve, reject) => {
    const [file, argv] = operatorCommand('npx', args);
    const child = spawn(file, argv, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const applying: Record<string, number> = {};
    const seconds: Record<string, number> = {};
    const events: string[] = [];
    let current = '';
    const onData = (chunk: Buffer) => {
      const now = Date.now();
      // cdktf draws a live view with ANSI escapes; a stack's block of lines starts with its name.
      const text = chunk.toString('utf8').replace(ANSI_ESCAPES, '');
      output += text;
      for (const line of text.split('\n')) {
        const named = /^(\S+)\s/.exec(line);
        if (named && stackNamePattern.test(named[1])) current = named[1];
        if (!current) continue;
        if (/: (Creating|Modifying|Destroying)\.\.\./.test(line) && applying[current] === undefined) {
          applying[current] = now;
          events.push(`${current}: first change`);
        }
        if (/(Apply|Destroy) complete!/.test(line) && applying[current] !== undefined && seconds[current] === undefined) {
          seconds[current] = (now - applying[current]) / 1000;
          events.push(`${current}: complete`);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGTERM'), 30 * 60 * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const log = path.join(WORK, `cdktf-${e2eFileTag()}-${String(++cdktfRuns).padStart(2, '0')}-${verb}.log`);
      if (fs.existsSync(WORK)) fs.writeFileSync(log, output);
      progress(`cdktf ${verb} exited ${code} (output: ${log})`);
      resolve({ status: code ?? 1, output, stackSeconds: seconds, events });
    });
  });
}

/** What `npm run deploy -- --report FILE` writes (deploy/cli.ts). */
export interface DeployReport {
  readonly synthSeconds: number;
  readonly deploySeconds: number;
  /** From the start of the deploy's node process to its end (npm's own start-up excluded). */
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly stacks: StackOutcome[];
}

export interface DeployRun {
  readonly status: number;
  readonly output: string;
  /** Wall seconds of the whole command, npm included. */
  readonly seconds: number;
  /** CPU seconds of the whole command and everything it ran (bash `times`). */
  readonly cpuSeconds: number;
  readonly report?: DeployReport;
}

let deployRuns = 0;

/**
 * The running e2e file's name (deploy, features, …): Jest loads this module once per file, so the
 * run counters restart in each file and the log names must say whose run it is.
 */
const e2eFileTag = () => path.basename(expect.getState().testPath ?? 'e2e').replace(/\.test\.ts$/, '');

/**
 * The README's deploy command: `npm run deploy -- <args> --output <outdir> --report <file>` (add
 * `--env <name> --auto-approve`). `onLine` sees each output line as it arrives (to act in the
 * middle of a deploy); `detached` runs it in its own process group (to kill it whole).
 */
export function deployCommand(
  args: readonly string[],
  outdir: string,
  env: NodeJS.ProcessEnv,
  options: { onLine?: (line: string, child: ChildProcess) => void; detached?: boolean } = {},
): Promise<DeployRun> {
  const n = String(++deployRuns).padStart(2, '0');
  const reportFile = path.join(WORK, `deploy-${e2eFileTag()}-${n}.json`);
  fs.rmSync(reportFile, { force: true });
  const command = ['npm', 'run', '--silent', 'deploy', '--', ...args, '--output', outdir, '--report', reportFile];
  progress(command.join(' '));
  // bash's `times` adds up the CPU of every process the command ran (npm, node, terraform, providers).
  const [file, argv] = operatorCommand('bash', ['-c', '"$@"; status=$?; times >&2; exit $status', 'deploy', ...command]);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
    let output = '';
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) options.onLine?.(line, child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGTERM'), 30 * 60 * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - t0) / 1000;
      // `times`: two lines, the shell's then its children's: "0m1.234s 0m0.567s".
      const times = [...output.matchAll(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/gm)].pop();
      const cpuSeconds = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : 0;
      fs.writeFileSync(path.join(WORK, `deploy-${e2eFileTag()}-${n}.log`), output);
      const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as DeployReport) : undefined;
      progress(`deploy exited ${code ?? signal} in ${seconds.toFixed(1)} s (output: ${path.join(WORK, `deploy-${e2eFileTag()}-${n}.log`)})`);
      resolve({ status: code ?? 128, output, seconds, cpuSeconds, report });
    });
  });
}

export interface PlanResult {
  readonly exitCode: number;
  /** `address: action(s) [attributes that change]` of every resource that would change. */
  readonly changes: string[];
}

/**
 * `terraform plan -detailed-exitcode` in a synthesized stack directory (already initialised by
 * deploy). With `synthFirst`, the app is synthesized again first (the environment file changed).
 */
export function planStack(stackDir: string, env: NodeJS.ProcessEnv, synthFirst = false): PlanResult {
  if (synthFirst) {
    // Synth replaces the output directory whole, Terraform's working files included: init again.
    run('node', ['dist/main.js'], { env: { ...env, CDKTF_OUTDIR: path.dirname(path.dirname(stackDir)) } });
    run('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env });
  }
  const res = run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-lock=false', '-no-color', '-out=e2e.plan'], {
    cwd: stackDir,
    env,
    allowFail: true,
  });
  if (res.status === 1) throw new Error(`terraform plan failed in ${stackDir}:\n${res.stderr}\n${res.stdout.slice(-3000)}`);
  if (res.status === 0) return { exitCode: 0, changes: [] };
  const plan = JSON.parse(run('terraform', ['show', '-json', 'e2e.plan'], { cwd: stackDir, env }).stdout);
  const changes = (plan.resource_changes ?? [])
    .filter((rc: any) => !(rc.change.actions.length === 1 && ['no-op', 'read'].includes(rc.change.actions[0])))
    .map((rc: any) => `${rc.address}: ${rc.change.actions.join('+')} [${changedAttributes(rc.change.before, rc.change.after).join(', ')}]`);
  return { exitCode: res.status ?? 2, changes };
}

/** What `terraform plan -destroy` says (exit code aside): the reasons a destroy is refused. */
export function planDestroy(stackDir: string, env: NodeJS.ProcessEnv): string {
  const res = run('terraform', ['plan', '-destroy', '-input=false', '-lock=false', '-no-color'], { cwd: stackDir, env, allowFail: true });
  return `${res.stdout}\n${res.stderr}`;
}

function changedAttributes(before: any, after: any): string[] {
  if (!before || !after) return [];
  return Object.keys({ ...before, ...after })
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();
}

/** Resource values of a stack's state, by address (`terraform show -json`). */
export function stateResources(stackDir: string, env: NodeJS.ProcessEnv): Map<string, any> {
  const state = JSON.parse(run('terraform', ['show', '-json'], { cwd: stackDir, env }).stdout);
  const out = new Map<string, any>();
  const walk = (module: any) => {
    for (const r of module?.resources ?? []) out.set(r.address, r.values);
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(state.values?.root_module);
  return out;
}

export function randomSecret(bytes = 24): string {
  return execFileSync('openssl', ['rand', '-hex', String(bytes)], { encoding: 'utf8' }).trim();
}

/** The secrets every estate with a XiVO CC takes (the shared token and xuc's three), made for this run, and `more`. */
export function platformSecrets(more: Record<string, string> = {}): Record<string, string> {
  return {
    play_auth_token: randomSecret(24),
    ...more,
    xuc_cti_password: randomSecret(12),
    xuc_ws_password: randomSecret(12),
    xuc_ami_secret: randomSecret(12),
  };
}
