/**
 * Every string of an environment file is a literal for Terraform and cdktf. This is the one
 * choke point: `literalProblems` refuses what cannot be made literal (a cdktf token, a number
 * token, control characters), and `literalize` escapes Terraform's template sequences
 * (`${` → `$${`, `%{` → `%%{`) in every string of the validated file, before the model is
 * built from it. Constructs never see an unescaped string from a file.
 */
import { KeyPath } from './errors';
import type { Problem } from './rule';

/** Text cdktf resolves as one of its own tokens (`${TfToken[TOKEN.4]}`, list tokens `#{TfToken[...]}`, map tokens). */
const CDKTF_TOKEN = /TfToken\[/i;

/**
 * A number cdktf reads as a token: it encodes a token's index in a double whose top 16 bits are
 * 0xfdff, or 0xfbff for a list (cdktf/lib/tokens/private/encoding). Checked here bit by bit, so that
 * validating an environment file never loads cdktf; __tests__/hostile/literal.test.ts compares it with cdktf's own.
 */
export function isNumberToken(value: number): boolean {
  const bytes = new DataView(new ArrayBuffer(8));
  bytes.setFloat64(0, value, true);
  const marker = bytes.getUint32(4, true) >>> 16;
  return marker === 0xfdff || marker === 0xfbff;
}
/**
 * C0 controls, DEL and the Unicode line breaks (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR): no
 * value of an environment file is several lines (an env value, an OIDC field: cdktf and the env
 * files refuse or split them), so none is accepted anywhere. A tab passes only in free text:
 * never in keys nor URLs.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]/;
const URL_LIKE = /^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export const MESSAGES = {
  token:
    "holds a cdktf token (TfToken[...]): cdktf would replace it with another resource's value (a key, the shared token); write the literal value",
  numberToken: 'is a number cdktf reserves for its tokens: write another number',
  control:
    'holds a control character or a line break (a newline, a Unicode line separator, a tab in a URL, an escape, NUL, carriage return...) that would be stripped, split or passed on silently: write the value on one line, without it',
} as const;

/** Values that cannot become Terraform literals, with their key path. */
export function literalProblems(data: unknown): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, path: KeyPath) => {
    if (typeof value === 'string') {
      if (CDKTF_TOKEN.test(value)) problems.push({ path, message: MESSAGES.token });
      else if ((URL_LIKE.test(value) ? CONTROL : CONTROL_BUT_TAB).test(value)) problems.push({ path, message: MESSAGES.control });
    } else if (typeof value === 'number') {
      if (isNumberToken(value)) problems.push({ path, message: MESSAGES.numberToken });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i]));
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (CDKTF_TOKEN.test(key)) problems.push({ path: [...path, key], message: MESSAGES.token });
        else if (CONTROL.test(key)) problems.push({ path: [...path, key], message: MESSAGES.control });
        else visit(v, [...path, key]);
      }
    }
  };
  visit(data, []);
  return problems;
}

/** A string as a Terraform literal: template sequences escaped. */
export function terraformLiteral(value: string): string {
  // Replacement functions: in a replacement string, `$$` would mean a single `$`.
  return value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** A deep copy of validated data with every string (keys and values) made a Terraform literal. */
export function literalize<T>(data: T): T {
  if (typeof data === 'string') return terraformLiteral(data) as T;
  if (Array.isArray(data)) return data.map(literalize) as T;
  if (data && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [terraformLiteral(k), literalize(v)])) as T;
  }
  return data;
}
