import type { SourcePosition } from '../../core/errors.js';
import type { Outcome } from '../../core/record.js';

/**
 * A compiled converter: value in, value or row error out. Never throws, never reads the host's zone.
 * Converters receive non-empty values only; `mapRecord` handles missing values before them.
 */
export type ConvertFn = (value: unknown, pos: SourcePosition, field: string) => Outcome<unknown>;
