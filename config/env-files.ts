/**
 * Which environment files a synth reads: `XIVO_ENV_FILES`, comma-separated paths or globs, by
 * default every `*.yaml` and `*.yml` of environments/. A file that looks like an environment file
 * (a .yaml or .yml name in any case) next to the ones read, but that no pattern selects, is named
 * by synth as skipped: an operator who wrote `prod.YML` hears why it was not deployed.
 *
 * Plain fs and path only: the synth cache's fast path uses it without loading the YAML parser.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ConfigIssue } from './errors';

/** Default value of `XIVO_ENV_FILES`: both extensions YAML files go by. */
export const DEFAULT_ENV_FILES = 'environments/*.yaml,environments/*.yml';

/** A file name environment files go by (any case): what a skipped file looks like. */
const LOOKS_LIKE_ENVIRONMENT = /\.ya?ml$/i;

const patternsOf = (patterns: string) =>
  patterns
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
const globRegex = (base: string) =>
  new RegExp(
    `^${base
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
const listing = (dir: string, cwd: string) => (fs.existsSync(path.resolve(cwd, dir)) ? fs.readdirSync(path.resolve(cwd, dir)) : []);

/**
 * Expands `XIVO_ENV_FILES`: comma-separated paths or globs. `*` and `?` are allowed in the
 * last path segment only (`environments/*.yaml`, `envs/prod-?.yaml`). Results are sorted. A glob
 * that matches no file is an issue, except in the default list as long as one of its globs matches.
 */
export function expandEnvFiles(patterns: string, cwd = process.cwd()): { files: string[]; issues: ConfigIssue[] } {
  const files: string[] = [];
  const issues: ConfigIssue[] = [];
  for (const pattern of patternsOf(patterns)) {
    const dir = path.dirname(pattern);
    const base = path.basename(pattern);
    if (/[*?]/.test(dir)) {
      issues.push({ file: pattern, path: [], message: 'XIVO_ENV_FILES: wildcards are only allowed in the file name, e.g. "environments/*.yaml"' });
      continue;
    }
    if (!/[*?]/.test(base)) {
      if (fs.existsSync(path.resolve(cwd, pattern))) files.push(pattern);
      else issues.push({ file: pattern, path: [], message: 'XIVO_ENV_FILES names a file that does not exist' });
      continue;
    }
    const regex = globRegex(base);
    const matches = listing(dir, cwd)
      .filter((e) => regex.test(e))
      .map((e) => path.join(dir, e));
    if (matches.length === 0) issues.push({ file: pattern, path: [], message: 'XIVO_ENV_FILES pattern matches no file' });
    files.push(...matches);
  }
  const unmatchedDefaults = patterns === DEFAULT_ENV_FILES && files.length > 0;
  return {
    files: [...new Set(files)].sort(),
    issues: unmatchedDefaults ? issues.filter((i) => i.message !== 'XIVO_ENV_FILES pattern matches no file') : issues,
  };
}

/**
 * Files in the directories of the globs that look like environment files (`.yaml`/`.yml`, any
 * case) but that no pattern selects, with why: synth names them instead of ignoring them.
 */
export function skippedEnvFiles(patterns: string, cwd = process.cwd()): { file: string; message: string }[] {
  const { files } = expandEnvFiles(patterns, cwd);
  const read = new Set(files.map((f) => path.resolve(cwd, f)));
  const globs = patternsOf(patterns).filter((p) => /[*?]/.test(path.basename(p)) && !/[*?]/.test(path.dirname(p)));
  const skipped = new Map<string, string>();
  for (const glob of globs) {
    const dir = path.dirname(glob);
    for (const entry of listing(dir, cwd)) {
      const file = path.join(dir, entry);
      if (!LOOKS_LIKE_ENVIRONMENT.test(entry) || read.has(path.resolve(cwd, file)) || skipped.has(file)) continue;
      if (!fs.statSync(path.resolve(cwd, file), { throwIfNoEntry: false })?.isFile()) continue;
      const selected = globs.filter((g) => path.dirname(g) === dir).join(', ');
      skipped.set(
        file,
        `not read: XIVO_ENV_FILES selects ${selected} here (the patterns are case-sensitive); rename it to end in .yaml, or add it to XIVO_ENV_FILES`,
      );
    }
  }
  return [...skipped].sort(([a], [b]) => (a < b ? -1 : 1)).map(([file, message]) => ({ file, message }));
}
