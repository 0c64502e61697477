/**
 * Publishes the environment-file schema as JSON Schema (schema/environment.schema.json),
 * so that editors with yaml-language-server validate and complete environment files.
 * Also writes docs/catalogue.md and the table of input rules in README.md and docs/environment.md. Run `npm run generate` after
 * changing config/schema*.ts or the catalogue; a test fails while either file is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { CATALOGUE_DOC, catalogueMarkdown } from '../catalogue/catalogue-doc';
import { INPUT_RULES_DOCS, withInputRules } from './input-rules';
import { environmentSchema } from './schema';

export const SCHEMA_FILE = path.join('schema', 'environment.schema.json');

export function environmentJsonSchema(): string {
  const schema = z.toJSONSchema(environmentSchema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });
  const document = {
    $id: 'https://xivo-cdktf.invalid/schema/environment.schema.json',
    title: 'xivo-cdktf environment file',
    description: 'One environment: its servers, their Docker hosts and roles, public names and settings. See docs/environment.md.',
    ...schema,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (require.main === module) {
  for (const [file, content] of [
    [SCHEMA_FILE, environmentJsonSchema()],
    [CATALOGUE_DOC, catalogueMarkdown()],
  ]) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    console.log(`wrote ${file}`);
  }
  for (const file of INPUT_RULES_DOCS) {
    fs.writeFileSync(file, withInputRules(fs.readFileSync(file, 'utf8')));
    console.log(`wrote the input rules into ${file}`);
  }
}
