/**
 * Adjustments: what changed in a period since its last snapshot, as signed rows, so that
 * previous export + adjustments = a fresh full export, field by field (nothing paid twice or missed).
 *
 * Per log (previous snapshot vs now):
 *  | before                  | now                       | rows                                      |
 *  |-------------------------|---------------------------|-------------------------------------------|
 *  | unknown                 | paid                      | `added` (+)                               |
 *  | seen, not approved      | paid                      | `newly-approved` (+)                      |
 *  | seen, excluded otherwise| paid                      | `included` (+)                            |
 *  | paid                    | paid, content changed     | `changed-reversal` (−old), `changed` (+new)|
 *  | paid                    | paid, same content, other figures (rounding/overtime/employee moved) | `recomputed-reversal` (−old), `recomputed` (+new) |
 *  | paid                    | seen, not approved        | `unapproved` (−old)                       |
 *  | paid                    | seen, excluded otherwise  | `excluded` (−old)                         |
 *  | paid                    | gone                      | `deleted` (−old)                          |
 */
import type { SnapshotLog } from '../checkpoint/payroll-snapshots.js';
import type { LocalDate } from '../core/local-date.js';
import { compareIds, type PayrollRow } from './compute.js';
import { addDurations, decodeRecord, logRecord, zeroDurations, type Durations, type LayoutRecord } from './layouts.js';

export const ADJUSTMENT_REASONS = [
  'added',
  'newly-approved',
  'included',
  'changed-reversal',
  'changed',
  'recomputed-reversal',
  'recomputed',
  'unapproved',
  'excluded',
  'deleted',
] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export interface AdjustmentEntry {
  reason: AdjustmentReason;
  logId: string;
  /** Signed: reversals carry negated durations. */
  record: LayoutRecord;
}

/** What this run saw for one log. */
export interface CurrentLog {
  logId: string;
  contentHash: string;
  /** Present when the log is paid in this run (its record is built on demand: holding 100k records costs GC time). */
  row?: PayrollRow;
  excludedReason?: string;
}

const negate = (r: LayoutRecord): LayoutRecord => {
  const d = zeroDurations();
  addDurations(d, r.durations, -1);
  return { text: r.text, durations: d };
};
const sameDurations = (a: Durations, b: Durations) => (Object.keys(a) as (keyof Durations)[]).every((k) => a[k] === b[k]);
const sameText = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).every((k) => k === 'period_start' || k === 'period_end' || a[k] === b[k]);

export function diffSnapshot(previous: Map<string, SnapshotLog>, current: Iterable<CurrentLog>, period: { start: LocalDate; end: LocalDate }): AdjustmentEntry[] {
  const out: AdjustmentEntry[] = [];
  const seen = new Set<string>();
  for (const c of current) {
    seen.add(c.logId);
    const p = previous.get(c.logId);
    const prevRecord = p?.included && p.record ? decodeRecord(p.record) : undefined;
    if (c.row) {
      const record = logRecord(c.row, period);
      if (!prevRecord) {
        const reason: AdjustmentReason = !p ? 'added' : p.excludedReason?.startsWith('approval:') ? 'newly-approved' : 'included';
        out.push({ reason, logId: c.logId, record });
      } else if (p!.contentHash !== c.contentHash) {
        out.push({ reason: 'changed-reversal', logId: c.logId, record: negate(prevRecord) });
        out.push({ reason: 'changed', logId: c.logId, record });
      } else if (!sameDurations(prevRecord.durations, record.durations) || !sameText(prevRecord.text, record.text)) {
        out.push({ reason: 'recomputed-reversal', logId: c.logId, record: negate(prevRecord) });
        out.push({ reason: 'recomputed', logId: c.logId, record });
      }
    } else if (prevRecord) {
      out.push({ reason: c.excludedReason?.startsWith('approval:') ? 'unapproved' : 'excluded', logId: c.logId, record: negate(prevRecord) });
    }
  }
  for (const [id, p] of previous) {
    if (seen.has(id) || !p.included || !p.record) continue;
    out.push({ reason: 'deleted', logId: id, record: negate(decodeRecord(p.record)) });
  }
  return out.sort(compareEntries);
}

const REASON_ORDER = new Map(ADJUSTMENT_REASONS.map((r, i) => [r, i]));
const t = (a = '', b = '') => (a < b ? -1 : a > b ? 1 : 0);

/** Same order as full exports (employee id, email, date, log id), reversal before its replacement. */
export function compareEntries(a: AdjustmentEntry, b: AdjustmentEntry): number {
  const ae = a.record.text.employee_id ? 0 : 1;
  const be = b.record.text.employee_id ? 0 : 1;
  return (
    ae - be ||
    compareIds(a.record.text.employee_id ?? '', b.record.text.employee_id ?? '') ||
    t(a.record.text.email, b.record.text.email) ||
    t(a.record.text.date, b.record.text.date) ||
    compareIds(a.logId, b.logId) ||
    REASON_ORDER.get(a.reason)! - REASON_ORDER.get(b.reason)!
  );
}

/** Employee-level adjustment rows: the signed sums per employee, with reasons counted (`added:2;changed:1`). */
export function employeeAdjustments(entries: readonly AdjustmentEntry[]): { reason: string; record: LayoutRecord }[] {
  const by = new Map<string, { reasons: Map<string, number>; record: LayoutRecord }>();
  for (const e of entries) {
    const k = e.record.text.employee_id ? `emp:${e.record.text.employee_id}` : `user:${e.record.text.user_id}|${e.record.text.email}`;
    let g = by.get(k);
    if (!g) {
      g = {
        reasons: new Map(),
        record: {
          text: {
            employee_id: e.record.text.employee_id ?? '',
            employee_name: e.record.text.employee_name ?? '',
            email: e.record.text.email ?? '',
            user_id: e.record.text.user_id ?? '',
            period_start: e.record.text.period_start ?? '',
            period_end: e.record.text.period_end ?? '',
            logs: '0',
          },
          durations: zeroDurations(),
        },
      };
      by.set(k, g);
    }
    const base = e.reason.replace(/-reversal$/, '');
    if (!e.reason.endsWith('-reversal')) g.reasons.set(base, (g.reasons.get(base) ?? 0) + 1);
    else if (!g.reasons.has(base)) g.reasons.set(base, 0);
    g.record.text.logs = String(Number(g.record.text.logs) + (e.reason.endsWith('-reversal') ? 0 : 1));
    addDurations(g.record.durations, e.record.durations);
  }
  return [...by.values()].map((g) => ({
    reason: [...g.reasons.entries()]
      .sort((a, b) => REASON_ORDER.get(a[0] as AdjustmentReason)! - REASON_ORDER.get(b[0] as AdjustmentReason)!)
      .map(([r, n]) => `${r}:${n}`)
      .join(';'),
    record: g.record,
  }));
}
