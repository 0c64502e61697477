/**
 * How the synth entry points (main.ts, synth/cli.ts) print a failure. What the operator or the
 * library user can fix is printed as it is: every issue of the environment files (ConfigError),
 * a refused output directory, a stale provider lock, a construct that refused its props
 * (ValidationError: it names the construct path), a refused synth cache. Anything else, an InternalError first, is a bug
 * of xivo-cdktf: it is printed as one, with its stack, so that it can be reported.
 */
import { ConfigError } from '../config/errors';
import { InternalError, ValidationError } from '../constructs/errors';
import { OutputDirectoryError } from '../stacks/output-directory';
import { ProviderLockError } from '../stacks/provider-lock';
import { SynthCacheError } from './cache-error';

/** Where to report a bug. */
export const BUG_REPORT = 'this is a bug of xivo-cdktf: report it with this output (the environment files are not at fault)';

/** The text an entry point prints on stderr before exiting 1. */
export function failureMessage(error: unknown): string {
  if (error instanceof ConfigError || error instanceof OutputDirectoryError || error instanceof ProviderLockError || error instanceof SynthCacheError)
    return error.message;
  if (ValidationError.isValidationError(error)) return `Synth failed: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const kind = InternalError.isInternalError(error) ? '' : 'unexpected error: ';
  return `Synth failed: ${kind}${message}\n${BUG_REPORT}\n${stack}`.trimEnd();
}
