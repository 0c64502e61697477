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
import { containmentProblem } from './containment';

export { containmentProblem, OUTSIDE_MESSAGE, SECRETS_DIRS_VARIABLE } from './containment';

/** Largest certificate, chain or key file read at synth. */
export const MAX_CERTIFICATE_BYTES = 1024 * 1024;
/** Largest keytab: checked at synth when present, read by Terraform at plan time. */
export const MAX_KEYTAB_BYTES = 64 * 1024;

/** True for a path Terraform's file() can take as a literal: no quote, backslash, template or control character. */
export const isPlainFilePath = (p: string): boolean =>
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  !/["\\\u0000-\u001f\u007f]|\$\{|%\{/.test(p);

export const FILE_PATH_MESSAGE =
  'must be a plain file path relative to the environment file, without quotes, backslashes, "${", "%{" or control characters (Terraform reads it with file())';
/** A path to a file on the machine that runs Terraform, relative to the environment file. */
export const filePath = z
  .string()
  .min(1, { message: 'must be a file path relative to the environment file' })
  .refine(isPlainFilePath, { message: FILE_PATH_MESSAGE });

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
