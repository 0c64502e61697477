/**
 * `npm run impact [-- --base <git ref>] [--json]`: what deploying the working tree would
 * restart, compared with a base (default: the merge base with origin/main, else HEAD~1).
 * Prints Markdown (or JSON) on stdout and exits 0 (no maintenance window), 2 (containers
 * restart) or 3 (a data volume would be destroyed); 1 when a synth fails.
 */
import { DEFAULT_ENV_FILES, expandEnvFiles } from '../config/env-files';
import { buildImpactReport } from './impact-report';
import { InputNotCompared, placeStandIns } from './inputs';
import { renderMarkdown } from './markdown';
import { defaultBase, synthesizeRef, synthesizeTree } from './synth-at-ref';

export interface ImpactOptions {
  /** Repository root (the working tree compared). */
  readonly root: string;
  /** @default the merge base with origin/main, else HEAD~1 */
  readonly base?: string;
}

export function runImpact(options: ImpactOptions) {
  const base = options.base ?? defaultBase(options.root);
  const patterns = process.env.XIVO_ENV_FILES || DEFAULT_ENV_FILES;
  const notCompared: InputNotCompared[] = [];
  const before = synthesizeRef(options.root, base, {
    envFiles: patterns,
    prepare: (tree) => notCompared.push(...placeStandIns(options.root, tree, patterns, base)),
  });
  const after = synthesizeTree(options.root, 'the working tree');
  const added = expandEnvFiles(patterns, options.root).files.filter((f) => !before.environmentFiles.includes(f));
  return buildImpactReport(before.stacks, after, `${base} → working tree`, { notCompared, addedFiles: added });
}

/** A command line the command cannot run with. */
class UsageError extends Error {}

function argument(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  try {
    const report = runImpact({ root: process.cwd(), base: argument(args, '--base') });
    process.stdout.write(args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report));
    process.exitCode = report.exitCode;
  } catch (e) {
    console.error(`impact: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
