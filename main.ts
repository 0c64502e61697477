/**
 * Entry point: loads the environments selected by XIVO_ENV_FILES (default
 * environments/*.yaml), validates them, and synthesizes one stack per server.
 *
 * Bad input is reported all at once with file, line and key, and nothing is written.
 * Output is synthesized into a temporary directory and swapped into place only when
 * complete (stacks/output-directory.ts), so a failed synth never leaves a half-written
 * cdktf.out, and synth replaces only a directory it wrote itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AnnotationMetadataEntryType, App, TerraformStack } from './constructs/terraform-cdk';
import { formatIssue } from './config/errors';
import { DEFAULT_ENV_FILES, loadEnvironments, skippedEnvFiles } from './config/loader';
import { OUTDIR_CONTEXT } from './constructs/plan-time-file';
import { Runbook } from './constructs/runbook';
import { buildEnvironment, withKeyStacks } from './stacks/platform';
import { checkOutputDirectory, replaceOutputDirectory, stagingDirectory } from './stacks/output-directory';
import { writeStackLockFiles } from './stacks/provider-lock';
import { startEstateDocs } from './estate/estate-docs';
import { stubTokenStackTraces } from './synth/token-stack-traces';
import { failureMessage } from './synth/failure';
import { reportLines, shownBySynth, writtenLine } from './synth/report';
import { Environment } from './config/model';

export interface SynthesizeOptions {
  /**
   * Output directory that plan-time file paths and local state paths are computed from
   * (Terraform runs in `<it>/stacks/<stack>`). Tests that write elsewhere set it to
   * `cdktf.out` so that their output equals a real synth's. @default the output directory
   */
  readonly referenceOutdir?: string;
  /**
   * Receives each warning of the constructs (`construct path: message`), in tree order.
   * The cdktf CLI would print them from the manifest; our synth runs without it.
   * @default warnings are dropped
   */
  readonly onWarning?: (warning: string) => void;
  /**
   * Receives each note of the constructs (`construct path: message`): a fact that holds for every
   * environment it applies to (an inferred catalogue fact), not a risk in the file. @default dropped
   */
  readonly onNote?: (note: string) => void;
  /** Environments to synthesize (the synth cache gives them one by one). @default those of XIVO_ENV_FILES */
  readonly environments?: readonly Environment[];
}

export function synthesize(outdir = process.env.CDKTF_OUTDIR || 'cdktf.out', options: SynthesizeOptions = {}): string[] {
  const environments = options.environments ?? loadEnvironments();
  stubTokenStackTraces();
  const finalDir = path.resolve(outdir);
  checkOutputDirectory(
    finalDir,
    environments.map((e) => e.file),
  );
  const partialDir = stagingDirectory(finalDir);
  // Construct stack traces are never written to the output: skip collecting them.
  const app = new App({ outdir: partialDir, stackTraces: false, context: { [OUTDIR_CONTEXT]: path.resolve(options.referenceOutdir ?? finalDir) } });
  let stacks: TerraformStack[];
  try {
    // Each server's stack, followed by its key stack if it has one.
    stacks = environments.flatMap((env) => withKeyStacks(buildEnvironment(app, env)));
    // The topology renders run in the background while cdktf synthesizes.
    const docs = startEstateDocs(environments, partialDir);
    app.synth();
    // The provider lock: Terraform installs exactly the pinned binaries, with no `providers lock` run.
    writeStackLockFiles(
      partialDir,
      stacks.map((s) => s.node.id),
    );
    Runbook.writeAll(app, partialDir);
    docs.finish(options.onWarning);
    // The file's own warnings first, at their file, line and key; then the constructs'.
    if (options.onWarning)
      environments
        .flatMap((e) => e.warnings ?? [])
        .map(formatIssue)
        .forEach(options.onWarning);
    if (options.onWarning) annotationsOf(app, AnnotationMetadataEntryType.WARN).forEach(options.onWarning);
    if (options.onNote) annotationsOf(app, AnnotationMetadataEntryType.INFO).forEach(options.onNote);
    replaceOutputDirectory(partialDir, finalDir);
  } catch (e) {
    fs.rmSync(partialDir, { recursive: true, force: true });
    throw e;
  }
  return stacks.map((s) => s.node.id);
}

function annotationsOf(app: App, type: string): string[] {
  return app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => `${c.node.path}: ${m.data}`));
}

if (require.main === module) {
  try {
    const outdir = process.env.CDKTF_OUTDIR || 'cdktf.out';
    const environments = loadEnvironments();
    const warnings = skippedEnvFiles(process.env.XIVO_ENV_FILES || DEFAULT_ENV_FILES).map((s) => `${s.file}: ${s.message}`);
    const notes: string[] = [];
    const stacks = synthesize(outdir, { environments, onWarning: (w) => warnings.push(w), onNote: (n) => notes.push(n) });
    reportLines(shownBySynth(warnings, stacks), shownBySynth(notes, stacks)).forEach((l) => console.warn(l));
    console.log(writtenLine({ outdir, stacks, environments: environments.map((e) => e.name) }));
  } catch (e) {
    console.error(failureMessage(e));
    process.exit(1);
  }
}
