/**
 * Off a TTY: plain, timestamped log lines with no control characters, so logs from cron, systemd or a
 * pipe stay readable. Progress lines are throttled per step; state changes and step ends always print.
 */
import { redact } from '../../core/redact.js';
import type { PipelineEvent } from '../../pipeline/events.js';
import { println } from '../io.js';
import { createRowProblemLines, sourceWarningLine, formatCount, formatDuration, formatState, summaryLines } from './format.js';
import { createStepTracker, type StepView } from './step-tracker.js';
import type { Renderer, RenderOptions } from './types.js';

/** Minimum gap between two progress lines of the same step. */
const PROGRESS_EVERY_MS = 2_000;
/** Rejects (and, apart, warnings) printed per step; the rest are in rejects.csv / warnings.csv and the summary. */
const REJECTS_SHOWN_PER_STEP = 5;

/** Removes control characters (ANSI escapes, CR, tabs) from text that came from data or errors. */
export function plainText(s: string): string {
  return redact(s).replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

export function progressText(v: StepView, timeZone?: string): string {
  const total = v.total === undefined ? '?' : formatCount(v.total);
  const pct = v.total ? ` (${Math.floor((v.done * 100) / v.total)}%)` : '';
  const rate = v.rate > 0 ? ` ${v.rate.toFixed(1)}/s` : '';
  const eta = v.etaMs !== undefined && !v.ended ? ` eta ${formatDuration(v.etaMs)}` : '';
  return `${formatCount(v.done)}/${total}${pct}${rate}${eta} ${formatState(v.state, timeZone)}`;
}

export function createPlainRenderer(o: RenderOptions): Renderer {
  const tracker = createStepTracker(o.now);
  const lastPrinted = new Map<string, number>();
  const problemLine = createRowProblemLines(REJECTS_SHOWN_PER_STEP, { ...o, more: true });
  const stamp = () => new Date(o.now()).toISOString().slice(11, 19);
  const out = (line: string) => println(o.stdout, `${stamp()} ${plainText(line)}`);
  const err = (line: string) => println(o.stderr, `${stamp()} ${plainText(line)}`);

  return {
    onEvent(e: PipelineEvent) {
      const v = tracker.apply(e);
      switch (e.type) {
        case 'run-start':
          out(`${e.dryRun ? 'dry run' : 'run'} ${e.pipeline}${e.runId === null ? '' : ` #${e.runId}`}: ${e.steps.map((s) => s.name).join(', ')}`);
          break;
        case 'step-start':
          out(`${e.step} (${e.entity}): started${e.total === undefined ? '' : `, ${formatCount(e.total)} records`}`);
          lastPrinted.set(e.step, o.now());
          break;
        case 'step-progress': {
          const last = lastPrinted.get(e.step) ?? 0;
          if (v && o.now() - last >= PROGRESS_EVERY_MS) {
            lastPrinted.set(e.step, o.now());
            out(`${e.step}: ${progressText(v, o.timeZone)}`);
          }
          break;
        }
        case 'step-state':
          if (e.state.kind !== 'done') out(`${e.step}: ${formatState(e.state, o.timeZone)}`);
          break;
        case 'reject':
        case 'warning': {
          const line = problemLine(e);
          if (line !== undefined) out(line);
          break;
        }
        case 'source-warning':
          out(sourceWarningLine(e, o));
          break;
        case 'step-end': {
          const c = e.counts;
          const parts = tracker.dryRun
            ? `read ${c.read}, valid ${c.valid}, would create ${c.wouldCreate ?? 0}, would skip ${c.wouldSkip ?? 0}${c.wouldUpdate !== undefined ? `, would update ${c.wouldUpdate}` : ''}, rejected ${c.rejected}`
            : `read ${c.read}, created ${c.created}, updated ${c.updated}, skipped ${c.skipped}, rejected ${c.rejected}${c.inDoubt ? `, in doubt ${c.inDoubt}` : ''}`;
          const extra = `${c.folded ? `, folded ${c.folded}` : ''}${c.warned ? `, with warnings ${c.warned}` : ''}`;
          out(`${e.step}: done: ${parts}${extra}`);
          break;
        }
        case 'log':
          if (e.level === 'info') out(e.message);
          else err(`${e.level}: ${e.message}`);
          break;
        case 'client':
          if (e.event.type === 'rate-limited') out(`endpoint ${e.event.endpoint} rate-limited until ${new Date(e.event.untilMs).toISOString().slice(11, 16)} UTC`);
          else if (e.event.type === 'token-refresh' && !e.event.ok) err('warn: access token refresh failed');
          break;
        case 'run-end':
          for (const line of summaryLines(e, tracker.dryRun, o.now() - o.startedMs, o.cwd)) println(o.stdout, plainText(line));
          break;
      }
    },
    close() {},
  };
}
