/**
 * Validates parsed command-line arguments with zod after yargs has parsed them: yargs knows the
 * flags, zod knows what each value must be. A problem is a USAGE_INVALID error (exit 2) that names
 * the flag, what was expected and what was given.
 */
import { z } from 'zod';
import { ZpetlError } from '../core/errors.js';

function flagName(path: PropertyKey[]): string {
  const key = String(path[0] ?? '');
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Parses `argv` (yargs output) with `schema`; throws USAGE_INVALID listing every problem. */
export function parseArgs<S extends z.ZodType>(schema: S, argv: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(argv);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const given = i.path.length > 0 ? argv[String(i.path[0])] : undefined;
    // yargs turns a non-numeric value of a number flag into NaN (JSON: null): say what that means.
    if (typeof given === 'number' && Number.isNaN(given)) return `${flagName(i.path)}: expected a number, got text that is not one`;
    const shown = given === undefined ? '' : ` (given: ${JSON.stringify(given)})`;
    return `${flagName(i.path)}: ${i.message}${shown}`;
  });
  throw new ZpetlError('USAGE_INVALID', problems.length === 1 ? problems[0]! : 'invalid arguments', {
    details: problems.length === 1 ? {} : { problems },
  });
}

/** `HH:MM-HH:MM`, the off-peak window form on the command line. */
export const windowArg = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM-HH:MM, e.g. 22:00-06:00');

/** An IANA time zone the runtime knows. */
export const timeZoneArg = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as Europe/Berlin');
