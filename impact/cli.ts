/**
 * `npm run impact [-- --base <git ref>] [--json]`: what deploying the working tree would
 * restart, compared with a base (default: the merge base with origin/main, else HEAD~1).
 * Prints Markdown (or JSON) on stdout and exits 0 (no maintenance window), 2 (containers
 * restart) or 3 (a data volume would be destroyed); 1 when a synth fails.
 */
import { buildImpactReport } from './impact-report';
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
  const before = synthesizeRef(options.root, base);
  const after = synthesizeTree(options.root, 'the working tree');
  return buildImpactReport(before, after, `${base} → working tree`);
}

function argument(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value`);
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
