/**
 * Loads environment files: YAML with positions, schema validation, placement and
 * cross-field rules. Every problem of every file is collected, then thrown together.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isSeq, LineCounter, parseDocument, visit, Document, Node } from 'yaml';
import { ConfigError, ConfigIssue, KeyPath } from './errors';
import { literalize, literalProblems } from './literal';
import { capUnknownKeys, defaultMessage, describeIssue } from './messages';
import { Environment } from './model';
import { resolve } from './resolve';
import { checkRules } from './rules';
import { environmentSchema } from './schema';
import { HYGIENE_MESSAGES, yamlHygieneProblems } from './yaml-hygiene';

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

/** Largest environment file read: a device or a stray binary is not an environment. */
export const MAX_ENVIRONMENT_BYTES = 1024 * 1024;

/** The text of an environment file, or why it cannot be one (never blocks on a FIFO). */
function readEnvironmentText(file: string): { text?: string; problem?: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    return { problem: `cannot read the file: ${(e as Error).message}` };
  }
  if (stat.isDirectory()) return { problem: 'is a directory: XIVO_ENV_FILES names environment files, e.g. "environments/*.yaml"' };
  if (!stat.isFile()) return { problem: 'is not a regular file (a FIFO or a device): XIVO_ENV_FILES names environment files' };
  if (stat.size > MAX_ENVIRONMENT_BYTES) return { problem: `is ${stat.size} bytes, more than ${MAX_ENVIRONMENT_BYTES / 1024} KiB: this is not an environment file` };
  return { text: fs.readFileSync(file, 'utf8') };
}

export interface LoadedFile {
  readonly environment?: Environment;
  readonly issues: ConfigIssue[];
  /** Line and column of a key path in the file (for issues found later, across files). */
  readonly locate: (path: KeyPath) => { line?: number; column?: number };
}

/** Parses and validates one file. */
export function loadEnvironmentFile(file: string): LoadedFile {
  const { text, problem } = readEnvironmentText(file);
  if (text === undefined) return { issues: [{ file, path: [], message: problem! }], locate: () => ({}) };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locate = (keyPath: KeyPath) => positionOf(doc, lines, keyPath) ?? {};
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const issueAt = (p: { path: KeyPath; message: string }): ConfigIssue => ({ file, path: p.path, message: p.message, ...locate(p.path) });
  if (doc.errors.length > 0) {
    return { issues: doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: [], message: `YAML syntax: ${e.message.split('\n')[0]}` })), locate };
  }
  const hygiene = yamlHygieneProblems(doc);
  if (hygiene.length) {
    return { issues: hygiene.map((h) => ({ file, ...(h.offset === undefined ? locate(h.path) : at(h.offset)), path: h.path, message: h.message })), locate };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    const alias = firstAliasOffset(doc);
    return { issues: [{ file, ...(alias === undefined ? {} : at(alias)), path: [], message: HYGIENE_MESSAGES.aliases }], locate };
  }
  const literal = literalProblems(data);
  if (literal.length) return { issues: literal.map(issueAt), locate };

  const parsed = environmentSchema.safeParse(data, { reportInput: true, error: (issue) => defaultMessage(issue) });
  if (!parsed.success) {
    const sourceOf = (keyPath: KeyPath) => {
      const node = doc.getIn(keyPath, true) as Node | undefined;
      return node?.range ? text.slice(node.range[0], node.range[1]).trim() : undefined;
    };
    const described = capUnknownKeys(parsed.error.issues.flatMap((issue) => describeIssue(issue, environmentSchema, sourceOf)));
    return { issues: described.map(issueAt), locate };
  }

  // The one choke point: the model is built from Terraform literals only. Backend settings
  // are the exception: Terraform reads them without template evaluation, so they stay as written.
  const { environment, problems } = resolve({ ...literalize(parsed.data), backend: parsed.data.backend }, file);
  const issues = [...problems, ...checkRules(parsed.data, environment)].map(issueAt);
  return { environment: issues.length ? undefined : environment, issues, locate };
}

/** Aliases expanded per document before we call it an attack (yaml's own guard). */
const MAX_ALIAS_COUNT = 100;

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * Loads every environment selected by `XIVO_ENV_FILES` (default `environments/*.yaml`).
 * @throws ConfigError with all issues of all files.
 */
export function loadEnvironments(patterns = process.env.XIVO_ENV_FILES || DEFAULT_ENV_FILES): Environment[] {
  const { files, issues } = expandEnvFiles(patterns);
  const environments: Environment[] = [];
  const byName = new Map<string, string>();
  for (const file of files) {
    const result = loadEnvironmentFile(file);
    issues.push(...result.issues);
    const env = result.environment;
    if (!env) continue;
    environments.push(env);
    const other = byName.get(env.name);
    if (other) {
      issues.push({ file: env.file, path: ['name'], ...result.locate(['name']), message: `environment "${env.name}" is already defined in ${other}: environment names must be unique` });
    }
    byName.set(env.name, env.file);
  }
  if (issues.length) throw new ConfigError(issues);
  return environments;
}
