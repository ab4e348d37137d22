/**
 * The hash stored with a record's payload when it is marked sent (records.payload_hash, written by
 * record-store.ts): equal payloads hash alike whatever their key order, so a changed payload between
 * runs shows.
 */
import { createHash } from 'node:crypto';

/** sha256 (hex) of a canonical JSON form (keys sorted, undefined values left out). */
export function payloadHash(values: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(values)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
