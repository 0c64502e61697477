/**
 * Every package npm installs is verified: each lockfile entry that npm downloads (every entry
 * not `inBundle`, bundled ones come inside their parent's tarball) has an sha512 `integrity` and
 * a `resolved` URL on the npm registry, foreign-platform optional packages included (issue 19).
 * Install scripts never run (`npm ci --ignore-scripts` in .ci/run and docs/ci/): the packages
 * that declare one work without it.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly inBundle?: boolean;
  readonly link?: boolean;
  readonly hasInstallScript?: boolean;
}
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};
const downloaded = Object.entries(lock.packages).filter(([key, entry]) => key !== '' && !entry.inBundle && !entry.link);

test('every downloaded entry has an sha512 integrity and a registry resolved URL', () => {
  expect(lock.lockfileVersion).toBe(3);
  expect(downloaded.length).toBeGreaterThan(900);
  const missing = downloaded
    .filter(
      ([, e]) =>
        !/^sha512-[A-Za-z0-9+/]{86}==$/.test(e.integrity ?? '') ||
        !/^https:\/\/registry\.npmjs\.org\/(@[a-z0-9._-]+\/)?[a-z0-9._-]+\/-\/[a-z0-9._-]+-\d[^/]*\.tgz$/.test(e.resolved ?? ''),
    )
    .map(([key]) => key);
  expect(missing).toEqual([]);
});

test('the packages with an install script are the two known ones, each working without it', () => {
  // @swc/core: its binary is the optional package of the platform (@swc/core-linux-x64-gnu…);
  // node-pty: its tarball holds prebuilds/<platform>/pty.node.
  expect(downloaded.filter(([, e]) => e.hasInstallScript).map(([key]) => key)).toEqual([
    'node_modules/@cdktf/node-pty-prebuilt-multiarch',
    'node_modules/@swc/core',
  ]);
});

test('the project keeps resolved URLs whatever the machine-wide npm configuration', () => {
  expect(fs.readFileSync(path.join(ROOT, '.npmrc'), 'utf8')).toMatch(/^omit-lockfile-registry-resolved=false$/m);
});

test('.ci/run installs with npm ci --ignore-scripts and refuses tracked files that .gitignore ignores', () => {
  const run = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
  const commands = run
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
  expect(commands).toContain('npm ci --ignore-scripts --no-audit --no-fund --loglevel=error');
  expect(commands).not.toMatch(/npm (install|i) |npm ci(?![^\n]*--ignore-scripts)/);
  expect(commands).toContain('git ls-files --cached --ignored --exclude-standard');
});
