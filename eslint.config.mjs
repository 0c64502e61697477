// ESLint (npm run lint): typescript-eslint's recommended rules, and the CDK convention that every
// optional property of an exported `...Props` interface says what happens when it is left out
// (a JSDoc comment with an `@default` tag, as aws-cdk's awslint requires): the local rule
// xivo/props-default (scripts/eslint-rules/), since eslint-plugin-jsdoc's selectors cannot name
// the interface; eslint-plugin-jsdoc checks that tags are real tags.
import js from '@eslint/js';
import jsdoc from 'eslint-plugin-jsdoc';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import propsDefault from './scripts/eslint-rules/props-default.js';

export default tseslint.config(
  { ignores: ['dist/', 'lib/', 'cdktf.out/', 'cdktf.out.*/', 'node_modules/', 'docs/api/', '.gen/', 'coverage/', '.synth-cache/', '.bench/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts'],
    plugins: { jsdoc, xivo: { rules: { 'props-default': propsDefault } } },
    rules: {
      'xivo/props-default': 'error',
      // A misspelt tag (@defualt) is no tag at all: TypeDoc would print it as text.
      'jsdoc/check-tag-names': ['error', { typed: true }],
      // Readability: prettier (npm run lint checks it) writes code within 150 columns; comments are kept within 150 by hand.
      // `const { '//': _metadata, ...json } = x` drops a key: that is what rest siblings are for.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      'max-len': ['error', { code: 150, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    // Errors are typed (constructs/errors.ts: ValidationError, UnscopedValidationError, InternalError, or a
    // module's own class): an entry point prints bad input as it is and anything else as a bug to report.
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    ignores: ['__tests__/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Error']",
          message: 'Throw a typed error (ValidationError, UnscopedValidationError, InternalError or a class of this module), not a plain Error.',
        },
        {
          selector: "CallExpression[callee.name='Error']",
          message: 'Throw a typed error (ValidationError, UnscopedValidationError, InternalError or a class of this module), not a plain Error.',
        },
      ],
    },
  },
  {
    // Tests read synthesized cdk.tf.json (untyped JSON) and build deliberately ill-typed hostile input:
    // `any` is their subject there (84 uses), not an accident.
    files: ['__tests__/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // synth/ loads config/, stacks/, main and cdktf's internals lazily (a cache hit never loads cdktf):
    // its require() calls are deliberate.
    files: ['synth/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
