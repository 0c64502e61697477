/** The local ESLint rule xivo/props-default (scripts/eslint-rules/props-default.js), run by ESLint's RuleTester. */
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS rule module, as ESLint loads it
const rule = require('../scripts/eslint-rules/props-default.js');

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('xivo/props-default', rule, {
  valid: [
    // a tag on its own line, or ending a one-line comment (TypeDoc renders both as "Default")
    "export interface FooProps {\n  /**\n   * Mode.\n   * @default '0600'\n   */\n  readonly mode?: string;\n}",
    "export interface FooProps {\n  /** Mode. @default '0600' (a secret) */\n  readonly mode?: string;\n}",
    // required properties need nothing
    'export interface FooProps {\n  readonly name: string;\n}',
    // not exported, or not a Props interface
    'interface FooProps {\n  readonly mode?: string;\n}',
    'export interface FooOptions {\n  readonly mode?: string;\n}',
    // a nested object type's members are not the interface's properties
    'export interface FooProps {\n  /** Limits. @default none */\n  readonly limits?: { cpu?: number };\n}',
    // methods are not properties
    'export interface FooProps {\n  hook?(): void;\n}',
  ],
  invalid: [
    {
      code: 'export interface FooProps {\n  readonly mode?: string;\n}',
      errors: [{ messageId: 'missingJsdoc', data: { iface: 'FooProps', prop: 'mode' }, line: 2 }],
    },
    {
      // a line comment is no JSDoc; neither is a plain block comment
      code: "export interface FooProps {\n  // @default '0600'\n  readonly mode?: string;\n  /* @default 1 */\n  readonly n?: number;\n}",
      errors: [
        { messageId: 'missingJsdoc', data: { iface: 'FooProps', prop: 'mode' }, line: 3 },
        { messageId: 'missingJsdoc', data: { iface: 'FooProps', prop: 'n' }, line: 5 },
      ],
    },
    {
      code: 'export interface FooProps {\n  /** Mode of the file. */\n  readonly mode?: string;\n  /** A @defaults lookalike, or an email a@default.org. */\n  readonly other?: string;\n}',
      errors: [
        { messageId: 'missingDefault', data: { iface: 'FooProps', prop: 'mode' }, line: 3 },
        { messageId: 'missingDefault', data: { iface: 'FooProps', prop: 'other' }, line: 5 },
      ],
    },
    {
      // the comment of the previous property does not count for the next one
      code: "export interface FooProps {\n  /** @default 1 */\n  readonly a?: number;\n  readonly 'b-c'?: number;\n}",
      errors: [{ message: "FooProps.'b-c' is optional: document it with a JSDoc comment and an @default tag (what happens when it is left out)." }],
    },
  ],
});
