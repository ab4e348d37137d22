/**
 * Text shared by every renderer: durations, clock times, step states, the final summary table.
 * Pure functions of their inputs, so plain lines, bars and summaries say the same thing.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { StepState } from '../../core/pipeline-event.js';
import type { StepCounts } from '../../core/step-counts.js';
import type { PipelineEvent } from '../../pipeline/events.js';
import { countColumns } from '../../report/model.js';

/**
 * A path as the user would type it: relative when under `cwd` (`out/x`, `.` for cwd itself), else
 * absolute as given, the same rule as CLI errors (src/cli/errors.ts). No `cwd`: the path unchanged.
 */
export function shownPath(path: string, cwd?: string): string {
  if (cwd === undefined) return path;
  const base = cwd.replace(/[\\/]+$/, '');
  if (path === base) return '.';
  return path.startsWith(`${base}${sep}`) ? relative(base, path) : path;
}

/**
 * Where a reject is, as `file:line`: a source path relative to the pipeline's folder (`sourceDir`) is
 * resolved there and shown as `shownPath` shows it; without `sourceDir` it is shown as written.
 */
export function rejectWhere(pos: { source: string; line: number }, o: { sourceDir?: string; cwd?: string }): string {
  const file = o.sourceDir !== undefined && !isAbsolute(pos.source) ? shownPath(resolve(o.sourceDir, pos.source), o.cwd) : pos.source;
  return `${file}:${pos.line}`;
}

/** `850ms`, `12s`, `3m05s`, `2h07m`, `1d04h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** `hh:mm` of an epoch time in `timeZone` (default: the host's zone). */
export function formatClock(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(ms);
}

/** The state column: running; waiting for the window until hh:mm; endpoint X rate-limited until hh:mm; reconciling. */
export function formatState(state: StepState, timeZone?: string): string {
  switch (state.kind) {
    case 'pending':
      return 'pending';
    case 'running':
      return 'running';
    case 'reconciling':
      return 'reconciling';
    case 'waiting-window':
      return `waiting for the window until ${formatClock(state.untilMs, timeZone)}`;
    case 'rate-limited':
      return `endpoint ${state.endpoint} rate-limited until ${formatClock(state.untilMs, timeZone)}`;
    case 'done':
      return 'done';
    case 'failed':
      return `failed: ${state.message}`;
  }
}

/** Records finished so far: validated or skipped (filtered, folded) ones in a dry run, settled ones (any outcome) in a real run. */
export function doneOf(counts: StepCounts, dryRun: boolean): number {
  if (dryRun) return counts.valid + counts.skipped + counts.rejected;
  return counts.created + counts.updated + counts.skipped + counts.rejected;
}

/** `1,234` */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

type RunEnd = Extract<PipelineEvent, { type: 'run-end' }>;

const STATUS_TEXT: Record<RunEnd['status'], string> = {
  ok: 'finished',
  rejects: 'finished with rejects',
  interrupted: 'interrupted (checkpointed; resume continues where it stopped)',
  failed: 'failed',
  'outside-window': 'outside the off-peak window',
};

/**
 * The final summary: one row per step, then the status and where the reports are (the one line that
 * says so, for runs and dry runs alike; under `cwd` relative to it, see `shownPath`).
 */
export function summaryLines(end: RunEnd, dryRun: boolean, elapsedMs?: number, cwd?: string): string[] {
  const names = Object.keys(end.counts);
  const cols = countColumns(dryRun, names.some((n) => end.counts[n]!.wouldUpdate !== undefined), Object.values(end.counts));
  const header = ['step', ...cols];
  const rows = names.map((name) => {
    const c = end.counts[name]!;
    return [name, ...cols.map((k) => formatCount(c[k] ?? 0))];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const lines = [fmt(header), ...rows.map(fmt)];
  const took = elapsedMs === undefined ? '' : ` in ${formatDuration(elapsedMs)}`;
  const warnings = Object.entries(end.warningsByCode ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (warnings.length > 0) lines.push(`warnings: ${warnings.map(([code, n]) => `${code} ${formatCount(n)}`).join(', ')}`);
  lines.push(`${dryRun ? 'dry run ' : ''}${STATUS_TEXT[end.status]}${took} (exit ${end.exitCode})`);
  if (end.reportDir) lines.push(`reports: ${shownPath(end.reportDir, cwd)}`);
  return lines;
}

type SourceWarningEvent = Extract<PipelineEvent, { type: 'source-warning' }>;

/**
 * A source warning's line, for the plain and TTY renderers (every one is shown: there are few per step):
 * `step: warning CODE (file:line): message`, the message without the file name it starts with (the
 * extractor's messages name their source; the position already does).
 */
export function sourceWarningLine(e: SourceWarningEvent, o: { sourceDir?: string; cwd?: string }): string {
  const w = e.warning;
  const where = w.pos ? ` (${rejectWhere(w.pos, o)})` : '';
  const source = w.pos?.source;
  const message = source !== undefined ? w.message.replace(new RegExp(`^${escapeRegExp(source)}(?: line \\d+)?: `), '') : w.message;
  return `${e.step}: warning ${w.code}${where}: ${message}`;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type RowProblem = Extract<PipelineEvent, { type: 'reject' | 'warning' }>;

/**
 * The lines of reject and warning events, for the plain and TTY renderers: the first `perStep` of each
 * kind per step as `step: reject|warning CODE field: message (file:line)`, then (with `more`) one line
 * saying where the rest are, then nothing. Every one is in rejects.csv / warnings.csv and the summary.
 */
export function createRowProblemLines(perStep: number, o: { sourceDir?: string; cwd?: string; more?: boolean }): (e: RowProblem) => string | undefined {
  const shown = new Map<string, number>();
  return (e) => {
    const id = `${e.type} ${e.step}`;
    const n = (shown.get(id) ?? 0) + 1;
    shown.set(id, n);
    if (n <= perStep) return `${e.step}: ${e.type} ${e.error.code}${e.error.field ? ` ${e.error.field}` : ''}: ${e.error.message} (${rejectWhere(e.error.pos, o)})`;
    if (n === perStep + 1 && o.more) return `${e.step}: more ${e.type}s; all of them are in ${e.type}s.csv`;
    return undefined;
  };
}
