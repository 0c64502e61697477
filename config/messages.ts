/**
 * Turns zod issues into our words: what was found, what to write instead. No raw zod wording
 * reaches users ("Too small: expected number to be >=1000"); type mismatches say the type
 * found and the fix ("quote it"); unknown keys and enum values get a "did you mean".
 */
import type { core as zcore, ZodType } from 'zod';
import { KeyPath } from './errors';
import { didYouMean } from './suggest';

export interface Described {
  readonly path: KeyPath;
  readonly message: string;
  /** Unknown-key messages are capped per file (see `capUnknownKeys`). */
  readonly unknownKey?: boolean;
}

/** Longest key or value quoted back in a message: a binary or `/etc/shadow` is not echoed. */
export const MAX_ECHO = 40;
/** Unknown-key messages reported per file; the rest are counted. */
export const MAX_UNKNOWN_KEYS = 20;

/** Bounds of `services.<id>.memoryMb` (MiB): below, no XiVO container starts; above 1 TiB, the number was not MiB. */
export const MIN_MEMORY_MIB = 64;
export const MAX_MEMORY_MIB = 1024 * 1024;

const MEMORY_UNITS: Readonly<Record<string, number>> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };

/**
 * `memoryMb` written with a unit ("4G", "4096m", "2 GiB") or in the wrong unit (8 meaning GiB):
 * the message says the unit is MiB and gives the number to write. Undefined for other mistakes.
 */
export function memoryMessage(input: unknown): string | undefined {
  if (typeof input === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(input);
    if (!match) return undefined;
    const mib = Math.round(Number(match[1]) * (MEMORY_UNITS[match[2].toLowerCase() || 'm'] ?? 1));
    return match[2]
      ? `is in MiB, a number without unit: ${JSON.stringify(input)} is ${mib} MiB; write memoryMb: ${mib}`
      : `is in MiB, a number without quotes: write memoryMb: ${mib}`;
  }
  if (typeof input === 'number' && input > 0 && input < MIN_MEMORY_MIB) {
    return `is in MiB: ${input} MiB is too little for a container (at least ${MIN_MEMORY_MIB}); for ${input} GiB write memoryMb: ${input * 1024}`;
  }
  if (typeof input === 'number' && input > MAX_MEMORY_MIB) {
    return `is in MiB: ${input} MiB is over 1 TiB, so it was written in another unit; write the limit in MiB, e.g. 4096 for 4 GiB`;
  }
  return undefined;
}

/** A value as quoted in a message, cut to MAX_ECHO characters. */
export function echo(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are replaced so a message stays on one line
  const oneLine = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return oneLine.length <= MAX_ECHO ? oneLine : `${oneLine.slice(0, MAX_ECHO)}… (${value.length} characters)`;
}

function found(input: unknown): string {
  if (input === null) return 'empty (null)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'boolean') return 'a boolean';
  return `a ${typeof input}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
};

/** `release: 2024.10` unquoted: "must be a string but is a number (2024.10): quote it, "2024.10"". */
function typeMismatch(expected: string, input: unknown, source: string | undefined, atTop: boolean): string {
  if (input === undefined) return `is required (${expected})`;
  if (atTop)
    return `the file is ${input === null ? 'empty' : found(input)}: an environment file is a mapping with name, release, publicNames and servers (see docs/environment.md)`;
  const want = EXPECTED[expected] ?? expected;
  if (input === null) return `is empty: write ${want} or remove the key`;
  const text = typeof input === 'string' ? JSON.stringify(input) : source;
  const shown = text && !text.includes('\n') && text.length <= MAX_ECHO ? ` (${text})` : '';
  const head = `must be ${want} but is ${found(input)}${shown}`;
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
    return `${head}: quote it, "${source ?? String(input)}" (YAML reads it as a ${typeof input} otherwise)`;
  }
  if ((expected === 'number' || expected === 'int') && typeof input === 'string') return `${head}: write digits without quotes, e.g. 6`;
  if (expected === 'boolean' && typeof input === 'string') return `${head}: write true or false without quotes`;
  if (expected === 'array' && typeof input !== 'object') return `${head}: write a list, e.g. [${source ?? 'value'}]`;
  return head;
}

function bound(kind: 'least' | 'most', issue: { origin: string; inclusive?: boolean }, limit: unknown): string {
  const n = String(limit);
  switch (issue.origin) {
    case 'string':
      return kind === 'least' && n === '1' ? 'must not be empty' : `must be at ${kind} ${n} characters long`;
    case 'array':
    case 'set':
      return kind === 'least' && n === '1' ? 'must list at least one item' : `must list at ${kind} ${n} items`;
    default:
      if (issue.inclusive === false) return `must be ${kind === 'least' ? 'greater' : 'less'} than ${n}`;
      return `must be at ${kind} ${n}`;
  }
}

const FORMATS: Readonly<Record<string, string>> = {
  url: 'must be a URL such as "https://host.example.com/path"',
  cidrv4: 'must be an IPv4 network in CIDR form, e.g. "10.0.0.0/8"',
  cidrv6: 'must be an IPv6 network in CIDR form, e.g. "fd00::/8"',
  ipv4: 'must be an IPv4 address, e.g. "10.0.0.5"',
};

/**
 * Our wording of zod's default messages, given to `safeParse` as its error map: only used
 * where the schema gives no message of its own.
 */
export function defaultMessage(issue: zcore.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'too_small':
      return bound('least', issue as { origin: string; inclusive?: boolean }, (issue as { minimum: unknown }).minimum);
    case 'too_big':
      return bound('most', issue as { origin: string; inclusive?: boolean }, (issue as { maximum: unknown }).maximum);
    case 'invalid_format': {
      const format = (issue as { format: string }).format;
      if (FORMATS[format]) return FORMATS[format];
      if (format === 'starts_with') return `must start with "${(issue as { prefix?: string }).prefix}"`;
      const pattern = (issue as { pattern?: RegExp | string }).pattern;
      return `does not have the expected form${pattern ? ` (${String(pattern)})` : ''}: see docs/environment.md`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${String((issue as { divisor: unknown }).divisor)}`;
    case 'invalid_value':
      return `must be one of: ${(issue as { values: unknown[] }).values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_key':
      return 'is not an accepted key here: see docs/environment.md';
    case 'custom':
      return 'is not accepted here: see docs/environment.md';
    default:
      return undefined;
  }
}

/** The keys an object of the schema accepts at `path` (through optional, default, union...). */
export function knownKeysAt(schema: ZodType, path: KeyPath): string[] {
  const candidates = (node: unknown, rest: KeyPath): string[][] => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- zod's internal def is untyped
    const def = (node as { _zod?: { def?: Record<string, any> } })?._zod?.def;
    if (!def) return [];
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        return candidates(def.innerType, rest);
      case 'pipe':
        return candidates(def.in, rest);
      case 'union':
        return (def.options as unknown[]).flatMap((o) => candidates(o, rest));
      case 'array':
        return rest.length ? candidates(def.element, rest.slice(1)) : [];
      case 'record':
        return rest.length ? candidates(def.valueType, rest.slice(1)) : [];
      case 'object':
        if (!rest.length) return [Object.keys(def.shape)];
        return typeof rest[0] === 'string' && def.shape[rest[0]] ? candidates(def.shape[rest[0]], rest.slice(1)) : [];
      default:
        return [];
    }
  };
  return [...new Set(candidates(schema, path).flat())];
}

/** One zod issue in our words. `sourceOf` gives the YAML text of the value at a path. */
export function describeIssue(issue: zcore.$ZodIssue, schema: ZodType, sourceOf: (path: KeyPath) => string | undefined): Described[] {
  const at = issue.path as (string | number)[];
  const input = (issue as { input?: unknown }).input;
  const memory = at[at.length - 1] === 'memoryMb' ? memoryMessage(input) : undefined;
  if (memory) return [{ path: at, message: memory }];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, at);
      return issue.keys.map((key) => {
        const hint = didYouMean(key, known);
        const shown = echo(key);
        return {
          path: [...at, key],
          message: hint ? `unknown key "${shown}"${hint}` : `unknown key "${shown}": check its spelling against docs/environment.md`,
          unknownKey: true,
        };
      });
    }
    case 'invalid_type':
      return [{ path: at, message: typeMismatch(issue.expected, input, sourceOf(at), at.length === 0) }];
    case 'invalid_union': {
      const discriminator = (issue as { note?: string }).note === 'No matching discriminator';
      if ('options' in issue) return [{ path: at, message: `must be one of: ${(issue.options as unknown[]).join(', ')}` }];
      if (discriminator) return [{ path: at, message: 'does not match any accepted form: see docs/environment.md' }];
      return [{ path: at, message: issue.message }];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      return [{ path: at, message: `${issue.message}${didYouMean(input, values)}` }];
    }
    default:
      return [{ path: at, message: issue.message }];
  }
}

/** Keeps the first MAX_UNKNOWN_KEYS unknown-key messages and counts the others in one more. */
export function capUnknownKeys(described: Described[]): Described[] {
  const unknown = described.filter((d) => d.unknownKey);
  if (unknown.length <= MAX_UNKNOWN_KEYS) return described;
  const dropped = new Set(unknown.slice(MAX_UNKNOWN_KEYS));
  const kept = described.filter((d) => !dropped.has(d));
  kept.push({ path: [], message: `... and ${dropped.size} more unknown keys: is this an environment file? (${MAX_UNKNOWN_KEYS} shown)` });
  return kept;
}
