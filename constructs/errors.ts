/**
 * The two kinds of errors a construct throws. A `ValidationError` is the caller's to fix (bad
 * props: a wrong URL, an unsupported key type); an `InternalError` is ours (a broken invariant).
 * Both start with the construct path, so a message from a deep tree still says where.
 */
import { IConstruct } from 'constructs';

/** Bad input given to a construct: the message says what is wrong and what to write instead. */
export class ValidationError extends Error {
  /** Path of the construct that refused its props. */
  readonly constructPath: string;

  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: ${message}`);
    this.name = 'ValidationError';
    this.constructPath = scope.node.path;
  }
}

/** A broken invariant of this library: never the caller's fault; report it as a bug. */
export class InternalError extends Error {
  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: internal error: ${message}`);
    this.name = 'InternalError';
  }
}
