/**
 * The errors of this library, shaped like aws-cdk's (`aws-cdk-lib/core/lib/errors.ts`) and
 * TerraConstructs': a `ValidationError(message, scope)` is the caller's to fix (bad props: a
 * wrong URL, a route on a path already taken), an `UnscopedValidationError(message)` is the same
 * from a helper that has no construct at hand (a duration, a HOCON key), and an `InternalError`
 * is ours: a broken invariant, never the caller's fault, to be reported as a bug. A scoped error
 * starts with the construct path, so a message from a deep tree still says where.
 *
 * Plain `Error` is not thrown outside tests: an entry point (main.ts, synth/cli.ts) prints a
 * validation error as it is and anything else as a bug to report.
 */
import type { IConstruct } from 'constructs';

/** Marks the errors of this library across copies of the module (`instanceof` fails across two installs). */
const VALIDATION = Symbol.for('xivo-cdktf.ValidationError');
const INTERNAL = Symbol.for('xivo-cdktf.InternalError');

/**
 * Keeps the message as written. Constructs render lazily (cdktf `Lazy`), so a refusal may be thrown
 * while cdktf resolves a value; cdktf's token resolver then rewrites the message of whatever it
 * catches into `Resolution error: <message>.`, once per nesting level. The sentence that names the
 * construct and says what to write instead is the whole message: writes to it are ignored.
 */
function keepMessage(error: Error, message: string): void {
  Object.defineProperty(error, 'message', { get: () => message, set: () => undefined, enumerable: false, configurable: true });
}

/** Bad input given to a construct: the message says what is wrong and what to write instead. */
export class ValidationError extends Error {
  /** Whether `error` is a ValidationError or an UnscopedValidationError of this library (any copy of it). */
  static isValidationError(error: unknown): error is ValidationError | UnscopedValidationError {
    return typeof error === 'object' && error !== null && VALIDATION in error;
  }

  /** Path of the construct that refused its props. */
  readonly constructPath: string;

  constructor(message: string, scope: IConstruct) {
    super(`${scope.node.path}: ${message}`);
    this.name = 'ValidationError';
    this.constructPath = scope.node.path;
    Object.defineProperty(this, VALIDATION, { value: true });
    keepMessage(this, this.message);
  }
}

/** Bad input found by a helper that is not a construct (a duration, a HOCON key): a ValidationError without a path. */
export class UnscopedValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
    Object.defineProperty(this, VALIDATION, { value: true });
    keepMessage(this, this.message);
  }
}

/** A broken invariant of this library ("cannot happen"): never the caller's fault; report it as a bug. */
export class InternalError extends Error {
  /** Whether `error` is an InternalError of this library (any copy of it). */
  static isInternalError(error: unknown): error is InternalError {
    return typeof error === 'object' && error !== null && INTERNAL in error;
  }

  /** Path of the construct where the invariant broke. @default none: found outside any construct */
  readonly constructPath?: string;

  constructor(message: string, scope?: IConstruct) {
    super(`${scope ? `${scope.node.path}: ` : ''}internal error: ${message}`);
    this.name = 'InternalError';
    this.constructPath = scope?.node.path;
    Object.defineProperty(this, INTERNAL, { value: true });
    keepMessage(this, this.message);
  }
}
