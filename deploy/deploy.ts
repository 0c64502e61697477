/**
 * Deploys synthesized stacks: every stack is planned at once (with a full refresh), and only the
 * stacks with changes are applied, each after the stacks it depends on. A stack whose upstream
 * applied with changed outputs (or whose first plan needed an upstream that was not deployed yet)
 * is planned again before it is applied. A stack that fails stops only the stacks that depend on it.
 *
 * Why not `cdktf deploy`: it applies stack after stack, tier by tier, re-running `terraform init`
 * and a refresh-and-apply for each, so a deploy that changes nothing costs the sum of every stack's
 * refresh (the docker provider alone waits 2 s before reading a network). Here the refreshes run
 * side by side and a saved plan is applied without refreshing again.
 *
 * Interrupted deploys converge: a saved plan made stale by another deploy is planned again; a
 * container or network an interrupted apply created but never recorded is imported (only when its
 * labels say it is this server's) and then replaced by the apply; a locked state is waited for
 * (`lockTimeout`), and a stale lock is explained with the runbook that releases it.
 */
import { encryptedEnvironment, StateEncryptionError } from './state-encryption';
import * as fs from 'fs';
import * as path from 'path';
import { automationEnvironment, initIfNeeded, terraform, TerraformMessage, TerraformResult } from './terraform';
import { explain, hostLabel, isLockError, isStalePlan, Leftover, leftoversOf } from './failures';
import { ApplyJournal } from './journal';
import { restoreExports } from './exported-files';
import { StackInfo } from './stack-info';
import { actionOf, PlannedChange, planImpact, renderPlanImpact } from './plan-impact';
import { EXIT_DATA_LOSS } from '../impact/impact-report';
import { InternalError } from '../constructs/errors';

export interface DeployOptions {
  /** The synthesized output the stacks come from (for the runbook paths of messages). */
  readonly outdir: string;
  /** Stacks to deploy, in deploy order (dependencies outside this list are taken as deployed). */
  readonly stacks: readonly StackInfo[];
  /** Environment of every Terraform run (TF_VAR_*, TF_CLI_CONFIG_FILE, PG_CONN_STR…). */
  readonly env: NodeJS.ProcessEnv;
  /** Plan only, apply nothing. @default false */
  readonly planOnly?: boolean;
  /** How long an apply waits for a locked state (Terraform duration). @default '5m' */
  readonly lockTimeout?: string;
  /** Terraform runs at once. @default 4 */
  readonly concurrency?: number;
  /** `terraform init -migrate-state` (the backend of the environment changed). @default false */
  readonly migrateState?: boolean;
  /**
   * With `planOnly`: keep each plan with changes as `<dir>/<stack>.tfplan`, and write every
   * stack's plan impact as `<dir>/<stack>.impact.json` and `.impact.md` (a pipeline's plan job).
   * @default plans are deleted
   */
  readonly savePlans?: string;
  /**
   * Apply the plans saved in this directory (`<stack>.tfplan`) instead of planning: a stack without
   * one has nothing planned. A plan made stale by another run is planned again and applied only if
   * it is then empty; otherwise the stack fails (a pipeline's apply job). @default plan, then apply
   */
  readonly applyPlans?: string;
  /** With `applyPlans`: refuse a plan whose impact exit code (plan-impact.ts) is higher. @default 3 */
  readonly maxImpact?: number;
  /** Asked before a stack's plan is applied; undefined applies without asking. @default apply */
  readonly approve?: (stack: StackInfo, planFile: string) => Promise<boolean>;
  /** Progress and failure lines. @default dropped */
  readonly log?: (line: string) => void;
  /**
   * Run before a stack's plan is applied, with its planned changes (`address: action`); false
   * fails the stack unapplied (the backup before a change that touches data). @default none
   */
  readonly beforeApply?: (stack: StackInfo, planned: readonly string[]) => Promise<boolean>;
  /** Resources to replace, by stack name (`-replace`: certificates renewed by drift). @default none */
  readonly replace?: Readonly<Record<string, readonly string[]>>;
}

export interface Changes {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
}

export interface StackOutcome {
  readonly name: string;
  /** unchanged: nothing to do; applied; planned: changes found by a plan-only run; failed; skipped: an upstream failed; declined. */
  result: 'unchanged' | 'applied' | 'planned' | 'failed' | 'skipped' | 'declined';
  changes: Changes;
  /** `address: action` of each planned change. */
  planned: string[];
  plans: number;
  initSeconds: number;
  planSeconds: number;
  applySeconds: number;
  /** Milliseconds from the deploy's start to this stack's apply start / end (0 when not applied). */
  applyStartMs: number;
  applyEndMs: number;
  /** Objects left by an interrupted apply that were imported and replaced. */
  recovered: string[];
  /** Waited for a state lock held by another run. */
  waitedForLock: boolean;
  /** Planned again because its saved plan went stale (another run changed the state). */
  stalePlans: number;
  errors: string[];
}

export interface DeployResult {
  readonly stacks: StackOutcome[];
  readonly seconds: number;
  /** CPU seconds of this process and every Terraform and provider it ran. */
  readonly cpuSeconds: number;
}

/** Where a stack's saved plan is kept (inside `.terraform`: synth never copies it, the next deploy never trusts it). */
const PLAN_FILE = path.join('.terraform', 'xivo-deploy.tfplan');
const NO_CHANGES: Changes = { add: 0, change: 0, remove: 0 };
const MAX_ROUNDS = 4;
const SSH_REFRESH_PARALLELISM = 3;

/** CPU seconds used so far by this process and its waited-for children (Linux /proc; 0 elsewhere). */
export function cpuSeconds(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const fields = fs
      .readFileSync('/proc/self/stat', 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    // Fields 16 and 17 of stat(5) (cutime, cstime) are the 14th and 15th after the command name.
    children = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    /* not Linux */
  }
  return (own.user + own.system) / 1e6 + children;
}

class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = Math.max(1, size);
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.free--;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

interface Plan {
  readonly ok: boolean;
  readonly changes: Changes;
  readonly hasChanges: boolean;
  readonly outputsChange: boolean;
  readonly plannedChanges: PlannedChange[];
  readonly result: TerraformResult;
}

/** A plan's changes as listed: `address: action`. */
const plannedLines = (plan: Plan) => plan.plannedChanges.map((c) => `${c.address}: ${c.action}`);
/** Resources the plan creates (or replaces): what its apply may leave behind if killed. */
const createsOf = (plan: Plan) => plan.plannedChanges.filter((c) => c.action === 'create' || c.action === 'replace').map((c) => c.address);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const summary = (c: Changes) => `${c.add} to add, ${c.change} to change, ${c.remove} to destroy`;
const EMPTY_RESULT: TerraformResult = { code: 0, messages: [], diagnostics: [], text: '', seconds: 0 };
/** A plan that failed before Terraform planned anything. */
const failedPlan = (result: TerraformResult): Plan => ({
  ok: false,
  changes: NO_CHANGES,
  hasChanges: false,
  outputsChange: false,
  plannedChanges: [],
  result,
});

/** The stacks ordered so that each comes after the stacks it depends on (among those given); a cycle is an error. */
export function deployOrder(stacks: readonly StackInfo[]): StackInfo[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const ordered: StackInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (stack: StackInfo, path: string[]) => {
    if (state.get(stack.name) === 'done') return;
    if (state.get(stack.name) === 'visiting')
      throw new InternalError(`stacks depend on each other in a cycle: ${[...path, stack.name].join(' -> ')}`);
    state.set(stack.name, 'visiting');
    for (const dep of stack.dependencies) if (byName.has(dep)) visit(byName.get(dep)!, [...path, stack.name]);
    state.set(stack.name, 'done');
    ordered.push(stack);
  };
  stacks.forEach((s) => visit(s, []));
  return ordered;
}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const t0 = Date.now();
  const cpu0 = cpuSeconds();
  const log = options.log ?? (() => undefined);
  const slots = new Slots(options.concurrency ?? 4);
  const lockTimeout = options.lockTimeout ?? '5m';
  const env = automationEnvironment(options.env);
  const selected = new Map(options.stacks.map((s) => [s.name, s]));
  // OpenTofu's state encryption: TF_ENCRYPTION for each encrypted stack; refused before anything runs.
  const stackEnvs = new Map<string, NodeJS.ProcessEnv>();
  const encryptionProblems: string[] = [];
  for (const stack of options.stacks) {
    const encrypted = encryptedEnvironment(stack, env);
    if (encrypted.problem !== undefined) encryptionProblems.push(encrypted.problem);
    else stackEnvs.set(stack.name, encrypted.env);
  }
  if (encryptionProblems.length) throw new StateEncryptionError(encryptionProblems.join('\n'));
  const envOf = (stack: StackInfo) => stackEnvs.get(stack.name) ?? env;
  const outcomes = new Map<string, StackOutcome>();
  /** Stacks whose apply changes their outputs (their downstream plans are stale). */
  const outputsChanged = new Set<string>();
  // terraform init of pg backends creates the schema and a shared sequence: two at once can collide.
  const initSlots = new Slots(1);
  let approvals: Promise<unknown> = Promise.resolve();

  const outcome = (stack: StackInfo): StackOutcome => {
    let o = outcomes.get(stack.name);
    if (!o) {
      o = {
        name: stack.name,
        result: 'unchanged',
        changes: NO_CHANGES,
        planned: [],
        plans: 0,
        initSeconds: 0,
        planSeconds: 0,
        applySeconds: 0,
        applyStartMs: 0,
        applyEndMs: 0,
        recovered: [],
        waitedForLock: false,
        stalePlans: 0,
        errors: [],
      };
      outcomes.set(stack.name, o);
    }
    return o;
  };
  const fail = (stack: StackInfo, phase: string, result: Pick<TerraformResult, 'diagnostics' | 'text'>): void => {
    const lines = explain(stack, phase, result.diagnostics, result.text, options.outdir);
    const o = outcome(stack);
    o.result = 'failed';
    o.errors.push(...lines);
    lines.forEach((l) => log(l));
  };

  /** `terraform init` when needed; the failed result (with a hint) when it fails, else undefined. */
  async function initialised(stack: StackInfo): Promise<TerraformResult | undefined> {
    const o = outcome(stack);
    const initialise = () => initIfNeeded(stack.dir, envOf(stack), options.migrateState ?? false);
    const init = stack.backend.type === 'pg' ? await initSlots.run(initialise) : await initialise();
    if (!init) return undefined;
    o.initSeconds += init.seconds;
    if (init.code === 0) return undefined;
    const hint = /Backend configuration changed/.test(init.text)
      ? '\n(the backend changed: deploy again with --migrate-state to copy the state to the new one)'
      : '';
    return { ...init, text: init.text + hint };
  }

  /** The plan saved in `applyPlans` for this stack (`terraform show -json` of it), or an empty plan when there is none. */
  async function savedPlan(stack: StackInfo): Promise<Plan> {
    const file = path.join(options.applyPlans!, `${stack.name}.tfplan`);
    if (!fs.existsSync(file)) {
      log(`${stack.name}: no saved plan in ${options.applyPlans}: nothing was planned to change`);
      return { ...failedPlan(EMPTY_RESULT), ok: true };
    }
    return slots.run(async () => {
      const failed = await initialised(stack);
      if (failed) return failedPlan(failed);
      fs.copyFileSync(file, path.join(stack.dir, PLAN_FILE));
      const shown = await terraform(stack.dir, ['show', '-json', PLAN_FILE], envOf(stack));
      const json = shown.messages[0] as unknown as { resource_changes?: { address: string; change: { actions: string[] } }[] } | undefined;
      if (shown.code !== 0 || !json) return failedPlan(shown);
      const plannedChanges = (json.resource_changes ?? [])
        .map((rc) => ({ address: rc.address, action: actionOf(rc.change.actions) }))
        .filter((c) => c.action !== 'noop' && c.action !== 'read');
      const count = (action: string) => plannedChanges.filter((c) => c.action === action).length;
      const changes = { add: count('create') + count('replace'), change: count('update'), remove: count('delete') + count('replace') };
      return {
        ok: true,
        changes,
        hasChanges: plannedChanges.length > 0,
        outputsChange: true,
        plannedChanges,
        result: shown,
      };
    });
  }

  async function plan(stack: StackInfo): Promise<Plan> {
    const o = outcome(stack);
    return slots.run(async () => {
      const failed = await initialised(stack);
      if (failed) return failedPlan(failed);
      const restored = await restoreExports(stack.dir, envOf(stack));
      if (restored.length) log(`${stack.name}: ${restored.join(', ')}: missing (a fresh clone), written back from the state`);
      // -lock=false: a plan writes nothing; the saved plan is applied under the lock, and
      // Terraform refuses it if another run changed the state in between.
      const args = ['plan', '-input=false', '-lock=false', '-json', '-detailed-exitcode', `-out=${PLAN_FILE}`];
      // Over ssh, each Docker API call in flight opens an ssh connection and starts `docker system
      // dial-stdio` on the host: 3 at once refresh as fast as 10 (the network read waits 2 s anyway)
      // with a third of the connections (measured: 24 -> 9 on a CC reporting server).
      if (stack.docker.url.startsWith('ssh://')) args.push(`-parallelism=${SSH_REFRESH_PARALLELISM}`);
      if (o.result !== 'applied') args.push(...(options.replace?.[stack.name] ?? []).map((address) => `-replace=${address}`));
      const result = await terraform(stack.dir, args, envOf(stack));
      o.plans++;
      o.planSeconds += result.seconds;
      const changeSummary = result.messages.find((m) => m.type === 'change_summary')?.changes;
      const outputs = result.messages.find((m) => m.type === 'outputs')?.outputs ?? {};
      const changes = changeSummary ? { add: changeSummary.add, change: changeSummary.change, remove: changeSummary.remove } : NO_CHANGES;
      return {
        ok: result.code === 0 || result.code === 2,
        changes,
        hasChanges: result.code === 2,
        outputsChange: Object.values(outputs).some((out) => out.action && out.action !== 'noop'),
        plannedChanges: result.messages
          .filter((m) => m.type === 'planned_change' && m.change)
          .map((m) => ({ address: m.change!.resource.addr, action: m.change!.action })),
        result,
      };
    });
  }

  async function apply(stack: StackInfo, creates: readonly string[]): Promise<TerraformResult> {
    const o = outcome(stack);
    return slots.run(async () => {
      const journal = new ApplyJournal(stack.dir);
      // Written before Terraform starts: a kill at any moment leaves the trace of what it was creating.
      journal.starting(creates);
      const progress = (m: TerraformMessage) => {
        journal.record(m);
        if (m.hook && m.type === 'apply_complete')
          log(`${stack.name}:   ${m.hook.resource.addr}: ${m.hook.action} complete after ${m.hook.elapsed_seconds} s`);
        if (m.hook && m.type === 'apply_errored')
          log(`${stack.name}:   ${m.hook.resource.addr}: ${m.hook.action} failed after ${m.hook.elapsed_seconds} s`);
      };
      const run = (timeout: string) =>
        terraform(stack.dir, ['apply', '-input=false', '-json', `-lock-timeout=${timeout}`, PLAN_FILE], envOf(stack), progress);
      const t = Date.now();
      log(`${stack.name}: applying`);
      if (!o.applyStartMs) o.applyStartMs = t - t0;
      let result = await run('0s');
      if (result.code !== 0 && isLockError(result.diagnostics) && !/^0+(ms|s|m|h)$/.test(lockTimeout)) {
        o.waitedForLock = true;
        // pg: every lock also takes, for an instant, a database-wide lock that a stack's first state holds while it is created.
        const creation = result.diagnostics.some((d) => /already locked for workspace creation/.test(d.detail));
        log(
          creation
            ? `${stack.name}: the pg backend's database-wide creation lock is taken (another stack locking at the same instant, or creating its first state): waiting up to ${lockTimeout}`
            : `${stack.name}: the state (${stack.backend.type}, ${stack.backend.location}) is locked by another run: waiting up to ${lockTimeout}`,
        );
        result = await run(lockTimeout);
      }
      o.applySeconds += (Date.now() - t) / 1000;
      o.applyEndMs = Date.now() - t0;
      // Terraform exited on its own (not killed): it has saved the state.
      if (result.code < 128) journal.finished(result.code === 0);
      return result;
    });
  }

  /**
   * Imports what an interrupted apply of this stack left behind on the host (known from its
   * journal), so that the apply replaces it; false when something else is in the way.
   */
  async function recover(stack: StackInfo, leftovers: readonly Leftover[]): Promise<boolean> {
    const o = outcome(stack);
    const journal = new ApplyJournal(stack.dir);
    for (const leftover of leftovers) {
      if (!journal.owns(leftover.address, leftover.id, leftover.kind)) {
        const why =
          `${stack.name}: a ${leftover.kind} named ${leftover.name} already exists on the ${hostLabel(stack)}, and no deploy from this machine ` +
          `made it (${journal.path} has no trace of it). If it is a leftover of a deploy interrupted elsewhere ` +
          `(docker inspect -f '{{json .Config.Labels}}' ${leftover.name} shows org.xivo.environment=${stack.environment}, org.xivo.server=${stack.server}), ` +
          `remove it (docker rm -f ${leftover.name}) and deploy again; otherwise it is someone else's: stop and remove or rename it ` +
          `(a taken-over installation: runbooks/${stack.environment}/takeover.md)`;
        o.result = 'failed';
        o.errors.push(why);
        log(why);
        return false;
      }
      log(
        `${stack.name}: ${leftover.kind} ${leftover.name} was created by an interrupted deploy but is not in the state: importing it, the apply replaces it`,
      );
      const imported = await slots.run(() =>
        terraform(stack.dir, ['import', '-input=false', '-no-color', `-lock-timeout=${lockTimeout}`, leftover.address, leftover.id], envOf(stack)),
      );
      if (imported.code !== 0) {
        // Gone in the meantime: nothing left to adopt, the apply creates it.
        if (/non-existent remote object|Cannot import non-existent/i.test(imported.text)) continue;
        fail(stack, `import of ${leftover.address}`, imported);
        return false;
      }
      o.recovered.push(`${leftover.address} (${leftover.kind} ${leftover.name})`);
    }
    return true;
  }

  /** `<savePlans>/<stack>.tfplan` (when it has changes) and its impact, JSON and Markdown. */
  function savePlan(stack: StackInfo, current: Plan): void {
    const dir = options.savePlans!;
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, stack.name);
    fs.rmSync(`${base}.tfplan`, { force: true });
    if (current.hasChanges) fs.copyFileSync(path.join(stack.dir, PLAN_FILE), `${base}.tfplan`);
    const impact = planImpact(stack.name, stack.dir, current.plannedChanges);
    fs.writeFileSync(`${base}.impact.json`, `${JSON.stringify(impact, null, 2)}\n`);
    fs.writeFileSync(`${base}.impact.md`, renderPlanImpact(impact));
  }

  /** Why a saved plan may not be applied: its impact is higher than the gate it was approved for. */
  function refusedImpact(stack: StackInfo, current: Plan): string | undefined {
    const impact = planImpact(stack.name, stack.dir, current.plannedChanges);
    const allowed = options.maxImpact ?? EXIT_DATA_LOSS;
    if (impact.exitCode <= allowed) return undefined;
    const what =
      impact.exitCode === EXIT_DATA_LOSS ? `deletes data volumes (${impact.dataAtRisk.join(', ')})` : `restarts ${impact.restarts.join(', ')}`;
    return `${stack.name}: refused: the saved plan ${what} (impact ${impact.exitCode}), more than this job's gate allows (${allowed}): run the gated job of this stack`;
  }

  async function deployStack(stack: StackInfo, firstPlan: Promise<Plan>, upstream: readonly Promise<StackOutcome>[]): Promise<StackOutcome> {
    const o = outcome(stack);
    const ups = await Promise.all(upstream);
    let current = await firstPlan;
    const broken = ups.filter((u) => ['failed', 'skipped', 'declined'].includes(u.result));
    if (broken.length) {
      o.result = 'skipped';
      const why = `${stack.name}: skipped: it depends on ${broken.map((u) => `${u.name} (${u.result})`).join(', ')}`;
      o.errors.push(why);
      log(why);
      return o;
    }
    const upstreamApplied = ups.filter((u) => u.result === 'applied');
    // The first plan read the upstream's state before it was applied: plan again when that state's
    // outputs changed, or when the plan failed (an upstream deployed for the first time).
    // (A saved plan was reviewed as it is: never planned again here.)
    if (!options.applyPlans && upstreamApplied.length && (!current.ok || upstreamApplied.some((u) => outputsChanged.has(u.name)))) {
      current = await plan(stack);
    }
    let replanned = false;
    for (let round = 1; ; round++) {
      if (!current.ok) {
        fail(stack, 'plan', current.result);
        return o;
      }
      o.changes = current.changes;
      o.planned = plannedLines(current);
      if (options.planOnly && options.savePlans) savePlan(stack, current);
      if (!current.hasChanges) {
        log(`${stack.name}: no changes (planned in ${current.result.seconds.toFixed(1)} s)`);
        if (replanned) log(`${stack.name}: another run applied the saved plan's changes already`);
        if (o.result !== 'applied') o.result = 'unchanged';
        return o;
      }
      log(`${stack.name}: ${summary(current.changes)} (planned in ${current.result.seconds.toFixed(1)} s)`);
      o.planned.forEach((p) => log(`${stack.name}:   ${p}`));
      if (options.planOnly) {
        o.result = 'planned';
        return o;
      }
      if (options.applyPlans) {
        const refused = replanned
          ? `${stack.name}: another run changed the state since the saved plan, and planning again finds changes that nobody reviewed: run the pipeline again (a new plan)`
          : refusedImpact(stack, current);
        if (refused) {
          o.result = 'failed';
          o.errors.push(refused);
          log(refused);
          return o;
        }
      }
      if (options.approve) {
        const asked = approvals.then(() => options.approve!(stack, path.join(stack.dir, PLAN_FILE)));
        approvals = asked.catch(() => undefined);
        if (!(await asked)) {
          o.result = 'declined';
          log(`${stack.name}: not applied (declined)`);
          return o;
        }
      }
      if (options.beforeApply && !(await options.beforeApply(stack, plannedLines(current)))) {
        fail(stack, 'apply', { diagnostics: [], text: 'not applied: the step before the apply failed (see above)' });
        return o;
      }
      if (current.outputsChange) outputsChanged.add(stack.name);
      const result = await apply(stack, createsOf(current));
      if (result.code === 0) {
        const done = result.messages.find((m) => m.type === 'change_summary')?.changes ?? current.changes;
        o.result = 'applied';
        log(`${stack.name}: applied in ${o.applySeconds.toFixed(1)} s: ${done.add} added, ${done.change} changed, ${done.remove} destroyed`);
        return o;
      }
      if (round >= MAX_ROUNDS) {
        fail(stack, 'apply', result);
        return o;
      }
      if (isStalePlan(result.diagnostics)) {
        o.stalePlans++;
        log(`${stack.name}: another run changed the state since this plan: planning again`);
        replanned = options.applyPlans !== undefined;
      } else {
        const leftovers = leftoversOf(result.diagnostics);
        if (!leftovers.length) {
          fail(stack, 'apply', result);
          return o;
        }
        if (!(await recover(stack, leftovers))) return o;
      }
      current = await plan(stack);
    }
  }

  const ordered = deployOrder(options.stacks);
  const firstPlans = new Map(ordered.map((s) => [s.name, options.applyPlans ? savedPlan(s) : plan(s)] as const));
  const done = new Map<string, Promise<StackOutcome>>();
  for (const stack of ordered) {
    const upstream = stack.dependencies.filter((d) => selected.has(d)).map((d) => done.get(d)!);
    done.set(stack.name, deployStack(stack, firstPlans.get(stack.name)!, upstream));
  }
  const results = await Promise.all(ordered.map((s) => done.get(s.name)!));
  for (const stack of options.stacks) fs.rmSync(path.join(stack.dir, PLAN_FILE), { force: true });
  const counts = ['applied', 'unchanged', 'planned', 'failed', 'skipped', 'declined']
    .map((r) => [r, results.filter((o) => o.result === r).length] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${n} ${r}`);
  const seconds = (Date.now() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  log(`deploy: ${plural(results.length, 'stack')} in ${seconds.toFixed(1)} s (CPU ${cpu.toFixed(1)} s): ${counts.join(', ')}`);
  return { stacks: results, seconds, cpuSeconds: cpu };
}
