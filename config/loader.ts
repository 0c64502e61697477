/**
 * Loads environment files: YAML with positions, schema validation, placement and
 * cross-field rules. Every problem of every file is collected, then thrown together.
 */
import * as fs from 'fs';
import { isMap, isSeq, LineCounter, parseDocument, visit, Document, Node } from 'yaml';
import { ConfigError, ConfigIssue, KeyPath } from './errors';
import { literalize, literalProblems } from './literal';
import { capUnknownKeys, defaultMessage, describeIssue } from './messages';
import { Environment } from './model';
import { resolve } from './resolve';
import { checkRules } from './rules';
import { environmentSchema } from './schema';
import { duplicateKeys, HYGIENE_MESSAGES, yamlHygieneProblems } from './yaml-hygiene';
import { DEFAULT_ENV_FILES, expandEnvFiles } from './env-files';

export { DEFAULT_ENV_FILES, expandEnvFiles, skippedEnvFiles } from './env-files';

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
  if (stat.size > MAX_ENVIRONMENT_BYTES)
    return { problem: `is ${stat.size} bytes, more than ${MAX_ENVIRONMENT_BYTES / 1024} KiB: this is not an environment file` };
  try {
    return { text: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM')
      return { problem: 'cannot be read: permission denied: give the user that runs synth read access to it (or run synth as its owner)' };
    return { problem: `cannot read the file (${code ?? 'error'})` };
  }
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
  // Duplicate keys are found below, with both lines: the parser's own error names only one.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const locate = (keyPath: KeyPath) => positionOf(doc, lines, keyPath) ?? {};
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const issueAt = (p: { path: KeyPath; message: string }): ConfigIssue => ({ file, path: p.path, message: p.message, ...locate(p.path) });
  if (doc.errors.length > 0) {
    return { issues: doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: [], message: `YAML syntax: ${e.message.split('\n')[0]}` })), locate };
  }
  const duplicates = duplicateKeys(doc);
  if (duplicates.length) {
    return {
      issues: duplicates.map((d) => ({
        file,
        ...at(d.offset),
        path: d.path,
        message: HYGIENE_MESSAGES.duplicateKey(at(d.firstOffset).line, at(d.offset).line),
      })),
      locate,
    };
  }
  const hygiene = yamlHygieneProblems(doc);
  if (hygiene.length) {
    return {
      issues: hygiene.map((h) => ({ file, ...(h.offset === undefined ? locate(h.path) : at(h.offset)), path: h.path, message: h.message })),
      locate,
    };
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
  const found = [...problems, ...checkRules(parsed.data, environment)];
  const issues = found.filter((p) => p.severity !== 'warning').map(issueAt);
  const warnings = found.filter((p) => p.severity === 'warning').map(issueAt);
  return { environment: issues.length ? undefined : { ...environment, warnings }, issues, locate };
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
 * Loads every environment selected by `XIVO_ENV_FILES` (default `environments/*.yaml` and `environments/*.yml`).
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
      issues.push({
        file: env.file,
        path: ['name'],
        ...result.locate(['name']),
        message: `environment "${env.name}" is already defined in ${other}: environment names must be unique`,
      });
    }
    byName.set(env.name, env.file);
  }
  if (issues.length) throw new ConfigError(issues);
  return environments;
}
