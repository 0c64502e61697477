/** Errors in environment files, reported all together with file, line and key path. */

export type KeyPath = readonly (string | number)[];

export interface ConfigIssue {
  /** Environment file, as given (relative paths stay relative). */
  readonly file: string;
  /** 1-based line and column of the key, when known. */
  readonly line?: number;
  readonly column?: number;
  readonly path: KeyPath;
  /** What is wrong and what to write instead. */
  readonly message: string;
}

/** Longest key shown in a key path (a stray binary's "keys" are not echoed). */
const MAX_KEY_SHOWN = 40;

/** `servers[2].docker.host`, `services["cc.xuc"].env`. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (part.length > MAX_KEY_SHOWN) out += `[${JSON.stringify(`${part.slice(0, MAX_KEY_SHOWN)}…`)}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || '(top level)';
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  return `${where}: ${formatKeyPath(issue.path)}: ${issue.message}`;
}

/** Thrown by the loader with every issue found in every file. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `${issues.length} error${issues.length === 1 ? '' : 's'} in environment files; nothing was synthesized:\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
