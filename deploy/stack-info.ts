/**
 * What the deploy needs to know of each synthesized stack, read from the output synth wrote
 * (`manifest.json`, `stacks/<stack>/cdk.tf.json`): its directory, the stacks it depends on, the
 * server and environment it deploys (labels of its network), its Docker host (to name it when it
 * fails) and its state backend (to name a lock).
 */
import * as fs from 'fs';
import * as path from 'path';
import { StateEncryptionInfo } from '../stacks/state-encryption';

export interface DockerHostInfo {
  /** The engine URL of the provider: `ssh://…`, `tcp://…`, `unix://…`. */
  readonly url: string;
  /** ssh jump host(s) from the ssh options (`-J` / `ProxyJump`), '' when none. */
  readonly jump: string;
}

export interface BackendInfo {
  readonly type: string;
  /** Where this stack's state lives: pg schema, s3 key, local path, http address. */
  readonly location: string;
}

export interface StackInfo {
  readonly name: string;
  readonly dir: string;
  /** Stacks that must be deployed before this one (cross-stack references and deploy order). */
  readonly dependencies: readonly string[];
  readonly environment: string;
  readonly server: string;
  readonly docker: DockerHostInfo;
  readonly backend: BackendInfo;
  /** OpenTofu's state encryption (`backend.encryption`): the passphrase's variable. @default none */
  readonly encryption?: StateEncryptionInfo;
}

/** Jump hosts named by ssh options: `-J h`, `-Jh`, `-o ProxyJump=h`. */
export function jumpOf(sshOpts: readonly string[]): string {
  for (let i = 0; i < sshOpts.length; i++) {
    const item = sshOpts[i];
    if (item === '-J') return sshOpts[i + 1] ?? '';
    if (item.startsWith('-J')) return item.slice(2);
    const option = item === '-o' ? (sshOpts[i + 1] ?? '') : item.startsWith('-o') ? item.slice(2) : '';
    const jump = /^\s*ProxyJump\s*[=\s]\s*(\S+)/i.exec(option);
    if (jump) return jump[1];
  }
  return '';
}

/** The parts of a synthesized `cdk.tf.json` read here. */
interface SynthesizedStack {
  readonly '//'?: { readonly xivo?: { readonly stateEncryption?: StateEncryptionInfo } };
  readonly terraform?: { readonly backend?: Record<string, Record<string, string | undefined>> };
  readonly provider?: { readonly docker?: { readonly host?: string; readonly ssh_opts?: string[] }[] };
  readonly resource?: {
    readonly docker_network?: Record<string, { readonly labels?: { label: string; value: string }[] }>;
    readonly docker_container?: Record<string, { readonly labels?: { label: string; value: string }[] }>;
  };
}

function backendOf(config: SynthesizedStack, dir: string): BackendInfo {
  const [type, settings] = Object.entries(config.terraform?.backend ?? { local: {} })[0];
  switch (type) {
    case 'pg':
      return { type, location: `schema ${settings.schema_name ?? 'terraform_remote_state'}` };
    case 's3':
      return { type, location: `s3://${settings.bucket}/${settings.key}` };
    case 'local':
      return { type, location: path.resolve(dir, settings.path ?? 'terraform.tfstate') };
    default:
      return { type, location: settings.address ?? '' };
  }
}

/** Every stack of a synthesized output (manifest order: deploy.ts orders them by their dependencies). */
export function readStacks(outdir: string): StackInfo[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies?: string[] }> };
  return Object.entries(manifest.stacks).map(([name, entry]) => {
    const dir = path.join(outdir, 'stacks', name);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
    const provider = (config.provider?.docker ?? [])[0] ?? {};
    // The network's labels; a server's key stack has no network: its containers' labels say the same.
    const labelled = [...Object.values(config.resource?.docker_network ?? {}), ...Object.values(config.resource?.docker_container ?? {})];
    const labels = labelled.find((r) => r.labels?.some((l) => l.label === 'org.xivo.environment'))?.labels ?? [];
    const label = (key: string) => labels.find((l) => l.label === key)?.value ?? '';
    return {
      name,
      dir,
      dependencies: entry.dependencies ?? [],
      environment: label('org.xivo.environment'),
      server: label('org.xivo.server') || name,
      docker: { url: provider.host ?? 'the default Docker host (DOCKER_HOST)', jump: jumpOf(provider.ssh_opts ?? []) },
      backend: backendOf(config, dir),
      encryption: config['//']?.xivo?.stateEncryption,
    };
  });
}

/** `*` matches any run of characters, as in `cdktf deploy 'prod-*'`. */
export function matchesPattern(name: string, pattern: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(name);
}

/** A stack or environment named on the command line that the output does not hold. */
export class StackSelectionError extends Error {}

/**
 * The stacks to deploy: those matching a pattern or belonging to an environment named in
 * `environments`, in deploy order. Unknown names are an error listing what exists.
 */
export function selectStacks(all: readonly StackInfo[], patterns: readonly string[], environments: readonly string[]): StackInfo[] {
  const problems: string[] = [];
  for (const env of environments)
    if (!all.some((s) => s.environment === env))
      problems.push(`no environment named "${env}" (have: ${[...new Set(all.map((s) => s.environment))].join(', ')})`);
  for (const p of patterns)
    if (!all.some((s) => matchesPattern(s.name, p))) problems.push(`no stack matches "${p}" (have: ${all.map((s) => s.name).join(', ')})`);
  if (problems.length) throw new StackSelectionError(problems.join('\n'));
  return all.filter((s) => environments.includes(s.environment) || patterns.some((p) => matchesPattern(s.name, p)));
}
