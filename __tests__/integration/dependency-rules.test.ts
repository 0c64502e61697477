/**
 * The layer rules of .dependency-cruiser.cjs (npm run deps) catch what they are named after: a
 * throwaway tree breaks each rule once, and depcruise fails naming every rule and its message.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

const FILES: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true, esModuleInterop: true } }),
  'package.json': JSON.stringify({
    name: 'fixture',
    dependencies: { 'prod-lib': '1.0.0', cdktf: '0.21.0' },
    devDependencies: { 'dev-lib': '1.0.0' },
  }),
  'node_modules/prod-lib/package.json': JSON.stringify({ name: 'prod-lib', version: '1.0.0', main: 'index.js' }),
  'node_modules/prod-lib/index.js': 'module.exports = 1;\n',
  'node_modules/dev-lib/package.json': JSON.stringify({ name: 'dev-lib', version: '1.0.0', main: 'index.js' }),
  'node_modules/dev-lib/index.js': 'module.exports = 1;\n',
  'node_modules/cdktf/package.json': JSON.stringify({ name: 'cdktf', version: '0.21.0', main: 'lib/index.js' }),
  'node_modules/cdktf/lib/index.js': 'exports.Token = 1;\n',
  // config/ reaches cdktf through a construct: loading an environment file would load cdktf
  'config/loader.ts': "import { tokens } from '../constructs/tokens';\nexport const load = tokens;\n",
  'constructs/tokens.ts': "import { Token } from 'cdktf';\nexport const tokens = Token;\n",
  'catalogue/services.ts': "import { Library } from '../constructs/library';\nexport const services = [Library];\n",
  'constructs/library.ts': "import prodLib from 'prod-lib';\nexport class Library { n = prodLib; }\n",
  'constructs/uses-model.ts': "import { model } from '../config/model';\nexport const m = model;\n",
  'config/model.ts': "import { stack } from '../stacks/stack';\nexport const model = stack;\n",
  'stacks/stack.ts': 'export const stack = 1;\n',
  // a type-only cycle: still a cycle
  'config/rules.ts': "import type { Auth } from './rules-auth';\nexport type Rule = Auth;\nexport const RULES = 1;\n",
  'config/rules-auth.ts': "import type { Rule } from './rules';\nexport type Auth = { rule?: Rule };\n",
  'estate/flows.ts': "import { cli } from '../synth/cli';\nexport const flows = cli;\n",
  'synth/cli.ts': "import { deploy } from '../deploy/cli';\nexport const cli = deploy;\n",
  'deploy/cli.ts': 'export const deploy = 1;\n',
  'impact/report.ts': "import { harness } from '../__tests__/support/harness';\nimport devLib from 'dev-lib';\nexport const r = [harness, devLib];\n",
  // the library ships a devDependency; a package nobody declares
  'constructs/uses-dev.ts': "import devLib from 'dev-lib';\nexport const d = devLib;\n",
  'node_modules/stray-lib/package.json': JSON.stringify({ name: 'stray-lib', version: '1.0.0', main: 'index.js' }),
  'node_modules/stray-lib/index.js': 'module.exports = 1;\n',
  'estate/stray.ts': "import stray from 'stray-lib';\nexport const s = stray;\n",
  '__tests__/support/harness.ts': 'export const harness = 1;\n',
  'constructs/typo.ts': "import { nothing } from './no-such-file';\nexport const t = nothing;\n",
};

test('every rule fails the build with its name and message', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-depcruise-'));
  for (const [file, content] of Object.entries(FILES)) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/.bin/depcruise'), '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err-long', '.'],
    { cwd: dir, encoding: 'utf8' },
  );
  fs.rmSync(dir, { recursive: true, force: true });
  expect(run.status).not.toBe(0);
  const violations = run.stdout
    .split('\n')
    .filter((line) => /^ {2}error /.test(line))
    .map((line) => line.trim().replace(/ +$/, ''))
    .sort();
  expect(violations).toEqual(
    [
      'error catalogue-is-data: catalogue/services.ts → constructs/library.ts',
      'error config-loads-no-cdktf: config/loader.ts → node_modules/cdktf/lib/index.js',
      'error config-never-imports-stacks: config/model.ts → stacks/stack.ts',
      'error constructs-never-import-config-or-stacks: constructs/uses-model.ts → config/model.ts',
      'error no-circular: config/rules-auth.ts →',
      'error library-runtime-dependencies: constructs/uses-dev.ts → node_modules/dev-lib/index.js',
      'error one-cdk-module: constructs/tokens.ts → node_modules/cdktf/lib/index.js',
      'error no-undeclared-dependency: estate/stray.ts → node_modules/stray-lib/index.js',
      'error no-production-import-of-tests: impact/report.ts → __tests__/support/harness.ts',
      'error not-to-unresolvable: constructs/typo.ts → ./no-such-file',
      'error stacks-never-import-entry-points: estate/flows.ts → synth/cli.ts',
      'error deploy-is-an-entry-point: synth/cli.ts → deploy/cli.ts',
    ].sort(),
  );
  expect(run.stdout).toContain('constructs/ is the library: it knows catalogue/ and cdktf, never the YAML');
  expect(run.stdout).toMatch(/x 12 dependency violations \(12 errors, 0 warnings\)/);
}, 30_000);
