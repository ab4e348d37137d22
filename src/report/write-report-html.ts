/**
 * report.html: one self-contained file (inline CSS, no script, no external URL) for people who will
 * not open JSON: the summary, per-step counts, the source warnings (about a file as a whole: a repeated
 * header, no records after the header), the top reject reasons and sample rejected rows with their line
 * numbers, then the same for warnings (rows that loaded with a problem). Every value from the input is
 * HTML-escaped.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { showControlChars } from '../core/control-chars.js';
import { redactDeep } from '../core/redact.js';
import { ZOHO_RATE_LIMIT } from '../zoho/rate-limit.js';
import { countColumns, type RunReport } from './model.js';

export function escapeHtml(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Control characters (DEL and C1 pass JSON.stringify raw) shown as \uXXXX: invisible in a page otherwise.
  return showControlChars(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (n: number | undefined): string => (n === undefined ? '' : n.toLocaleString('en-US'));

export function formatDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return ms <= 0 ? '0 min' : '< 1 min';
  const h = Math.floor(min / 60);
  return h > 0 ? `${h} h ${min % 60} min` : `${min} min`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2430;max-width:72rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.75rem 0 .5rem}
table{border-collapse:collapse;margin:.25rem 0 1rem}th,td{border:1px solid #d5dae2;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f1f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#176b2c}.bad{color:#a1261b}.warn{color:#8a5a00}.muted{color:#5b6574}code,pre{font:12px ui-monospace,monospace}
pre{white-space:pre-wrap;word-break:break-all;margin:0;max-width:40rem}`;

export function renderReportHtml(r: RunReport): string {
  const dry = r.kind === 'dry-run';
  const countCols = countColumns(dry, r.totals.wouldUpdate !== undefined, r.steps.map((s) => s.counts));
  const status = statusHtml(r);
  const h: string[] = [];
  h.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.pipeline)} · ${dry ? 'dry run' : 'run'} report</title><style>${CSS}</style></head><body>`);
  h.push(`<h1>${escapeHtml(r.pipeline)}: ${dry ? 'dry run' : 'run'} report</h1>`);
  h.push(`<p class="muted">${escapeHtml(r.pipelineFile)} · ${escapeHtml(r.startedAt)} → ${escapeHtml(r.finishedAt)} · exit code ${r.exitCode}</p>`);
  h.push('<h2>Summary</h2><table>');
  h.push(`<tr><th>Status</th><td>${status}${r.error ? ` <code>${escapeHtml(r.error)}</code>` : ''}</td></tr>`);
  if (r.message) h.push(`<tr><th>Outcome</th><td>${escapeHtml(r.message)}</td></tr>`);
  if (r.runId !== undefined) h.push(`<tr><th>Run</th><td class="n">${r.runId}</td></tr>`);
  if (r.errorDetail?.hint) h.push(`<tr><th>Hint</th><td>${escapeHtml(r.errorDetail.hint)}</td></tr>`);
  h.push(`<tr><th>Rows read</th><td class="n">${fmt(r.totals.read)}</td></tr>`);
  if (dry) {
    h.push(`<tr><th>Valid</th><td class="n">${fmt(r.totals.valid)}</td></tr>`);
    const upd = r.totals.wouldUpdate !== undefined ? ` / ${fmt(r.totals.wouldUpdate)}` : '';
    h.push(`<tr><th>Would create / skip${upd ? ' / update' : ''}</th><td class="n">${fmt(r.totals.wouldCreate ?? 0)} / ${fmt(r.totals.wouldSkip ?? 0)}${upd}</td></tr>`);
    h.push(
      `<tr><th>Already loaded</th><td>${
        r.checkpointDb
          ? `rows whose key is in the crosswalk of <code>${escapeHtml(r.checkpointDb)}</code> are skipped${upd ? ' (updated in mode upsert)' : ''}, not created`
          : 'no checkpoint database yet: every valid row would be created'
      }</td></tr>`,
    );
  }
  else h.push(`<tr><th>Created / updated / skipped</th><td class="n">${fmt(r.totals.created)} / ${fmt(r.totals.updated)} / ${fmt(r.totals.skipped)}</td></tr>`);
  if (r.totals.folded) h.push(`<tr><th>Folded repeats</th><td class="n">${fmt(r.totals.folded)} (rows of <code>distinct: true</code> steps whose key came earlier, of the skipped)</td></tr>`);
  h.push(`<tr><th>Rejected</th><td class="n">${fmt(r.totals.rejected)}</td></tr>`);
  if (r.totals.warned) h.push(`<tr><th>Rows with warnings</th><td class="n">${fmt(r.totals.warned)}</td></tr>`);
  if (r.estimate) {
    h.push(`<tr><th>API calls (estimated)</th><td class="n">${fmt(r.estimate.totalCalls)}</td></tr>`);
    h.push(`<tr><th>Duration at the budget</th><td>${escapeHtml(formatDuration(r.estimate.durationMs))} (${r.estimate.callsPerWindow} calls / ${formatDuration(ZOHO_RATE_LIMIT.windowMs)} per endpoint)</td></tr>`);
    if (r.estimate.windowsNeeded !== undefined) h.push(`<tr><th>Off-peak windows needed</th><td class="n">${r.estimate.windowsNeeded} (${escapeHtml(r.estimate.window)})</td></tr>`);
  }
  if (!dry) {
    if (r.totals.inDoubt > 0) h.push(`<tr><th>Still in doubt</th><td class="n bad">${fmt(r.totals.inDoubt)} (reconciled by the next run)</td></tr>`);
    if (r.api) {
      const calls = Object.values(r.api).reduce((n, a) => n + a.calls, 0);
      const limited = Object.values(r.api).reduce((n, a) => n + a.rateLimited, 0);
      h.push(`<tr><th>API calls (made)</th><td class="n">${fmt(calls)} (${fmt(limited)} answered 429 / throttled)</td></tr>`);
    }
    h.push(`<tr><th>Duration</th><td>${escapeHtml(formatDuration(r.durationMs))}</td></tr>`);
  }
  if (r.retries !== undefined) h.push(`<tr><th>Retries</th><td class="n">${fmt(r.retries)}</td></tr>`);
  if (r.inDoubtReconciled !== undefined) {
    const rc = r.reconciled;
    const detail = rc ? ` (${fmt(rc.found)} found in Zoho, ${fmt(rc.notFound)} absent and sent again${rc.unresolved ? `, ${fmt(rc.unresolved)} unresolved` : ''})` : '';
    h.push(`<tr><th>In-doubt records reconciled</th><td class="n">${fmt(r.inDoubtReconciled)}${detail}</td></tr>`);
  }
  if (r.windowsUsed !== undefined) {
    const list = r.windows && r.windows.length > 0 ? `: ${r.windows.map((w) => `<code>${escapeHtml(w)}</code>`).join(', ')}` : '';
    h.push(`<tr><th>Off-peak windows used</th><td>${r.windowsUsed}${list}</td></tr>`);
  }
  if (r.createdIds) {
    const csv = r.createdIds.crosswalkCsv ? `<code>${escapeHtml(r.createdIds.crosswalkCsv)}</code> (beside this report), and ` : '';
    h.push(`<tr><th>Created ids</th><td>${csv}the <code>crosswalk</code> table of <code>${escapeHtml(r.createdIds.checkpointDb)}</code>: <code>${escapeHtml(r.createdIds.query)}</code></td></tr>`);
  }
  h.push(`<tr><th>Rejected rows file</th><td><code>${escapeHtml(r.files.rejectsCsv)}</code></td></tr>`);
  if (r.files.warningsCsv) h.push(`<tr><th>Warnings file</th><td><code>${escapeHtml(r.files.warningsCsv)}</code></td></tr>`);
  h.push('</table>');

  h.push(`<h2>Steps</h2><table><tr><th>Step</th><th>Entity</th><th>Mode</th>${countCols.map((c) => `<th>${c}</th>`).join('')}${dry ? '<th>Endpoint</th><th>Calls</th>' : '<th>Ids in crosswalk</th>'}</tr>`);
  for (const s of r.steps) {
    h.push(`<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.entity)}</td><td>${escapeHtml(s.mode)}</td>${countCols.map((c) => `<td class="n">${fmt(s.counts[c] ?? 0)}</td>`).join('')}`);
    if (dry) {
      const u = s.updateCalls;
      h.push(`<td><code>${escapeHtml(s.calls?.endpoint)}</code>${u ? `<br><code>${escapeHtml(u.endpoint)}</code>` : ''}</td><td class="n">${fmt(s.calls?.calls)}${u ? `<br>${fmt(u.calls)}` : ''}</td>`);
    }
    else h.push(`<td class="n">${fmt(s.crosswalk)}</td>`);
    h.push('</tr>');
  }
  h.push('</table>');
  sourceWarningsTable(h, r);

  if (r.api) {
    h.push('<h2>API calls</h2><table><tr><th>Endpoint</th><th>Calls</th><th>429s / throttled</th><th>Retries</th><th>Errors</th></tr>');
    for (const [ep, a] of Object.entries(r.api)) h.push(`<tr><td><code>${escapeHtml(ep)}</code></td><td class="n">${fmt(a.calls)}</td><td class="n">${fmt(a.rateLimited)}</td><td class="n">${fmt(a.retries)}</td><td class="n">${fmt(a.errors)}</td></tr>`);
    h.push('</table>');
  } else if (r.estimate) {
    h.push('<h2>Estimated API calls</h2><table><tr><th>Endpoint</th><th>Calls</th></tr>');
    for (const [ep, c] of Object.entries(r.estimate.callsByEndpoint)) h.push(`<tr><td><code>${escapeHtml(ep)}</code></td><td class="n">${fmt(c)}</td></tr>`);
    h.push('</table>');
  }

  const reasons = Object.entries(r.rejectsByCode).sort((a, b) => b[1] - a[1]);
  h.push('<h2>Top reject reasons</h2>');
  if (reasons.length === 0) h.push('<p class="ok">No rejected rows.</p>');
  else {
    h.push('<table><tr><th>Code</th><th>Rows</th></tr>');
    for (const [code, n] of reasons.slice(0, 15)) h.push(`<tr><td><code>${escapeHtml(code)}</code></td><td class="n">${fmt(n)}</td></tr>`);
    h.push('</table>');
  }
  sampleTable(h, 'Sample rejected rows', r.samples);
  const warnings = Object.entries(r.warningsByCode ?? {}).sort((a, b) => b[1] - a[1]);
  if (warnings.length > 0) {
    h.push('<h2>Top warning reasons</h2><p class="muted">Rows that loaded with a problem; all of them are in the warnings file.</p><table><tr><th>Code</th><th>Warnings</th></tr>');
    for (const [code, n] of warnings.slice(0, 15)) h.push(`<tr><td><code>${escapeHtml(code)}</code></td><td class="n">${fmt(n)}</td></tr>`);
    h.push('</table>');
  }
  sampleTable(h, 'Sample warnings', r.warningSamples ?? []);
  if (r.inputs.length > 0) {
    h.push('<h2>Inputs</h2><table><tr><th>Step</th><th>Source</th><th>Bytes</th><th>sha256</th></tr>');
    for (const i of r.inputs) h.push(`<tr><td>${escapeHtml(i.step)}</td><td><code>${escapeHtml(i.source)}</code></td><td class="n">${fmt(i.bytes)}</td><td><code>${escapeHtml(i.sha256)}</code></td></tr>`);
    h.push('</table>');
  }
  h.push('</body></html>\n');
  return h.join('\n');
}

/**
 * The status cell: "clean" only for a finished run that read rows, none of which warned, and had no
 * source warning; a run that read nothing, whose rows warned (e.g. SOURCE_CONTROL_STRIPPED) or whose
 * files drew source warnings, says so.
 */
function statusHtml(r: RunReport): string {
  if (r.status !== 'ok') return `<span class="bad">${escapeHtml(r.status)}</span>`;
  const n = r.sourceWarnings?.length ?? 0;
  const rows = r.totals.warned ?? 0;
  const told = [
    ...(rows > 0 ? [`${fmt(rows)} row${rows === 1 ? '' : 's'} with warnings`] : []),
    ...(n > 0 ? [`${n} source warning${n === 1 ? '' : 's'}`] : []),
  ];
  if (told.length > 0) return `<span class="warn">ok, with ${told.join(' and ')}</span> (below)`;
  if (r.totals.read === 0) return '<span class="warn">ok, but no rows were read</span>';
  return '<span class="ok">clean</span>';
}

/** The source warnings (what the extractor said about a file as a whole), right after the steps. */
function sourceWarningsTable(h: string[], r: RunReport): void {
  const list = r.sourceWarnings ?? [];
  if (list.length === 0) return;
  h.push('<h2>Source warnings</h2><p class="muted">About a file as a whole, not one row: the run went on.</p><table><tr><th>Step</th><th>File:line</th><th>Code</th><th>Column</th><th>Message</th></tr>');
  for (const w of list) {
    h.push(`<tr><td>${escapeHtml(w.step)}</td><td><code>${escapeHtml(w.source)}${w.line !== undefined ? `:${w.line}` : ''}</code></td><td><code>${escapeHtml(w.code)}</code></td><td>${escapeHtml(w.field)}</td><td>${escapeHtml(w.message)}</td></tr>`);
  }
  h.push('</table>');
}

/** A table of sample rows (rejects or warnings) under `title`; nothing when there are none. */
function sampleTable(h: string[], title: string, samples: RunReport['samples']): void {
  if (samples.length === 0) return;
  h.push(`<h2>${title}</h2><table><tr><th>Step</th><th>File:line</th><th>Code</th><th>Field</th><th>Message</th><th>Row</th></tr>`);
  for (const s of samples) {
    h.push(`<tr><td>${escapeHtml(s.step)}</td><td><code>${escapeHtml(s.source)}:${s.line}</code></td><td><code>${escapeHtml(s.code)}</code></td><td>${escapeHtml(s.field)}</td><td>${escapeHtml(s.message)}</td><td><pre>${escapeHtml(JSON.stringify(s.data))}</pre></td></tr>`);
  }
  h.push('</table>');
}

/** Writes `report.html` into `dir`; returns its path. */
export async function writeReportHtml(dir: string, report: RunReport): Promise<string> {
  const path = join(dir, report.files.reportHtml);
  await writeFile(path, renderReportHtml(redactDeep(report)), 'utf8');
  return path;
}
