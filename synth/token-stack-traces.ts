/**
 * cdktf captures a full stack trace every time a token (Lazy, Fn.*, a reference) is created,
 * only to decorate a later resolution error: about a fifth of synth's CPU time and tens of MiB on
 * a big estate. Synth replaces cdktf's capture with a stub, as the unit tests do (their Jest
 * moduleNameMapper). `XIVO_TOKEN_STACK_TRACES=1` keeps cdktf's traces when debugging such an error.
 */

import { TOKEN_STACK_TRACE_MODULE as STACK_TRACE_MODULE } from '../constructs/terraform-cdk';

const noStackTrace = (): string[] => [];

/** Replaces cdktf's token stack-trace capture, unless XIVO_TOKEN_STACK_TRACES=1. @returns whether the stub is active */
export function stubTokenStackTraces(): boolean {
  if (process.env.XIVO_TOKEN_STACK_TRACES === '1') return false;
  const module = require(STACK_TRACE_MODULE) as { captureStackTrace: (below?: unknown) => string[] };
  module.captureStackTrace = noStackTrace;
  return true;
}

/* eslint-disable jsdoc/check-tag-names -- @public tells knip that a child process uses it */
/**
 * Whether cdktf's capture is the stub (for tests and the bench).
 * @public token-stack-traces.test.ts calls it from dist/ in a child process, where knip cannot see it
 */
/* eslint-enable jsdoc/check-tag-names */
export function tokenStackTracesStubbed(): boolean {
  return (require(STACK_TRACE_MODULE) as { captureStackTrace: unknown }).captureStackTrace === noStackTrace;
}
