/**
 * `npm run synth [-- --force]`: synthesizes the environments of XIVO_ENV_FILES (default
 * environments/*.yaml) into CDKTF_OUTDIR (default cdktf.out), reusing the output of every
 * environment whose inputs did not change (synth-cache.ts). `--force` rebuilds everything.
 * Bad input is reported with file, line and key, and nothing is written (exit 1).
 */
import { DEFAULT_ENV_FILES, skippedEnvFiles } from '../config/env-files';
import { reportLines, writtenLine } from './report';
import { cachedSynth } from './synth-cache';

if (require.main === module) {
  const outdir = process.env.CDKTF_OUTDIR || 'cdktf.out';
  try {
    // A file that looks like an environment but is not selected is named, never silently left out.
    const warnings = skippedEnvFiles(process.env.XIVO_ENV_FILES || DEFAULT_ENV_FILES).map((s) => `${s.file}: ${s.message}`);
    const notes: string[] = [];
    const { stacks, reused, environments } = cachedSynth({ outdir, force: process.argv.includes('--force'), onWarning: (w) => warnings.push(w), onNote: (n) => notes.push(n) });
    // Each finding once, with its places; then the last line: what was written, and where.
    reportLines(warnings, notes).forEach((l) => console.warn(l));
    console.log(writtenLine({ outdir, stacks, environments, fromCache: reused.length }));
  } catch (e) {
    // ConfigError messages list every issue with file, line and key; anything else is a bug or an I/O error.
    // So does a refused output directory (it says what to do): both are printed as they are.
    const { ConfigError } = require('../config/errors') as typeof import('../config/errors');
    const { OutputDirectoryError } = require('../stacks/output-directory') as typeof import('../stacks/output-directory');
    console.error(e instanceof ConfigError || e instanceof OutputDirectoryError ? e.message : `Synth failed: ${(e as Error).message}`);
    process.exit(1);
  }
}
