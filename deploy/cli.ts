/**
 * `npm run deploy -- --env prod [--auto-approve]`: synthesizes everything again (never from the
 * synth cache), plans every selected stack at once with a full refresh, and applies only the stacks
 * with changes, in dependency order (deploy.ts). The successor of `npx cdktf deploy 'prod-*'`.
 *
 *   --env NAME          every stack of an environment (repeatable); or stack names / 'prod-*' patterns
 *   --auto-approve      apply without asking (CI); otherwise each stack's plan is shown and confirmed
 *   --plan              plan only: exit 0 when nothing would change, 2 when something would
 *   --save-plans DIR    with --plan: keep each plan as DIR/<stack>.tfplan, its impact as DIR/<stack>.impact.{json,md}
 *   --apply-plans DIR   apply the plans saved in DIR (no new plan; a stack without one has nothing to do)
 *   --max-impact N      with --apply-plans: refuse a plan that restarts containers (N < 2) or deletes a data volume (N < 3)
 *   --force             accepted for scripts written before deploys always synthesized everything again
 *                       (never from .synth-cache/): every deploy does now
 *   --lock-timeout DUR  how long to wait for a state locked by another run (Terraform duration, 5m)
 *   --concurrency N     Terraform runs at once (default: 2 per CPU, at least 4)
 *   --migrate-state     the environment's backend changed: copy each state to the new one
 *   --output DIR        the synth output (default CDKTF_OUTDIR or cdktf.out)
 *   --report FILE       timings and results as JSON
 *   --no-backup         apply a plan that replaces a data-holding container without backing its server up first
 *
 * Exit code: 0 done, 1 a stack failed, was skipped or declined (or bad arguments), 2 (--plan) changes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as readline from 'readline';
import { parseArgs } from 'util';
import { backupBeforeDataChange } from '../backup/before-deploy';
import { ConfigError } from '../config/errors';
import { cachedSynth } from '../synth/synth-cache';
import { deploy, DeployResult } from './deploy';
import { stackEnvironment, StateEncryptionError } from './state-encryption';
import { readStacks, selectStacks, StackInfo } from './stack-info';
import { signalAll, terraform } from './terraform';

const USAGE =
  'usage: npm run deploy -- (--env NAME | STACK-PATTERN)... [--auto-approve | --plan [--save-plans DIR] | --apply-plans DIR [--max-impact 0|2|3]] ' +
  '[--force] [--lock-timeout 5m] [--concurrency N] [--migrate-state] [--no-backup] [--output DIR] [--report FILE]';

async function confirm(stack: StackInfo, planFile: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const shown = await terraform(stack.dir, ['show', '-no-color', planFile], env);
  process.stdout.write(`\n=== ${stack.name} ===\n${shown.text}\n`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => rl.question(`Apply these changes to ${stack.name}? Only "yes" applies: `, resolve));
  rl.close();
  return answer.trim() === 'yes';
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      env: { type: 'string', multiple: true, default: [] },
      'auto-approve': { type: 'boolean', default: false },
      plan: { type: 'boolean', default: false },
      'save-plans': { type: 'string' },
      'apply-plans': { type: 'string' },
      'max-impact': { type: 'string', default: '3' },
      force: { type: 'boolean', default: false },
      'lock-timeout': { type: 'string', default: '5m' },
      concurrency: { type: 'string', default: String(Math.max(4, os.cpus().length * 2)) },
      'migrate-state': { type: 'boolean', default: false },
      output: { type: 'string', default: process.env.CDKTF_OUTDIR || 'cdktf.out' },
      report: { type: 'string' },
      'no-backup': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.env!.length && !positionals.length) throw new UsageError(`name what to deploy\n${USAGE}`);
  if (!/^\d+(ms|s|m|h)$/.test(values['lock-timeout']!))
    throw new UsageError(`--lock-timeout: a duration such as 30s or 5m, not "${values['lock-timeout']}"`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency: a positive integer, not "${values.concurrency}"`);
  if (values['save-plans'] && !values.plan) throw new UsageError('--save-plans goes with --plan');
  if (values['apply-plans'] && values.plan) throw new UsageError('--apply-plans applies saved plans: not with --plan');
  if (!['0', '2', '3'].includes(values['max-impact']!))
    throw new UsageError(`--max-impact: 0, 2 or 3 (npm run impact's exit codes), not "${values['max-impact']}"`);
  const interactive = !values['auto-approve'] && !values.plan && !values['apply-plans'];
  if (interactive && !process.stdin.isTTY) throw new UsageError('no terminal to confirm the plans: pass --auto-approve (or --plan to only plan)');

  const outdir = values.output!;
  const s0 = Date.now();
  // A deploy synthesizes everything again (--force): what it applies comes from the files, never from a cache.
  cachedSynth({ outdir, force: true, onWarning: (w) => console.warn(`warning: ${w}`) });
  const synthSeconds = (Date.now() - s0) / 1000;
  const stacks = selectStacks(readStacks(outdir), positionals, values.env!);
  console.log(
    `deploy: synthesized in ${synthSeconds.toFixed(1)} s; ${stacks.length} stack${stacks.length === 1 ? '' : 's'}: ${stacks.map((s) => s.name).join(', ')}`,
  );

  // Plans and Terraform's working files hold secrets: readable by this user only.
  process.umask(0o077);
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) return;
    interrupted = true;
    console.error('deploy: interrupted: Terraform finishes the operations under way and saves the state; deploy again to converge');
    signalAll('SIGINT');
  });
  process.on('SIGTERM', () => signalAll('SIGTERM'));

  const env = process.env;
  const result: DeployResult = await deploy({
    outdir,
    stacks,
    env,
    planOnly: values.plan,
    savePlans: values['save-plans'],
    applyPlans: values['apply-plans'],
    maxImpact: Number(values['max-impact']),
    lockTimeout: values['lock-timeout'],
    concurrency,
    migrateState: values['migrate-state'],
    approve: interactive ? (stack, planFile) => confirm(stack, planFile, stackEnvironment(stack, env)) : undefined,
    log: (line) => console.log(line),
    beforeApply: values['no-backup'] ? undefined : backupBeforeDataChange({ log: (line) => console.log(`backup: ${line}`) }),
  });
  if (values.report) {
    const report = { synthSeconds, deploySeconds: result.seconds, seconds: process.uptime(), cpuSeconds: result.cpuSeconds, stacks: result.stacks };
    fs.writeFileSync(values.report, `${JSON.stringify(report, null, 2)}\n`);
  }
  const bad = result.stacks.filter((s) => ['failed', 'skipped', 'declined'].includes(s.result));
  if (bad.length) return 1;
  return values.plan && result.stacks.some((s) => s.result === 'planned') ? 2 : 0;
}

class UsageError extends Error {}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(
        e instanceof UsageError || e instanceof ConfigError || e instanceof StateEncryptionError ? e.message : `deploy failed: ${e.message}`,
      );
      process.exit(1);
    },
  );
}
