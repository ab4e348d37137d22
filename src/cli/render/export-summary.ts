/** The human summary of a payroll export: period, file, totals in hours, what was left out and why. */
import type { ExportResult } from '../../payroll/run-payroll-export.js';

const hours = (minutes: number) => `${Math.trunc(minutes / 60)}:${String(Math.abs(minutes % 60)).padStart(2, '0')}`;

export function exportSummaryLines(r: ExportResult, shownPath: string): string[] {
  const t = r.totals;
  const lines = [
    `period ${r.period.start}..${r.period.end}${r.period.label === `${r.period.start}..${r.period.end}` ? '' : ` (${r.period.label})`}, layout ${r.layout}, ${r.mode === 'adjustments' ? 'adjustments only' : 'full export'}`,
    `wrote ${shownPath}: ${r.rows} row(s), sha256 ${r.outputSha256.slice(0, 16)}…`,
    `${t.logs} log(s) of ${t.employees} employee(s): paid ${hours(t.paidMinutes)} h (regular ${hours(t.regularMinutes)}, overtime ${hours(t.overtimeMinutes)}; billable ${hours(t.billableMinutes)}, non-billable ${hours(t.nonBillableMinutes)})`,
  ];
  const ex = r.counts.excluded;
  const byApproval = Object.entries(ex.approval).map(([k, n]) => `${n} ${k.toLowerCase()}`);
  const other = [
    ...byApproval,
    ex.billing ? `${ex.billing} by the billing filter` : '',
    ex.users ? `${ex.users} by the user filter` : '',
    ex.projects ? `${ex.projects} by the project filter` : '',
    ex.outsidePeriod ? `${ex.outsidePeriod} outside the period` : '',
    ex.duplicates ? `${ex.duplicates} listed twice` : '',
  ].filter((s) => s !== '');
  lines.push(`read ${r.counts.read}, included ${r.counts.included}, rejected ${r.counts.rejected}${other.length ? `; not paid: ${other.join(', ')}` : ''}`);
  if (r.adjustments) lines.push(`adjustments: ${r.adjustments.rows} row(s) (${Object.entries(r.adjustments.byReason).map(([k, n]) => `${n} ${k}`).join(', ') || 'none'})`);
  for (const e of r.rejected.slice(0, 10)) lines.push(`reject ${e.code} log ${e.logId || '?'}: ${e.message}`);
  if (r.rejected.length > 10) lines.push(`… ${r.rejected.length - 10} more rejects (--json lists them all)`);
  for (const w of r.warnings) lines.push(`warning ${w.code}: ${w.message}`);
  lines.push(r.exitCode === 0 ? 'export finished (exit 0)' : 'export finished with problems to look at (exit 3): the file is complete for everything else');
  return lines;
}
