/**
 * Hostile values that are only text are accepted, and synthesized as Terraform literals: no
 * template sequence of the file stays live. (Terraform's own rendering of each: see
 * conformance/hostile-literals.test.ts.)
 */
import { Lazy, Token } from '../../constructs/terraform-cdk';
import { isNumberToken } from '../../config/literal';
import { buildLiteralCases, HOSTILE_VALUES, HOSTILE_WORDS, liveTemplateSequences } from './literal-cases';

const cases = buildLiteralCases();

test.each(cases.map((c) => [c.field, c.value, c] as const))('%s = %j is synthesized as a literal', (_field, _value, c) => {
  expect(c.synthesized).toBeDefined();
  expect(liveTemplateSequences(c.synthesized)).toEqual([]);
  expect(c.synthesized).not.toMatch(/TfToken\[/);
});

test('every value in every free-text field', () => {
  // Free-text fields of each word (the image repository and containerPath are not: both are limited).
  expect(cases.length).toBe(HOSTILE_VALUES.length + HOSTILE_WORDS.length * 8);
});

test('the scanner finds live sequences as HCL does', () => {
  expect(liveTemplateSequences('a${x}b%{y}')).toEqual([1, 6]);
  expect(liveTemplateSequences('a$${x}b%%{y}')).toEqual([]);
  expect(liveTemplateSequences('$$${x}')).toEqual([]);
  expect(liveTemplateSequences('$$$${x}')).toEqual([]);
  expect(liveTemplateSequences('$ {x}')).toEqual([]);
});

describe('number tokens are found without cdktf (config/ never loads it)', () => {
  test('isNumberToken agrees with cdktf on its own number and number-list tokens, and on plain numbers', () => {
    const tokens = [Token.asNumber(Lazy.numberValue({ produce: () => 1 })), ...Token.asNumberList(Lazy.listValue({ produce: () => ['1'] }))];
    for (const token of tokens) expect(isNumberToken(token)).toBe(true);
    expect(Token.isUnresolved(tokens[0])).toBe(true);
    for (const plain of [0, 1, -1, 4096, 65535, 1e300, -1e300, Number.MAX_SAFE_INTEGER, 0.5, Infinity, -Infinity, NaN]) {
      expect([plain, isNumberToken(plain)]).toEqual([plain, Token.isUnresolved(plain)]);
    }
  });
});
