/** Generated files must match the code: run `npm run generate` (or `npm run docs:api`) when this fails. */
import Ajv2020 from 'ajv/dist/2020';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { CATALOGUE_DOC, catalogueMarkdown } from '../../catalogue/catalogue-doc';
import { INPUT_RULES_DOCS, withInputRules } from '../../config/input-rules';
import { environmentJsonSchema, SCHEMA_FILE } from '../../config/json-schema';
import { DOCKER_HOST } from '../../config/schema';
import { baseline } from '../support/environments';

test.each([
  [SCHEMA_FILE, environmentJsonSchema],
  [CATALOGUE_DOC, catalogueMarkdown],
])('%s is up to date (npm run generate)', (file, render) => {
  expect(fs.readFileSync(file, 'utf8')).toBe(render());
});

test.each(INPUT_RULES_DOCS)('the input rules in %s are up to date (npm run generate)', (file) => {
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toBe(withInputRules(text));
});

describe('the published JSON Schema (what editors validate with)', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false, logger: false }).compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));

  test.each(fs.readdirSync('environments').filter((f) => f.endsWith('.yaml')))('accepts environments/%s', (file) => {
    expect(validate(parse(fs.readFileSync(`environments/${file}`, 'utf8')))).toBe(true);
  });

  test('rejects a malformed Docker host and an unknown key', () => {
    const env = baseline();
    env.servers[0].docker.host = 'docker.example.com';
    env.servers[1].colour = 'blue';
    expect(validate(env)).toBe(false);
    expect(validate.errors!.map((e) => `${e.instancePath} ${e.message}`)).toEqual(
      expect.arrayContaining([
        '/servers/0/docker/host must match pattern "' + DOCKER_HOST.source + '"',
        '/servers/1 must NOT have additional properties',
      ]),
    );
  });
});

describe('the API reference (docs/api, TypeDoc from index.ts)', () => {
  /** Every file under a directory, by relative path, with its bytes. */
  const filesOf = (dir: string): Map<string, Buffer> =>
    new Map(
      fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => {
          const file = path.join(e.parentPath, e.name);
          return [path.relative(dir, file), fs.readFileSync(file)] as const;
        }),
    );

  test('docs/api is what npm run docs:api writes, byte for byte', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-api-docs-'));
    try {
      const run = spawnSync(process.execPath, [path.join('node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--logLevel', 'Warn'], {
        encoding: 'utf8',
      });
      expect(run.stderr + run.stdout).toBe('');
      expect(run.status).toBe(0);
      const generated = filesOf(out);
      const committed = fs.existsSync('docs/api') ? filesOf('docs/api') : new Map<string, Buffer>();
      expect(generated.has('README.md')).toBe(true);
      const stale = [...new Set([...generated.keys(), ...committed.keys()])]
        .sort()
        .filter((file) => !generated.get(file)?.equals(committed.get(file) ?? Buffer.alloc(0)) || !committed.has(file))
        .map((file) => `${file}: ${!committed.has(file) ? 'missing' : !generated.has(file) ? 'no longer generated' : 'differs'}`);
      if (stale.length) throw new Error(`docs/api is stale: run npm run docs:api\n${stale.join('\n')}`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
