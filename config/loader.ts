/**
 * Loads environment files: YAML with positions, schema validation, placement and
 * cross-field rules. Every problem of every file is collected, then thrown together.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isSeq, LineCounter, parseDocument, Document, Node } from 'yaml';
import type { core as zcore } from 'zod';
import { ConfigError, ConfigIssue, KeyPath } from './errors';
import { Environment } from './model';
import { resolve } from './resolve';
import { checkRules } from './rules';
import { environmentSchema } from './schema';

/** Default value of `XIVO_ENV_FILES`. */
export const DEFAULT_ENV_FILES = 'environments/*.yaml';

/**
 * Expands `XIVO_ENV_FILES`: comma-separated paths or globs. `*` and `?` are allowed in the
 * last path segment only (`environments/*.yaml`, `envs/prod-?.yaml`). Results are sorted.
 */
export function expandEnvFiles(patterns: string, cwd = process.cwd()): { files: string[]; issues: ConfigIssue[] } {
  const files: string[] = [];
  const issues: ConfigIssue[] = [];
  for (const pattern of patterns.split(',').map((p) => p.trim()).filter(Boolean)) {
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
    const regex = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    const entries = fs.existsSync(path.resolve(cwd, dir)) ? fs.readdirSync(path.resolve(cwd, dir)) : [];
    const matches = entries.filter((e) => regex.test(e)).map((e) => path.join(dir, e));
    if (matches.length === 0) issues.push({ file: pattern, path: [], message: 'XIVO_ENV_FILES pattern matches no file' });
    files.push(...matches);
  }
  return { files: [...new Set(files)].sort(), issues };
}

/** Finds the YAML node of a key path (the key itself for map entries), for line numbers. */
function positionOf(doc: Document, lines: LineCounter, keyPath: KeyPath): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as Node | null)?.range?.[0];
  for (const part of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === part);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number' && node.items[part]) {
      node = node.items[part];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/** Makes zod's wording say what to write. */
function describe(issue: zcore.$ZodIssue): { path: KeyPath; message: string }[] {
  const at = issue.path as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...at, key], message: `unknown key "${key}": check its spelling against docs/environment.md` }));
  }
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) {
    return [{ path: at, message: `is required (${issue.expected})` }];
  }
  if (issue.code === 'invalid_union' && 'options' in issue) {
    return [{ path: at, message: `must be one of: ${(issue.options as unknown[]).join(', ')}` }];
  }
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option')) {
    return [{ path: at, message: `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
  }
  return [{ path: at, message: issue.message }];
}

/** Parses and validates one file. */
export function loadEnvironmentFile(file: string): { environment?: Environment; issues: ConfigIssue[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { issues: [{ file, path: [], message: `cannot read the file: ${(e as Error).message}` }] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issueAt = (p: { path: KeyPath; message: string }): ConfigIssue => ({ file, path: p.path, message: p.message, ...positionOf(doc, lines, p.path) });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { file, line, column: col, path: [], message: `YAML syntax: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  const parsed = environmentSchema.safeParse(doc.toJS());
  if (!parsed.success) return { issues: parsed.error.issues.flatMap(describe).map(issueAt) };

  const { environment, problems } = resolve(parsed.data, file);
  const issues = [...problems, ...checkRules(parsed.data, environment)].map(issueAt);
  return { environment: issues.length ? undefined : environment, issues };
}

/**
 * Loads every environment selected by `XIVO_ENV_FILES` (default `environments/*.yaml`).
 * @throws ConfigError with all issues of all files.
 */
export function loadEnvironments(patterns = process.env.XIVO_ENV_FILES || DEFAULT_ENV_FILES): Environment[] {
  const { files, issues } = expandEnvFiles(patterns);
  const environments: Environment[] = [];
  for (const file of files) {
    const result = loadEnvironmentFile(file);
    issues.push(...result.issues);
    if (result.environment) environments.push(result.environment);
  }
  const byName = new Map<string, string>();
  for (const env of environments) {
    const other = byName.get(env.name);
    if (other) issues.push({ file: env.file, path: ['name'], message: `environment "${env.name}" is already defined in ${other}: environment names must be unique` });
    byName.set(env.name, env.file);
  }
  if (issues.length) throw new ConfigError(issues);
  return environments;
}
