/**
 * `CHANGE_ME`: the one marker `zpetl init` writes where it could not tell a value (a column, a key, an
 * enum's target). A file holding one parses and is read like any other, and validation names each
 * marker left with its path and line (load-pipeline.ts), so a starter pipeline never runs half-filled.
 */
import type { PathPart } from './config-path.js';

/** The marker. */
export const CHANGE_ME = 'CHANGE_ME';

/** A marked value with a note saying what belongs there: `CHANGE_ME (one of none, low, medium, high)`. */
export function placeholder(note?: string): string {
  return note === undefined ? CHANGE_ME : `${CHANGE_ME} (${note})`;
}

/** True for a value still holding the marker. */
export function isPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && value.includes(CHANGE_ME);
}

/** Every marked string value (object keys are not values: an enum map's keys come from the data), with its path. */
export function findPlaceholders(value: unknown, path: PathPart[] = []): { path: PathPart[]; value: string }[] {
  if (isPlaceholder(value)) return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => findPlaceholders(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => findPlaceholders(v, [...path, k]));
  return [];
}
