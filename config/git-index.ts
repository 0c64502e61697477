/**
 * Whether a file is tracked by git, read from the repository's index (`.git/index`) without running
 * git: synth needs no system program. The index (format 2 and 3) stores each path whole, after its
 * flags, whose low 12 bits are the path's length; format 4 compresses paths and is not read (the
 * answer is then "not tracked": a warning may be missed, never invented).
 */
import * as fs from 'fs';
import * as path from 'path';

/** The index file and work tree of the repository holding `dir`, if any (a worktree's `.git` file is followed). */
function repositoryOf(dir: string): { root: string; index: string } | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const dotGit = path.join(d, '.git');
    try {
      const stat = fs.statSync(dotGit);
      if (stat.isDirectory()) return { root: d, index: path.join(dotGit, 'index') };
      const gitdir = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'))?.[1].trim();
      return gitdir ? { root: d, index: path.join(path.resolve(d, gitdir), 'index') } : undefined;
    } catch {
      if (path.dirname(d) === d) return undefined;
    }
  }
}

export function trackedByGit(file: string): boolean {
  const absolute = path.resolve(file);
  const repository = repositoryOf(path.dirname(absolute));
  if (!repository) return false;
  let index: Buffer;
  try {
    index = fs.readFileSync(repository.index);
  } catch {
    return false;
  }
  if (index.length < 12 || index.toString('latin1', 0, 4) !== 'DIRC' || index.readUInt32BE(4) > 3) return false;
  const relative = path.relative(repository.root, absolute).split(path.sep).join('/');
  if (relative.startsWith('../')) return false;
  const name = Buffer.from(`${relative}\0`);
  const length = Math.min(name.length - 1, 0xfff);
  // The 2 bytes before a path are its flags (or, with extended flags, the extended ones after them).
  for (let at = index.indexOf(name, 12); at >= 0; at = index.indexOf(name, at + 1)) {
    if ((at >= 2 && (index.readUInt16BE(at - 2) & 0xfff) === length) || (at >= 4 && (index.readUInt16BE(at - 4) & 0xfff) === length)) return true;
  }
  return false;
}
