/** Assertions on what a construct throws: its class, its exact message and the construct path. */
import { InternalError, ValidationError } from '../../constructs/errors';

/** The error a call throws; fails the test when the call returns. */
export function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw, it returned');
}

/** `action` refuses its props: a ValidationError of `constructPath` whose whole message is `message`. */
export function expectValidationError(action: () => unknown, constructPath: string, message: string): void {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error.message).toBe(message);
  expect((error as ValidationError).constructPath).toBe(constructPath);
}

/** `action` breaks an invariant of the library: an InternalError whose whole message is `message`. */
export function expectInternalError(action: () => unknown, message: string): void {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(InternalError);
  expect(error.message).toBe(message);
}
