/** The ZpetlError `f` throws (anything else, or nothing, fails the test). */
import { ZpetlError } from '../../src/core/errors.js';

export function errorOf(f: () => unknown): ZpetlError {
  try {
    f();
  } catch (e) {
    if (e instanceof ZpetlError) return e;
    throw e;
  }
  throw new Error('did not throw');
}
