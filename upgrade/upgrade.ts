/**
 * An upgrade is a change of `release`: `npm run upgrade -- --env NAME --to RELEASE`
 *
 * 1. backs up every server (backup.ts), from the output of the release that runs;
 * 2. writes the new release into the environment file (that line only) and synthesizes;
 * 3. deploys tier by tier, PBX → MDS → CC/UC-Addon → edge (deploy.ts: the stacks of one tier
 *    in parallel, only those whose plan changes), and after each tier checks that its services
 *    answer: each container runs, and its own health check command passes when run in it;
 * 4. stops at the first tier that fails, printing the rollback: the same command with the
 *    previous release (whose images each host kept: every docker_image is `keep_locally`),
 *    and the restore of the backup made in step 1 if the data must go back too;
 * 5. at the end, plans every stack again: an upgrade is done when nothing is left to change.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findRelease } from '../catalogue/releases';
import { ALL_ROLES, Role } from '../catalogue/types';
import { KEY_STACK_SUFFIX, startTier } from '../constructs/platform-rules';
import { DEFAULT_ENV_FILES, expandEnvFiles } from '../config/env-files';
import { DockerApi } from '../discover/docker-api';
import { deploy } from '../deploy/deploy';
import { backupStacks, ServerBackup } from '../backup/backup';
import { EstateStack } from '../backup/estate';
import { execIn, inspectContainer, shellQuote } from '../backup/host-jobs';

export interface Tier {
  readonly name: string;
  readonly roles: readonly Role[];
}

/**
 * The deploy order of an upgrade: XiVO's start order (platform-rules.ts `startTier`: the PBX
 * first; its media servers; the CC and UC apps; the edge in front), each tier named.
 */
const TIER_NAMES = ['PBX', 'MDS', 'CC/UC-Addon', 'edge'] as const;
export const TIERS: readonly Tier[] = TIER_NAMES.map((name, i) => ({ name, roles: ALL_ROLES.filter((r) => startTier([r]) === i) }));

/**
 * The tier of a stack: its server's start tier (a server with the PBX is in the PBX tier).
 * A key stack (`<env>-<server>-key`) goes with the PBX tier whatever its server: the PBX signs its
 * CSR, so the deploy of that tier applies it before the PBX.
 */
export function tierOf(stack: Pick<EstateStack, 'roles'> & { readonly info?: { readonly name: string } }): number {
  if (stack.info?.name.endsWith(KEY_STACK_SUFFIX)) return 0;
  return stack.roles.length ? startTier(stack.roles) : TIERS.length - 1;
}

/** The stacks grouped by tier, in tier order; empty tiers left out. */
export function tiersOf<T extends Pick<EstateStack, 'roles'> & { readonly info?: { readonly name: string } }>(
  stacks: readonly T[],
): { tier: Tier; stacks: T[] }[] {
  return TIERS.map((tier, i) => ({ tier, stacks: stacks.filter((s) => tierOf(s) === i) })).filter((t) => t.stacks.length);
}

const RELEASE_LINE = /^release:[ \t]*(["']?)([^"'\s#]*)\1([ \t]*#.*)?$/m;

/** The environment file that names `environment` (among XIVO_ENV_FILES). */
export function environmentFile(environment: string, cwd = process.cwd()): string {
  const { files } = expandEnvFiles(process.env.XIVO_ENV_FILES || DEFAULT_ENV_FILES, cwd);
  const found = files.filter((f) =>
    new RegExp(`^name:[ \\t]*["']?${environment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?[ \\t]*(#.*)?$`, 'm').test(
      fs.readFileSync(path.resolve(cwd, f), 'utf8'),
    ),
  );
  if (found.length !== 1)
    throw new UpgradeError(
      `${found.length ? 'several' : 'no'} environment file${found.length ? 's' : ''} named "${environment}" among ${files.join(', ') || 'none'}`,
    );
  return path.resolve(cwd, found[0]);
}

/** The release an environment file names. */
export function releaseOf(text: string): string | undefined {
  return RELEASE_LINE.exec(text)?.[2];
}

/** `text` with its `release:` line set to `release` (quoted, its comment kept); every other byte unchanged. */
export function withRelease(text: string, release: string): string {
  if (!RELEASE_LINE.test(text)) throw new UpgradeError('the environment file has no top-level "release:" line to change');
  return text.replace(RELEASE_LINE, (_line, _q, _old, comment) => `release: "${release}"${comment ?? ''}`);
}

/** A release `--to` may name: an LTS by name or version, or a newer `YYYY.NN`. */
export function checkRelease(release: string): void {
  if (!findRelease(release) && !/^\d{4}\.\d{2}$/.test(release))
    throw new UpgradeError(`--to "${release}": not a XiVO release (an LTS name such as Orion, or a version YYYY.NN such as 2025.05)`);
}

export interface HealthProblem {
  readonly container: string;
  readonly problem: string;
}

/**
 * Whether the services of `stack` answer: every container the deploy starts runs (not
 * restarting), and its own health check command (the image's or the catalogue's) passes when
 * run in it, retried until `timeoutMs`.
 */
export async function checkHealth(stack: EstateStack, timeoutMs: number): Promise<HealthProblem[]> {
  const api = new DockerApi(stack.connection);
  const deadline = Date.now() + timeoutMs;
  try {
    const problems: HealthProblem[] = [];
    for (const c of stack.containers.filter((c) => !c.oneShot)) {
      let problem: string | undefined;
      for (;;) {
        const state = await inspectContainer(api, c.name);
        if (!state) problem = 'no such container';
        else if (!state.State.Running || state.State.Restarting) problem = `not running (${state.State.Status}, exit ${state.State.ExitCode})`;
        else {
          const test = state.Config.Healthcheck?.Test ?? [];
          const script = test[0] === 'CMD-SHELL' ? test[1] : test[0] === 'CMD' ? test.slice(1).map(shellQuote).join(' ') : undefined;
          if (!script) problem = undefined;
          else {
            // A container that restarts between the inspect and the exec is refused by the engine (409): not healthy yet.
            const res = await execIn(api, c.name, script).catch((e: Error) => ({ code: -1, output: e.message }));
            problem = res.code === 0 ? undefined : `health check failed (exit ${res.code}): ${res.output.trim().slice(-300)}`;
          }
        }
        if (!problem || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (problem) problems.push({ container: c.name, problem });
    }
    return problems;
  } finally {
    api.close();
  }
}

/** The release the estate runs: the `org.xivo.release` label of its first running service container. */
async function runningRelease(stacks: readonly EstateStack[]): Promise<string | undefined> {
  for (const stack of stacks) {
    const api = new DockerApi(stack.connection);
    try {
      for (const c of stack.containers.filter((c) => c.service && !c.oneShot)) {
        const release = (await inspectContainer(api, c.name).catch(() => undefined))?.Config.Labels?.['org.xivo.release'];
        if (release) return release;
      }
    } finally {
      api.close();
    }
  }
  return undefined;
}

export interface UpgradeOptions {
  readonly environment: string;
  readonly to: string;
  readonly outdir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Synthesizes the environment files into `outdir` (the CLI: the synth cache). */
  readonly synthesize: () => void;
  /** The stacks of the environment, from the synthesized output. */
  readonly readStacks: () => EstateStack[];
  readonly backupDirectory?: string;
  readonly keep?: number;
  /** The PostgreSQL superuser of the backup's dumps. @default the catalogue's */
  readonly pgUser?: string;
  /** How long a tier's services may take to answer. @default 300 s */
  readonly healthTimeoutMs?: number;
  readonly concurrency?: number;
  /** Skip the backup (it was made by the caller). @default false */
  readonly skipBackup?: boolean;
  readonly log?: (line: string) => void;
}

export interface TierOutcome {
  readonly tier: string;
  readonly stacks: readonly string[];
  readonly result: 'upgraded' | 'unchanged' | 'failed';
  /** Containers each stack's apply replaced or created (`address: action`). */
  readonly changes: readonly string[];
  readonly problems: readonly string[];
  readonly startedMs: number;
  readonly endedMs: number;
}

export interface UpgradeResult {
  readonly from: string;
  readonly to: string;
  readonly ok: boolean;
  readonly backups: readonly ServerBackup[];
  readonly tiers: readonly TierOutcome[];
  /** The commands that put the previous release back (when a tier failed). */
  readonly rollback: readonly string[];
  /** Changes a final plan still finds (empty when the upgrade is complete). */
  readonly leftover: readonly string[];
  readonly seconds: number;
}

export async function upgrade(options: UpgradeOptions): Promise<UpgradeResult> {
  const t0 = Date.now();
  const log = options.log ?? (() => undefined);
  checkRelease(options.to);
  const file = environmentFile(options.environment);
  const original = fs.readFileSync(file, 'utf8');

  // 1. The backup, from what runs now.
  options.synthesize();
  // What runs: the release label of the running containers (the file may already name the new one).
  const from = (await runningRelease(options.readStacks())) ?? releaseOf(original) ?? '';
  let backups: ServerBackup[] = [];
  if (!options.skipBackup) {
    log(`upgrade: backing up ${options.environment} (release ${from}) before the upgrade to ${options.to}`);
    backups = await backupStacks(options.readStacks(), {
      directory: options.backupDirectory,
      keep: options.keep,
      pgUser: options.pgUser,
      reason: `before upgrade to ${options.to}`,
      log: (l) => log(`backup: ${l}`),
    });
  }

  // 2. The new release, written and synthesized (the file put back if synth refuses it).
  if (releaseOf(original) !== options.to) {
    fs.writeFileSync(file, withRelease(original, options.to));
    log(`upgrade: ${path.relative(process.cwd(), file)}: release "${releaseOf(original)}" → "${options.to}"`);
    try {
      options.synthesize();
    } catch (e) {
      fs.writeFileSync(file, original);
      throw e;
    }
  }
  const rollback = [
    `npm run upgrade -- --env ${options.environment} --to ${from}`,
    ...backups.map(
      (b) => `npm run restore -- --env ${options.environment} --server ${b.server} --backup ${b.id}   # only if the data must go back too`,
    ),
  ];

  // 3. Tier by tier.
  const tiers: TierOutcome[] = [];
  for (const { tier, stacks } of tiersOf(options.readStacks())) {
    const startedMs = Date.now() - t0;
    log(`upgrade: tier ${tier.name}: ${stacks.map((s) => s.info.name).join(', ')}`);
    const result = await deploy({
      outdir: options.outdir,
      stacks: stacks.map((s) => s.info),
      env: options.env,
      concurrency: options.concurrency,
      log,
    });
    const changes = result.stacks.flatMap((s) => s.planned.map((p) => `${s.name}: ${p}`));
    const failed = result.stacks.filter((s) => ['failed', 'skipped', 'declined'].includes(s.result));
    const problems = failed.map((s) => `${s.name}: ${s.result}: ${s.errors.join(' ').slice(0, 500)}`);
    if (!failed.length) {
      const healthTimeout = options.healthTimeoutMs ?? 300_000;
      for (const stack of stacks)
        for (const p of await checkHealth(stack, healthTimeout)) problems.push(`${stack.info.server}: ${p.container}: ${p.problem}`);
    }
    const applied = result.stacks.some((s) => s.result === 'applied');
    tiers.push({
      tier: tier.name,
      stacks: stacks.map((s) => s.info.name),
      result: problems.length ? 'failed' : applied ? 'upgraded' : 'unchanged',
      changes,
      problems,
      startedMs,
      endedMs: Date.now() - t0,
    });
    if (problems.length) {
      problems.forEach((p) => log(`upgrade: tier ${tier.name}: ${p}`));
      log(`upgrade: stopped at tier ${tier.name}: the later tiers still run ${from}. Roll back with:`);
      rollback.forEach((c) => log(`  ${c}`));
      return { from, to: options.to, ok: false, backups, tiers, rollback, leftover: [], seconds: (Date.now() - t0) / 1000 };
    }
    log(`upgrade: tier ${tier.name}: ${applied ? 'upgraded' : 'unchanged'}, its services answer`);
  }

  // 5. Nothing left to change.
  const check = await deploy({
    outdir: options.outdir,
    stacks: options.readStacks().map((s) => s.info),
    env: options.env,
    planOnly: true,
    concurrency: options.concurrency,
  });
  const leftover = check.stacks.flatMap((s) => [...s.planned.map((p) => `${s.name}: ${p}`), ...s.errors]);
  const ok = leftover.length === 0;
  log(
    ok
      ? `upgrade: ${options.environment} runs ${options.to}; a second plan changes nothing`
      : `upgrade: a second plan still changes:\n  ${leftover.join('\n  ')}`,
  );
  return { from, to: options.to, ok, backups, tiers, rollback: ok ? [] : rollback, leftover, seconds: (Date.now() - t0) / 1000 };
}

export class UpgradeError extends Error {}
