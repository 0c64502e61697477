/**
 * The CI pipelines of docs/ci/ parse as YAML, run the tests before `impact`, post its report on
 * the merge request and map each exit code of `npm run impact` to a label.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const read = (file: string) => fs.readFileSync(path.join(__dirname, '..', 'docs', 'ci', file), 'utf8');

/** Every shell line of a parsed pipeline, in order. */
function scriptLines(value: unknown): string[] {
  if (typeof value === 'string') return value.split('\n');
  if (Array.isArray(value)) return value.flatMap(scriptLines);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      ['script', 'run', 'steps', 'jobs', 'test', 'impact'].includes(k) || typeof v === 'object' ? scriptLines(v) : [],
    );
  return [];
}

test.each([
  ['gitlab-ci.yml', /notes/],
  ['github-actions.yml', /gh pr comment/],
])('%s: tests, then impact against the merge base, comment and one label per exit code', (file, comment) => {
  const lines = scriptLines(parse(read(file)));
  const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
  expect(at(/\.ci\/run/)).toBeGreaterThanOrEqual(0);
  expect(at(/npm run --silent impact -- --base "\$base"/)).toBeGreaterThan(at(/\.ci\/run/));
  expect(at(/git merge-base HEAD/)).toBeGreaterThanOrEqual(0);
  expect(at(comment)).toBeGreaterThan(at(/npm run --silent impact/));
  expect(lines.join('\n')).toMatch(/0\) echo impact:+none;; 2\) echo impact:+restart;; \*\) echo impact:+data-loss;;/);
});
