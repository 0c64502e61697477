/**
 * Synthesizes a checkout and reads its stacks: the working tree as it is, or a git ref in a
 * temporary worktree (sharing the working tree's node_modules) that is removed afterwards.
 * Each tree runs its own `npm run synth`, so a base commit is synthesized by its own code, in a
 * scrubbed environment (SYNTH_ENVIRONMENT): the code of a compared tree reads no CI variable.
 *
 * Both sides read the same XIVO_ENV_FILES. At the base, only the environment files that exist
 * there are synthesized: an environment added by the change is absent at the base, which is
 * then compared as having none of its stacks (everything created), never a failed synth.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_ENV_FILES, expandEnvFiles } from '../config/env-files';
import { StackJson } from './changes';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The merge base with origin/main, else HEAD~1. */
export function defaultBase(root: string): string {
  try {
    return git(root, 'merge-base', 'HEAD', 'origin/main');
  } catch {
    return 'HEAD~1';
  }
}

/** A synth of one of the compared trees failed: its output says why. */
export class SynthFailed extends Error {}

/**
 * The only variables a compared tree's synth sees: what npm and synth need. The trees are
 * unreviewed code (a merge request's `scripts/build.js`, its `synth/`): a CI variable, a token or a
 * deploy credential in the caller's environment never reaches them.
 */
export const SYNTH_ENVIRONMENT: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'XDG_CACHE_HOME',
  'XIVO_ENV_FILES',
  'XIVO_SECRETS_DIRS',
  'XIVO_TOKEN_STACK_TRACES',
];

/** The caller's environment reduced to SYNTH_ENVIRONMENT. */
export function scrubbedEnvironment(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(SYNTH_ENVIRONMENT.flatMap((name) => (from[name] === undefined ? [] : [[name, from[name]!]])));
}

/** Runs the tree's synth (`npm run synth`) in a scrubbed environment and returns its stacks by name. Throws with the synth's output on failure. */
export function synthesizeTree(dir: string, label: string, env: Readonly<Record<string, string>> = {}): Map<string, StackJson> {
  const result = spawnSync('npm', ['run', '--silent', 'synth'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...scrubbedEnvironment(), CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: 'cdktf.out', ...env },
  });
  if (result.status !== 0) throw new SynthFailed(`synth of ${label} failed:\n${result.stdout}${result.stderr}`);
  return readStacks(path.join(dir, 'cdktf.out'));
}

export function readStacks(outdir: string): Map<string, StackJson> {
  const stacksDir = path.join(outdir, 'stacks');
  const stacks = new Map<string, StackJson>();
  if (!fs.existsSync(stacksDir)) return stacks;
  for (const name of fs.readdirSync(stacksDir).sort()) {
    const file = path.join(stacksDir, name, 'cdk.tf.json');
    if (fs.existsSync(file)) stacks.set(name, JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  return stacks;
}

export interface RefSynthOptions {
  /** XIVO_ENV_FILES of the comparison, as the working tree reads it. @default XIVO_ENV_FILES, else the default */
  readonly envFiles?: string;
  /** Runs in the base worktree before its synth (stand-ins for files git does not hold: impact/inputs.ts). */
  readonly prepare?: (tree: string) => void;
}

export interface RefSynth {
  readonly stacks: Map<string, StackJson>;
  /** The environment files the base holds, relative to its root (those the patterns select). */
  readonly environmentFiles: readonly string[];
}

/** Synthesizes `ref` of the repository at `root` in a temporary worktree. */
export function synthesizeRef(root: string, ref: string, options: RefSynthOptions = {}): RefSynth {
  const commit = git(root, 'rev-parse', '--verify', `${ref}^{commit}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-impact-'));
  const tree = path.join(tmp, 'base');
  git(root, 'worktree', 'add', '--detach', '--quiet', tree, commit);
  try {
    const modules = path.join(tree, 'node_modules');
    if (!fs.existsSync(modules)) fs.symlinkSync(path.join(root, 'node_modules'), modules, 'dir');
    options.prepare?.(tree);
    const environmentFiles = expandEnvFiles(options.envFiles ?? (process.env.XIVO_ENV_FILES || DEFAULT_ENV_FILES), tree).files;
    // No environment at the base: nothing deployed, every stack of the working tree is new.
    if (environmentFiles.length === 0) return { stacks: new Map(), environmentFiles };
    return { stacks: synthesizeTree(tree, ref, { XIVO_ENV_FILES: environmentFiles.join(',') }), environmentFiles };
  } finally {
    git(root, 'worktree', 'remove', '--force', tree);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
