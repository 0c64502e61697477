/**
 * Terraform, run the way deploy needs it: machine-readable (`-json`: one message per line), with
 * no prompt, every child tracked so an interrupt reaches them all.
 */
import { spawn, ChildProcess } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The terraform program could not be started (not installed, not on PATH). */
export class TerraformNotStarted extends Error {}

/** A diagnostic of Terraform's JSON UI (`{"type":"diagnostic","diagnostic":{…}}`). */
export interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
  /** Resource address the diagnostic is about, when Terraform knows it. */
  readonly address?: string;
}

/** One line of Terraform's machine-readable UI (`-json`): the fields deploy reads. */
export interface TerraformMessage {
  readonly type: string;
  readonly diagnostic?: { readonly severity: string; readonly summary: string; readonly detail?: string; readonly address?: string };
  /** change_summary */
  readonly changes?: { readonly add: number; readonly change: number; readonly remove: number };
  /** outputs: the action of each output (plan) */
  readonly outputs?: Record<string, { readonly action?: string }>;
  /** planned_change, resource_drift */
  readonly change?: { readonly resource: { readonly addr: string }; readonly action: string };
  /** apply_start, apply_complete, apply_errored */
  readonly hook?: {
    readonly resource: { readonly addr: string };
    readonly action: string;
    readonly id_value?: string;
    readonly elapsed_seconds?: number;
  };
}

export interface TerraformResult {
  readonly code: number;
  /** Every JSON message, in order. */
  readonly messages: TerraformMessage[];
  readonly diagnostics: Diagnostic[];
  /** stderr and any non-JSON stdout (init, import and state commands print text). */
  readonly text: string;
  readonly seconds: number;
}

const running = new Set<ChildProcess>();

/** Sends `signal` to every Terraform still running (an interrupted deploy lets them stop cleanly). */
export function signalAll(signal: NodeJS.Signals): void {
  for (const child of running) child.kill(signal);
}

/** The umask Terraform runs with under deploy: files 0600, directories 0700. */
export const SECRET_UMASK = 0o077;

/** Runs `terraform args` in `cwd`; resolves with its exit code and output, never rejects on a non-zero exit. */
export function terraform(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onMessage?: (message: TerraformMessage) => void,
): Promise<TerraformResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    // Terraform writes secrets: saved plans (the token, keys), local state and its backup. Under
    // umask 077 each file it creates is 0600 and each directory 0700 (the child takes the umask it is spawned with).
    const umask = process.umask(SECRET_UMASK);
    const child = (() => {
      try {
        return spawn(terraformBinary(env), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      } finally {
        process.umask(umask);
      }
    })();
    running.add(child);
    const messages: TerraformMessage[] = [];
    let text = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) {
          text += `${line}\n`;
          continue;
        }
        try {
          const message = JSON.parse(line) as TerraformMessage;
          messages.push(message);
          onMessage?.(message);
        } catch {
          text += `${line}\n`;
        }
      }
    });
    child.stderr.on('data', (chunk: string) => (text += chunk));
    child.on('error', (e) => {
      running.delete(child);
      reject(new TerraformNotStarted(`terraform could not be started (${(e as Error).message}): install Terraform >= 1.5 and put it on PATH`));
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      if (pending) text += pending;
      const diagnostics = messages.filter((m) => m.diagnostic).map((m) => ({ ...m.diagnostic!, detail: m.diagnostic!.detail ?? '' }));
      resolve({ code: code ?? (signal ? 128 : 1), messages, diagnostics, text, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

/**
 * OpenTofu reads `kreuzwerker/docker` as `registry.opentofu.org/kreuzwerker/docker`: a lock file of
 * `registry.terraform.io/...` entries (what synth writes, for Terraform) would be ignored at its
 * first init, which then locks whatever the mirror holds, and refused at every later run ("Required
 * plugins are not installed"). For OpenTofu the same entries (the same binaries, the same h1 hashes)
 * are addressed to its registry, so the lock is enforced by either engine.
 */
export function lockForEngine(dir: string, env: NodeJS.ProcessEnv): void {
  if (!path.basename(terraformBinary(env)).startsWith('tofu')) return;
  const lock = path.join(dir, '.terraform.lock.hcl');
  if (!fs.existsSync(lock)) return;
  const text = fs.readFileSync(lock, 'utf8');
  const forTofu = text.replace(/^provider "registry\.terraform\.io\//gm, 'provider "registry.opentofu.org/');
  if (forTofu !== text) fs.writeFileSync(lock, forTofu);
}

/** What `terraform init` depends on: if none of it changed, the stack's `.terraform` is current. */
function initFingerprint(dir: string, env: NodeJS.ProcessEnv): string {
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  const lock = path.join(dir, '.terraform.lock.hcl');
  const cli = process.env.TF_CLI_CONFIG_FILE ?? '';
  return createHash('sha256')
    .update(path.basename(terraformBinary(env)))
    .update('\0')
    .update(JSON.stringify(config.terraform ?? {}))
    .update('\0')
    .update(fs.existsSync(lock) ? fs.readFileSync(lock) : 'no lock')
    .update('\0')
    .update(cli)
    .update('\0')
    .update(cli && fs.existsSync(cli) ? fs.readFileSync(cli) : '')
    .digest('hex');
}

/** `env` as Terraform is run unattended (deploy, drift): no prompt, no version check unless the caller asked for one. */
export function automationEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: env.CHECKPOINT_DISABLE ?? '1' };
}

/** The Terraform binary deploy runs: `XIVO_TERRAFORM` (e.g. `tofu`), else `terraform`. */
export function terraformBinary(env: NodeJS.ProcessEnv): string {
  return env.XIVO_TERRAFORM ?? process.env.XIVO_TERRAFORM ?? 'terraform';
}

const FINGERPRINT_FILE = path.join('.terraform', 'xivo-deploy-init');

/**
 * `terraform init`, only when the stack's backend, required providers, lock file or CLI
 * configuration changed since the last one (synth keeps `.terraform` across outputs).
 * Returns undefined when nothing had to be done.
 */
export async function initIfNeeded(dir: string, env: NodeJS.ProcessEnv, migrateState: boolean): Promise<TerraformResult | undefined> {
  lockForEngine(dir, env);
  const fingerprint = initFingerprint(dir, env);
  const file = path.join(dir, FINGERPRINT_FILE);
  if (
    !migrateState &&
    fs.existsSync(path.join(dir, '.terraform', 'terraform.tfstate')) &&
    fs.existsSync(file) &&
    fs.readFileSync(file, 'utf8') === fingerprint
  )
    return undefined;
  const args = ['init', '-input=false', '-no-color'];
  if (migrateState) args.push('-migrate-state', '-force-copy');
  let result = await terraform(dir, args, env);
  for (let attempt = 1; attempt < INIT_ATTEMPTS && result.code !== 0 && CONCURRENT_PG_SETUP.test(result.text); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt + Math.floor(Math.random() * 200)));
    result = await terraform(dir, args, env);
  }
  if (result.code === 0) fs.writeFileSync(file, fingerprint);
  return result;
}

/**
 * The pg backend's first init creates `public.global_states_id_seq`, shared by every schema,
 * with `CREATE SEQUENCE IF NOT EXISTS`, which PostgreSQL does not serialize: two stacks
 * initialized at once on a new database (a pipeline's tier, deploy's parallel stacks) can fail
 * with a unique violation of a catalogue index. The other init created it: trying again succeeds.
 */
export const CONCURRENT_PG_SETUP = /duplicate key value violates unique constraint "pg_(class_relname_nsp|type_typname_nsp|namespace_nspname)_index"/;
/** Inits of a stack when the pg backend's set-up raced with another's (bounded: any other failure is not retried). */
const INIT_ATTEMPTS = 3;
