/**
 * The error types (constructs/errors.ts, shaped like aws-cdk's) and what the synth entry points
 * print for each: bad input as it is, anything else as a bug to report.
 */
import { TerraformStack, Testing } from '../constructs/terraform-cdk';
import { ConfigError } from '../config/errors';
import { InternalError, UnscopedValidationError, ValidationError } from '../constructs/errors';
import { goDuration } from '../constructs/go-duration';
import { mergeHocon, renderXucConf } from '../constructs/xuc/hocon';
import { Runbook } from '../constructs/runbook';
import { OutputDirectoryError } from '../stacks/output-directory';
import { BUG_REPORT, failureMessage } from '../synth/failure';
import { shownBySynth } from '../synth/report';
import { thrownBy } from './support/thrown';

const stack = () => new TerraformStack(Testing.app(), 'pbx');

describe('ValidationError(message, scope)', () => {
  test('starts with the construct path, keeps it, and is recognised across copies of the module', () => {
    const error = new ValidationError('give at least one KDC', stack());
    expect(error.message).toBe('pbx: give at least one KDC');
    expect(error.constructPath).toBe('pbx');
    expect(error.name).toBe('ValidationError');
    expect(ValidationError.isValidationError(error)).toBe(true);
    expect(ValidationError.isValidationError(new InternalError('x'))).toBe(false);
  });

  test('the unscoped variant of a helper is a validation error without a path', () => {
    const error = thrownBy(() => goDuration('1.5s'));
    expect(error).toBeInstanceOf(UnscopedValidationError);
    expect(error.message).toBe('duration "1.5s" must be like 30s, 1m30s or 2h');
    expect(error.name).toBe('ValidationError');
    expect(ValidationError.isValidationError(error)).toBe(true);
  });

  test('HOCON helpers refuse a bad key and a key set twice, unscoped', () => {
    expect(thrownBy(() => renderXucConf({ 'a b': 'x' }))).toEqual(new UnscopedValidationError('HOCON key "a b" must be a plain identifier'));
    expect(thrownBy(() => mergeHocon([{ a: { b: 'x' } }, { a: { b: 'y' } }]))).toEqual(new UnscopedValidationError('xuc.conf key "b" is set twice'));
  });
});

describe('InternalError', () => {
  test('says it is internal, with the construct path when there is one', () => {
    expect(new InternalError('no upstream named up_x', stack()).message).toBe('pbx: internal error: no upstream named up_x');
    const unscoped = new InternalError('stacks depend on each other in a cycle: a -> a');
    expect(unscoped.message).toBe('internal error: stacks depend on each other in a cycle: a -> a');
    expect(unscoped.constructPath).toBeUndefined();
    expect(InternalError.isInternalError(unscoped)).toBe(true);
  });
});

describe('Runbook.writeAll', () => {
  test('two runbooks of one environment with one name and different contents are refused', () => {
    const app = Testing.app();
    new Runbook(new TerraformStack(app, 'a'), 'rb', { environment: 'lab', name: 'notes', content: '# one' });
    const second = new Runbook(new TerraformStack(app, 'b'), 'rb', { environment: 'lab', name: 'notes', content: '# two' });
    const error = thrownBy(() => Runbook.writeAll(app));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(`b/rb: runbook runbooks/lab/notes.md differs from the one of a/rb: give each runbook of an environment its own name`);
    expect((error as ValidationError).constructPath).toBe(second.node.path);
  });
});

describe('what synth prints when it fails', () => {
  test('bad input as it is: the environment files, the output directory, a construct that refused its props', () => {
    const config = new ConfigError([{ file: 'environments/x.yaml', line: 2, column: 1, path: ['name'], message: 'is wrong' }]);
    expect(failureMessage(config)).toBe(config.message);
    expect(failureMessage(new OutputDirectoryError('output directory /x refused'))).toBe('output directory /x refused');
    expect(failureMessage(new ValidationError('give at least one KDC', stack()))).toBe('Synth failed: pbx: give at least one KDC');
  });

  test('an internal error, or any other, as a bug to report, with its stack', () => {
    const internal = failureMessage(new InternalError('no upstream named up_x'));
    expect(internal.split('\n').slice(0, 2)).toEqual(['Synth failed: internal error: no upstream named up_x', BUG_REPORT]);
    expect(internal).toContain('at ');
    expect(failureMessage(new TypeError('x is undefined')).split('\n').slice(0, 2)).toEqual([
      'Synth failed: unexpected error: x is undefined',
      BUG_REPORT,
    ]);
  });
});

describe('each warning once under the cdktf CLI', () => {
  const messages = [
    'lab-allinone/cc/xuc: a warning',
    'lab-allinone: a stack warning',
    'environments/lab.yaml:3:1: edge.rateLimits: is false',
    'docs/lab: a topology warning',
  ];

  test('synth run by itself prints every message', () => {
    expect(shownBySynth(messages, ['lab-allinone'], {})).toEqual(messages);
  });

  test('under the cdktf CLI (CDKTF_CONTEXT_JSON set) the constructs annotations are left to the CLI, which prints them from the manifest', () => {
    expect(shownBySynth(messages, ['lab-allinone'], { CDKTF_CONTEXT_JSON: '{}' })).toEqual(messages.slice(2));
  });
});
