/**
 * Files named by an environment file (keytab, CA and provided certificates and keys, Docker
 * client TLS files, the local state directory). A path must resolve, after symbolic links,
 * inside the environment file's directory or a directory declared in XIVO_SECRETS_DIRS by
 * whoever runs synth (never by the file itself). A file read at synth must be a regular file
 * of bounded size: a FIFO would hang synth, /dev/zero would fill the memory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';

/** Colon-separated directories, outside the environment file's, that files may live in. */
export const SECRETS_DIRS_VARIABLE = 'XIVO_SECRETS_DIRS';
/** Largest certificate, chain or key file read at synth. */
export const MAX_CERTIFICATE_BYTES = 1024 * 1024;
/** Largest keytab: checked at synth when present, read by Terraform at plan time. */
export const MAX_KEYTAB_BYTES = 64 * 1024;

export const FILE_PATH_MESSAGE =
  'must be a plain file path relative to the environment file, without quotes, backslashes, "${", "%{" or control characters (Terraform reads it with file())';
/** A path to a file on the machine that runs Terraform, relative to the environment file. */
export const filePath = z
  .string()
  .min(1, { message: 'must be a file path relative to the environment file' })
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  .refine((p) => !/["\\\u0000-\u001f\u007f]|\$\{|%\{/.test(p), { message: FILE_PATH_MESSAGE });

/** The deepest existing ancestor's real path, with the rest appended: where a path really points. */
function realPathOf(p: string): string {
  const rest: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.join(current, ...rest.reverse());
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

const inside = (child: string, parent: string) => {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/** Directories files may resolve into: the environment file's, then XIVO_SECRETS_DIRS. */
export function allowedDirectories(environmentDirectory: string, secretsDirs = process.env[SECRETS_DIRS_VARIABLE] ?? ''): string[] {
  return [
    environmentDirectory,
    ...secretsDirs
      .split(':')
      .filter(Boolean)
      .map((d) => path.resolve(d)),
  ].map(realPathOf);
}

export const OUTSIDE_MESSAGE = (file: string) =>
  `"${file}" resolves outside the environment file's directory: move the file next to the environment file, or declare its directory in ${SECRETS_DIRS_VARIABLE} when running synth`;

/** Problem of a path that escapes the allowed directories (checked whether or not it exists). */
export function containmentProblem(environmentDirectory: string, file: string): string | undefined {
  const real = realPathOf(path.resolve(environmentDirectory, file));
  return allowedDirectories(environmentDirectory).some((dir) => inside(real, dir)) ? undefined : OUTSIDE_MESSAGE(file);
}

export interface InputFile {
  /** Absolute path; undefined when the file does not exist. */
  readonly absolute?: string;
  readonly problem?: string;
}

/**
 * Checks a file named by an environment file: inside the allowed directories, and when it
 * exists, a regular file of at most `maxBytes`.
 * @param mustExist true when synth itself needs the file
 */
export function checkInputFile(environmentDirectory: string, file: string, maxBytes: number, mustExist: boolean): InputFile {
  const outside = containmentProblem(environmentDirectory, file);
  if (outside) return { problem: outside };
  const absolute = path.resolve(environmentDirectory, file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    return mustExist ? { problem: `file "${file}" does not exist (paths are relative to the environment file)` } : {};
  }
  if (!stat.isFile()) {
    const kind = stat.isDirectory()
      ? 'a directory'
      : stat.isFIFO()
        ? 'a FIFO'
        : stat.isCharacterDevice() || stat.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
    return { problem: `"${file}" is ${kind}: give the path of a regular file` };
  }
  if (stat.size > maxBytes)
    return { problem: `"${file}" is ${stat.size} bytes, more than the ${maxBytes / 1024} KiB such a file can hold: give the right file` };
  return { absolute };
}

/** Reads a checked file as text, or returns the problem. */
export function readInputFile(environmentDirectory: string, file: string, maxBytes = MAX_CERTIFICATE_BYTES): { text?: string; problem?: string } {
  const checked = checkInputFile(environmentDirectory, file, maxBytes, true);
  if (checked.problem || !checked.absolute) return { problem: checked.problem };
  return { text: fs.readFileSync(checked.absolute, 'utf8') };
}

/** Where an environment file names files of its own (relative to it): the keys holding one path, or a list of them. */
const NAMED_FILE_KEYS: readonly (readonly string[])[] = [
  ['auth', 'ldap', 'caFile'],
  ['auth', 'kerberos', 'keytabFile'],
  ...['tls.provided', 'tls.cti.provided', 'edge.provided'].flatMap((at) => ['certFile', 'keyFile', 'chainFiles'].map((k) => [...at.split('.'), k])),
];
const DOCKER_TLS_KEYS = ['caFile', 'certFile', 'keyFile'];

/**
 * The files an environment file names (paths as written, relative to it), read from its parsed
 * YAML whether it is valid or not: the impact report uses it on a base commit's files too.
 */
export function namedInputFiles(spec: unknown): string[] {
  const at = (value: unknown, keys: readonly string[]): unknown =>
    keys.reduce<unknown>((v, k) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), value);
  const found: unknown[] = NAMED_FILE_KEYS.map((keys) => at(spec, keys));
  const servers = at(spec, ['servers']);
  if (Array.isArray(servers)) for (const server of servers) found.push(...DOCKER_TLS_KEYS.map((k) => at(server, ['docker', 'tls', k])));
  return [...new Set(found.flat().filter((f): f is string => typeof f === 'string' && f.length > 0))].sort();
}
