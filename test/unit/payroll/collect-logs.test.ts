import { describe, expect, it } from 'vitest';
import { collectLogs } from '../../../src/payroll/collect-logs.js';
import type { ExportWarning } from '../../../src/payroll/export-warnings.js';
import { fakeClient, tlog } from '../../helpers/payroll-fakes.js';

describe('collectLogs', () => {
  it('sorts each log into accepted or excluded by the first filter that applies, and counts each', async () => {
    const ok = tlog({ date: '2026-11-02', log_hour: '01:00' });
    const logs = [
      ok,
      { ...ok, log_hour: '02:00' }, // the same id again, other content: a duplicate with a warning
      tlog({ date: '2026-11-02', log_hour: '01:00', approval_status: 'Unapproved', billing_status: 'Non Billable' }), // approval first
      tlog({ date: '2026-11-03', log_hour: '01:00', billing_status: 'Non Billable' }),
      tlog({ date: '2026-11-03', log_hour: '01:00', email: 'bob@example.com' }),
      tlog({ date: '2026-11-04', log_hour: '01:00', project: { id: '9', name: 'Other' } }),
      tlog({ date: '2026-11-04', log_hour: '99:99' }), // unreadable duration: rejected
    ];
    const warnings: ExportWarning[] = [];
    const rejects: string[] = [];
    const got = await collectLogs(
      { type: 'api', client: fakeClient(logs) },
      undefined,
      { approval: ['approved'], billable: 'billable', users: ['ANN@example.com'], projects: ['apollo'] },
      { start: '2026-11-01', end: '2026-11-30', label: '2026-11' },
      undefined,
      { progress: () => {}, reject: (e) => rejects.push(e.code), warn: (w) => warnings.push(w) },
    );
    expect(got.accepted.map((l) => l.id)).toEqual([ok.id]);
    expect(got.excluded.map((x) => x.reason)).toEqual(['approval:Unapproved', 'filter:billing', 'filter:users', 'filter:projects', expect.stringMatching(/^rejected:/)]);
    expect(got.counts).toEqual({ read: 7, included: 0, excluded: { approval: { Unapproved: 1 }, billing: 1, users: 1, projects: 1, outsidePeriod: 0, duplicates: 1 }, rejected: 0 });
    expect(got.rejected).toHaveLength(1);
    expect(rejects).toEqual([got.rejected[0]!.code]);
    expect(warnings.map((w) => w.code)).toEqual(['PAYROLL_DUPLICATE_LOG']);
  });

  it('reports progress every 5,000 logs', async () => {
    const logs = Array.from({ length: 10_001 }, () => tlog({ date: '2026-11-02', log_hour: '00:10' }));
    const seen: number[] = [];
    await collectLogs({ type: 'api', client: fakeClient(logs) }, undefined, { approval: ['Approved'] }, { start: '2026-11-01', end: '2026-11-30', label: '2026-11' }, undefined, {
      progress: (n) => seen.push(n),
      reject: () => {},
      warn: () => {},
    });
    expect(seen).toEqual([5000, 10_000]);
  });
});
