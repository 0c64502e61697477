/**
 * Hostile values that are only text are accepted, and synthesized as Terraform literals: no
 * template sequence of the file stays live. (Terraform's own rendering of each: see
 * conformance/hostile-literals.test.ts.)
 */
import { buildLiteralCases, HOSTILE_VALUES, HOSTILE_WORDS, liveTemplateSequences } from './literal-cases';

const cases = buildLiteralCases();

test.each(cases.map((c) => [c.field, c.value, c] as const))('%s = %j is synthesized as a literal', (_field, _value, c) => {
  expect(c.synthesized).toBeDefined();
  expect(liveTemplateSequences(c.synthesized)).toEqual([]);
  expect(c.synthesized).not.toMatch(/TfToken\[/);
});

test('every value in every free-text field', () => {
  expect(cases.length).toBe(HOSTILE_VALUES.length + HOSTILE_WORDS.length * 10);
});

test('the scanner finds live sequences as HCL does', () => {
  expect(liveTemplateSequences('a${x}b%{y}')).toEqual([1, 6]);
  expect(liveTemplateSequences('a$${x}b%%{y}')).toEqual([]);
  expect(liveTemplateSequences('$$${x}')).toEqual([]);
  expect(liveTemplateSequences('$$$${x}')).toEqual([]);
  expect(liveTemplateSequences('$ {x}')).toEqual([]);
});
