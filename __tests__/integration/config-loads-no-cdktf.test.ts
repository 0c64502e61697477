/**
 * Loading and validating an environment file loads no cdktf module: config/ reads the constructs'
 * constants from their pure modules (the dependency-cruiser rule config-loads-no-cdktf holds the
 * imports; this holds what node really loads). Checked in a plain node process on the compiled
 * code: Jest's module registry is not node's require.cache.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const CDKTF_MODULE = /[\\/]node_modules[\\/](cdktf|@cdktf[\\/][^\\/]+)[\\/]/;

/** The modules of require.cache after `code` ran in a fresh node process, relative to the root. */
function loadedBy(code: string): string[] {
  const probe = `${code};\nprocess.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  return (JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8' })) as string[]).map((m) => path.relative(ROOT, m));
}

beforeAll(() => execFileSync(process.execPath, ['scripts/build.js'], { cwd: ROOT }));

test('loading and validating environments/prod.yaml loads no cdktf module', () => {
  const loaded = loadedBy(
    "const { loadEnvironmentFile } = require('./dist/config/loader'); const r = loadEnvironmentFile('environments/prod.yaml'); if (!r.environment) throw r.issues",
  );
  expect(loaded).toContain(path.join('dist', 'config', 'rules.js'));
  expect(loaded.filter((m) => CDKTF_MODULE.test(`/${m}`))).toEqual([]);
});

test('the probe sees cdktf when something loads it (building the stacks does)', () => {
  expect(loadedBy("require('./dist/stacks/platform')").filter((m) => CDKTF_MODULE.test(`/${m}`))).toEqual(
    expect.arrayContaining([path.join('node_modules', 'cdktf', 'lib', 'index.js')]),
  );
});
