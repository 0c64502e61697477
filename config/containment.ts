/**
 * Where the files an environment file names may live: after symbolic links, inside the
 * environment file's directory or a directory declared in XIVO_SECRETS_DIRS by whoever runs
 * synth (never by the file itself). No zod, no cdktf: the synth cache's fast path re-checks it.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Colon-separated directories, outside the environment file's, that files may live in. */
export const SECRETS_DIRS_VARIABLE = 'XIVO_SECRETS_DIRS';

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
