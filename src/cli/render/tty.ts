/**
 * On a TTY: a cli-progress MultiBar with one bar per started step (done/total, rate, ETA, state).
 * Log lines, rejects and rate-limit notices print above the bars; the summary prints after them.
 */
import cliProgress from 'cli-progress';
import type { PipelineEvent } from '../../pipeline/events.js';
import { println } from '../io.js';
import { createRowProblemLines, sourceWarningLine, formatCount, formatDuration, formatState, summaryLines } from './format.js';
import { plainText } from './plain.js';
import { createStepTracker, type StepView } from './step-tracker.js';
import type { Renderer, RenderOptions } from './types.js';

const REJECTS_SHOWN_PER_STEP = 3;

/** One bar's text: `tasks  [████░░░░]  120/300  40%  12.3/s  ETA 2m10s  running`. */
export function barText(v: StepView, nameWidth: number, barWidth: number, timeZone?: string): string {
  const ratio = v.total ? Math.min(1, v.done / v.total) : v.ended ? 1 : 0;
  const filled = Math.round(ratio * barWidth);
  const bar = v.total === undefined && !v.ended ? '░'.repeat(barWidth) : `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
  const total = v.total === undefined ? '?' : formatCount(v.total);
  const pct = v.total ? `${String(Math.floor(ratio * 100)).padStart(3)}%` : '    ';
  const rate = v.rate > 0 ? `${v.rate.toFixed(1)}/s` : '-';
  const eta = v.ended ? '' : v.etaMs !== undefined ? `ETA ${formatDuration(v.etaMs)}` : 'ETA ?';
  return `${v.name.padEnd(nameWidth)} [${bar}] ${formatCount(v.done).padStart(7)}/${total.padEnd(7)} ${pct} ${rate.padStart(8)} ${eta.padEnd(11)} ${plainText(formatState(v.state, timeZone))}`;
}

export function createTtyRenderer(o: RenderOptions): Renderer {
  const tracker = createStepTracker(o.now);
  const stream = o.stdout as unknown as NodeJS.WriteStream;
  const barWidth = () => Math.max(10, Math.min(30, (stream.columns ?? 100) - nameWidth - 80));
  // A MultiBar per phase: after a summary (run-end) the next step starts a fresh set of bars below it.
  const newMultiBar = () =>
    new cliProgress.MultiBar(
      {
        stream,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        gracefulExit: false,
        linewrap: false,
        fps: 10,
        format: (_opts: unknown, _params: unknown, payload: { view?: StepView }) =>
          payload.view ? barText(payload.view, nameWidth, barWidth(), o.timeZone) : '',
      },
      cliProgress.Presets.shades_classic,
    );
  let multibar: cliProgress.MultiBar | undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  const problemLine = createRowProblemLines(REJECTS_SHOWN_PER_STEP, o);
  let nameWidth = 8;

  const log = (line: string) => {
    if (multibar) multibar.log(`${plainText(line)}\n`);
    else println(o.stdout, plainText(line));
  };
  const refresh = (v: StepView) => {
    let bar = bars.get(v.name);
    if (!bar) {
      nameWidth = Math.max(nameWidth, v.name.length);
      multibar ??= newMultiBar();
      bar = multibar.create(v.total ?? 0, v.done, { view: v });
      bars.set(v.name, bar);
    }
    bar.setTotal(v.total ?? Math.max(1, v.done));
    bar.update(v.done, { view: v });
  };
  const stop = () => {
    if (!multibar) return;
    multibar.update();
    multibar.stop();
    multibar = undefined;
    bars.clear();
    println(o.stdout);
  };

  return {
    onEvent(e: PipelineEvent) {
      const v = tracker.apply(e);
      if (v && (v.started || v.ended) && (bars.has(v.name) || e.type === 'step-start' || e.type === 'step-progress')) refresh(v);
      switch (e.type) {
        case 'run-start':
          log(`${e.dryRun ? 'dry run' : 'run'} ${e.pipeline}: ${e.steps.map((s) => s.name).join(', ')}`);
          break;
        case 'reject':
        case 'warning': {
          const line = problemLine(e);
          if (line !== undefined) log(line);
          break;
        }
        case 'source-warning':
          log(sourceWarningLine(e, o));
          break;
        case 'log':
          if (e.level === 'info') log(e.message);
          else log(`${e.level}: ${e.message}`);
          break;
        case 'run-end':
          stop();
          for (const line of summaryLines(e, tracker.dryRun, o.now() - o.startedMs, o.cwd)) println(o.stdout, line);
          break;
        default:
          break;
      }
    },
    close: stop,
  };
}
