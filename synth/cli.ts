/**
 * `npm run synth [-- --force]`: synthesizes the environments of XIVO_ENV_FILES (default
 * environments/*.yaml) into CDKTF_OUTDIR (default cdktf.out), reusing the output of every
 * environment whose inputs did not change (synth-cache.ts). `--force` rebuilds everything.
 * Bad input is reported with file, line and key, and nothing is written (exit 1).
 */
import { DEFAULT_ENV_FILES, skippedEnvFiles } from '../config/env-files';
import { reportLines, shownBySynth, writtenLine } from './report';
import { cachedSynth } from './synth-cache';

if (require.main === module) {
  const outdir = process.env.CDKTF_OUTDIR || 'cdktf.out';
  try {
    // A file that looks like an environment but is not selected is named, never silently left out.
    const warnings = skippedEnvFiles(process.env.XIVO_ENV_FILES || DEFAULT_ENV_FILES).map((s) => `${s.file}: ${s.message}`);
    const notes: string[] = [];
    const { stacks, reused, environments } = cachedSynth({
      outdir,
      force: process.argv.includes('--force'),
      onWarning: (w) => warnings.push(w),
      onNote: (n) => notes.push(n),
    });
    // Each finding once, with its places; then the last line: what was written, and where.
    reportLines(shownBySynth(warnings, stacks), shownBySynth(notes, stacks)).forEach((l) => console.warn(l));
    console.log(writtenLine({ outdir, stacks, environments, fromCache: reused.length }));
  } catch (e) {
    // Bad input is printed as it is (file, line and key; or the construct path); anything else as a bug to report.
    const { failureMessage } = require('./failure') as typeof import('./failure');
    console.error(failureMessage(e));
    process.exit(1);
  }
}
