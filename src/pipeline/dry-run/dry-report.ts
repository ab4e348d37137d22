/**
 * A dry run's report.json content (src/report/model.ts, `kind: 'dry-run'`) from what its steps
 * collected: totals, the estimate (calls per step written onto the steps), the status and exit code.
 */
import { ENTITIES } from '../entities.js';
import type { ZpetlError } from '../../core/errors.js';
import { errorDetailOf } from '../../core/pipeline-event.js';
import type { RejectsWriter } from '../../report/rejects-writer.js';
import { REPORT_SCHEMA_REVISION, REPORT_SCHEMA_VERSION, type InputReport, type RejectSample, type RunReport, type SourceWarningReport, type StepReport } from '../../report/model.js';
import { EXIT_OK, EXIT_REJECTS, exitCodeForError } from '../exit-codes.js';
import type { LoadedPipeline } from '../file/load-pipeline.js';
import type { Plan } from '../file/plan.js';
import type { LoadStepConfig } from '../file/schema.js';
import { estimateRun } from '../estimate.js';
import type { DryCheckpoint } from '../dry-checkpoint.js';
import { overLimit, sumCounts } from './dry-totals.js';

/** What the report is built from: the dry run's collections (dry-run.ts DryRunContext). */
export interface DryReportInput {
  loaded: LoadedPipeline;
  checkpoint: DryCheckpoint | undefined;
  inputs: InputReport[];
  steps: StepReport[];
  samples: RejectSample[];
  rejectsByCode: Record<string, number>;
  sourceWarnings: SourceWarningReport[];
  /** Calls of the user steps (bulk-added per project), which the estimate cannot derive from creates. */
  userCalls: Map<string, number>;
}

/** report.json's content: totals, the estimate (calls per step written onto the steps), the status and exit code. */
export function buildReport(ctx: DryReportInput, plan: Plan, error: ZpetlError | undefined, files: Awaited<ReturnType<RejectsWriter['close']>>, started: number, finished: number): RunReport {
  const { loaded, steps } = ctx;
  const cfg = loaded.config;
  const totals = sumCounts(steps);
  const work = steps.map((s) => ({ name: s.name, entity: s.entity as LoadStepConfig['entity'], creates: s.counts.wouldCreate ?? 0, updates: s.counts.wouldUpdate ?? 0, calls: ctx.userCalls.get(s.name) }));
  const { estimate, perStep } = estimateRun(plan, work, cfg.options, started);
  for (const p of perStep) {
    const s = steps.find((x) => x.name === p.step);
    if (!s) continue;
    if (p.endpoint === ENTITIES[s.entity as LoadStepConfig['entity']].createEndpoint) s.calls = { endpoint: p.endpoint, calls: p.calls };
    else s.updateCalls = { endpoint: p.endpoint, calls: p.calls };
  }
  const exitCode = error ? exitCodeForError(error) : totals.rejected > 0 || overLimit(cfg, totals) ? EXIT_REJECTS : EXIT_OK;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    schemaRevision: REPORT_SCHEMA_REVISION,
    kind: 'dry-run',
    pipeline: loaded.name,
    pipelineFile: loaded.file,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    status: error ? 'failed' : exitCode === EXIT_REJECTS ? 'rejects' : 'ok',
    exitCode,
    ...(error ? { error: error.format(), errorDetail: errorDetailOf(error) } : {}),
    inputs: ctx.inputs,
    steps,
    totals,
    rejectsByCode: ctx.rejectsByCode,
    samples: ctx.samples,
    ...(ctx.sourceWarnings.length > 0 ? { sourceWarnings: ctx.sourceWarnings } : {}),
    files: { reportJson: 'report.json', reportHtml: 'report.html', rejectsCsv: files.combined, rejectsPerStep: files.perStep },
    ...(ctx.checkpoint ? { checkpointDb: ctx.checkpoint.path } : {}),
    estimate: { ...estimate, stages: plan.stages.map((s) => s.steps) },
  };
}
