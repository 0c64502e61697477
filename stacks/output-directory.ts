/**
 * The synth output directory (`CDKTF_OUTDIR`, default `cdktf.out`): what synth may replace, and
 * how it replaces it.
 *
 * Synth deletes the previous output, so it must never be pointed at something else: it replaces
 * only a directory carrying OUTPUT_MARKER (written into every output), an empty directory, or an
 * output of an earlier version of synth (nothing but LEGACY_ENTRIES, `manifest.json` among them).
 * It refuses the working directory, its ancestors, and any directory holding an environment file.
 * The swap is atomic: the new output is complete in a sibling directory, the old one is renamed
 * aside, the new one into place, and only then is the old one deleted; a kill at any moment leaves
 * a whole output, never a half-deleted one: the old or the new at the final path, or, killed in the
 * instant between the two renames, the old one whole in `<outdir>.old-*` and the new one whole in
 * `<outdir>.partial-*`.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** File that marks a directory as written by synth. */
export const OUTPUT_MARKER = '.xivo-cdktf-output';
const MARKER_TEXT = 'Written by xivo-cdktf synth: this whole directory is replaced by the next synth.\n';

/** What synth of earlier versions wrote (no marker yet): such a directory is replaced too. */
const LEGACY_ENTRIES: ReadonlySet<string> = new Set(['manifest.json', 'stacks', 'runbooks', 'cdktf.json']);

export class OutputDirectoryError extends Error {}

const realOrResolved = (p: string) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};
const isWithin = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

/**
 * Why synth must not replace `outdir`, or undefined when it may.
 * @param environmentFiles the environment files of this synth
 */
export function outputDirectoryProblem(outdir: string, environmentFiles: readonly string[], cwd = process.cwd()): string | undefined {
  const dir = realOrResolved(outdir);
  const here = realOrResolved(cwd);
  if (isWithin(here, dir)) return dir === here ? 'it is the working directory' : 'it contains the working directory';
  const envFile = environmentFiles.map(realOrResolved).find((f) => isWithin(f, dir));
  if (envFile) return `it holds the environment file ${envFile}`;
  if (!fs.existsSync(dir)) return undefined;
  if (!fs.lstatSync(outdir).isDirectory()) return 'it is not a directory';
  const entries = fs.readdirSync(dir);
  if (entries.length === 0 || entries.includes(OUTPUT_MARKER)) return undefined;
  if (entries.includes('manifest.json') && entries.every((e) => LEGACY_ENTRIES.has(e))) return undefined;
  return `it exists and was not written by synth (no ${OUTPUT_MARKER} file in it)`;
}

/** Throws OutputDirectoryError when synth must not replace `outdir`. */
export function checkOutputDirectory(outdir: string, environmentFiles: readonly string[], cwd = process.cwd()): void {
  const problem = outputDirectoryProblem(outdir, environmentFiles, cwd);
  if (problem) {
    throw new OutputDirectoryError(
      `output directory ${path.resolve(outdir)} (CDKTF_OUTDIR) refused: ${problem}. Synth replaces its output directory whole: ` +
        `point CDKTF_OUTDIR at a new directory, or at one written by synth (default cdktf.out); nothing was written`,
    );
  }
}

/** A new, empty sibling of `outdir` to synthesize into. */
export function stagingDirectory(outdir: string): string {
  const final = path.resolve(outdir);
  fs.mkdirSync(path.dirname(final), { recursive: true });
  return fs.mkdtempSync(`${final}.partial-`);
}

export interface ReplaceOptions {
  /**
   * Delete the previous output with a detached `rm -rf` instead of before returning: on a big
   * estate, deleting the old tree is most of the cost of a small change. `outdir` is complete
   * either way. @default false
   */
  readonly deleteOldInBackground?: boolean;
}

/**
 * Moves Terraform's working directory of each stack (`stacks/<stack>/.terraform`: the installed
 * providers and the initialised backend) from the old output into the new one, for the stacks
 * both have: a new synth does not cost a `terraform init` of every stack. Terraform itself
 * notices a backend or provider change and asks for init again (deploy/ does it).
 */
function keepTerraformWorkingDirectories(from: string, to: string): void {
  const stacks = path.join(from, 'stacks');
  if (!fs.existsSync(stacks)) return;
  for (const stack of fs.readdirSync(stacks)) {
    const working = path.join(stacks, stack, '.terraform');
    const target = path.join(to, 'stacks', stack);
    if (fs.existsSync(working) && fs.existsSync(target) && !fs.existsSync(path.join(target, '.terraform'))) {
      fs.renameSync(working, path.join(target, '.terraform'));
    }
  }
}

/** Marks `staged` as synth output, then swaps it in place of `outdir` (see the file comment). */
export function replaceOutputDirectory(staged: string, outdir: string, options: ReplaceOptions = {}): void {
  const final = path.resolve(outdir);
  fs.writeFileSync(path.join(staged, OUTPUT_MARKER), MARKER_TEXT);
  if (!fs.existsSync(final)) {
    fs.renameSync(staged, final);
    return;
  }
  keepTerraformWorkingDirectories(final, staged);
  const aside = fs.mkdtempSync(`${final}.old-`);
  const old = path.join(aside, 'output');
  fs.renameSync(final, old);
  try {
    fs.renameSync(staged, final);
  } catch (e) {
    fs.renameSync(old, final);
    fs.rmSync(aside, { recursive: true, force: true });
    throw e;
  }
  if (options.deleteOldInBackground) {
    try {
      spawn('rm', ['-rf', aside], { stdio: 'ignore', detached: true }).unref();
      return;
    } catch {
      /* no rm: delete it here */
    }
  }
  fs.rmSync(aside, { recursive: true, force: true });
}
