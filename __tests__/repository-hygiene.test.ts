/** Rules about the sources themselves: which layer may import which. */
import * as fs from 'fs';
import { isBuiltin } from 'module';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** Every file under `dir` (relative to the repository), skipping generated and installed trees. */
function filesUnder(dir: string): string[] {
  const skipped = new Set(['node_modules', 'dist', 'cdktf.out', '.git']);
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : filesUnder(rel);
    return [rel];
  });
}

/** Module specifiers of a TypeScript source: `import … from 'x'`, `export … from 'x'`, `import('x')`, `require('x')`. */
function importsOf(source: string): string[] {
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...source.matchAll(pattern)].map((m) => m[1]);
}

describe('layers', () => {
  test('importsOf finds static, dynamic and require imports', () => {
    const source = "import { a } from './a';\nimport type { B } from '../b';\nexport { c } from \"./c\";\nimport './d';\nconst e = require('e');\nconst f = await import('./f');";
    expect(importsOf(source)).toEqual(['./a', '../b', './c', './d', 'e', './f']);
  });

  test('catalogue/ is data: it imports only catalogue/ and Node built-ins', () => {
    const outside = filesUnder('catalogue')
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        importsOf(fs.readFileSync(path.join(ROOT, file), 'utf8'))
          .filter((specifier) => {
            if (!specifier.startsWith('.')) return !isBuiltin(specifier);
            return !path.resolve(ROOT, path.dirname(file), specifier).startsWith(path.join(ROOT, 'catalogue') + path.sep);
          })
          .map((specifier) => `${file}: ${specifier}`),
      );
    expect(outside).toEqual([]);
  });
});
