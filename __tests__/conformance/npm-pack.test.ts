/** `npm pack` gives a package a cdktf app can import: compiled constructs with their type declarations. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

describe('npm pack', () => {
  test('the tarball holds lib/index.js and its declarations, and loads with the public constructs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-pack-'));
    const [{ filename, files }] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const paths = (files as { path: string }[]).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'lib/index.js', 'lib/index.d.ts', 'lib/constructs/xuc/xuc-service.d.ts']));
    expect(paths.filter((p) => /^(__tests__|dist|cdktf\.out|environments)\//.test(p) || /\.(tfstate|keytab|key)$/.test(p))).toEqual([]);

    execFileSync('tar', ['-xzf', path.join(dir, filename), '-C', dir]);
    // Resolved against this checkout's node_modules (cdktf, constructs and the providers are its dependencies).
    const loaded = execFileSync(
      process.execPath,
      [
        '-e',
        `const x = require(${JSON.stringify(path.join(dir, 'package'))}); console.log(['XivoPlatform','XivoServer','XucService','NginxFront','EdgeProxy','Certificate','InternalCa','SharedToken'].filter((n) => x[n]).join(','))`,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
      },
    );
    expect(loaded.trim()).toBe('XivoPlatform,XivoServer,XucService,NginxFront,EdgeProxy,Certificate,InternalCa,SharedToken');
    const declarations = fs.readFileSync(path.join(dir, 'package', 'lib', 'constructs', 'xuc', 'xuc-service.d.ts'), 'utf8');
    expect(declarations).toContain('addAuthentication(mode: XucFeature): void;');
  }, 120_000);
});
