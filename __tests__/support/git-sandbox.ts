/**
 * A throwaway git repository holding a copy of this checkout (tracked and untracked files, not
 * the ignored ones), with node_modules linked, for tests that commit changes and run the
 * project's commands on them (`npm run impact -- --base HEAD~1`).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface GitSandbox {
  readonly dir: string;
  /** Rewrites a file (path relative to the sandbox); throws when `from` is not in it, so a test never passes on a no-op. */
  replaceIn(file: string, from: string, to: string): void;
  /** Commits the tracked files' changes, and with `addNew` the new files too (git add -A). */
  commit(message: string, addNew?: boolean): void;
  /** Runs an npm script; returns its exit status and output. */
  npm(script: string, args: string[], env?: Record<string, string>): { status: number | null; stdout: string; stderr: string };
  remove(): void;
}

export function gitSandbox(): GitSandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-git-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(ROOT, file))) continue; // deleted but not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '--quiet');
  fs.appendFileSync(path.join(dir, '.git', 'info', 'exclude'), 'node_modules\n');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'base');
  return {
    dir,
    replaceIn(file, from, to) {
      const full = path.join(dir, file);
      const text = fs.readFileSync(full, 'utf8');
      if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
      fs.writeFileSync(full, text.replace(from, to));
    },
    commit(message, addNew = false) {
      if (addNew) git('add', '-A');
      git('commit', '--quiet', '-a', '-m', message);
    },
    npm(script, args, env = {}) {
      const r = spawnSync('npm', ['run', '--silent', script, '--', ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
