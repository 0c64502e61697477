/** Generated files must match the code: run `npm run generate` when this fails. */
import Ajv2020 from 'ajv/dist/2020';
import * as fs from 'fs';
import { parse } from 'yaml';
import { CATALOGUE_DOC, catalogueMarkdown } from '../catalogue/catalogue-doc';
import { INPUT_RULES_DOCS, withInputRules } from '../config/input-rules';
import { environmentJsonSchema, SCHEMA_FILE } from '../config/json-schema';
import { DOCKER_HOST } from '../config/schema';
import { baseline } from './support/environments';

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
      expect.arrayContaining(['/servers/0/docker/host must match pattern "' + DOCKER_HOST.source + '"', '/servers/1 must NOT have additional properties']),
    );
  });
});
