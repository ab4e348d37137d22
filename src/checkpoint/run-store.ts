/**
 * Runs and their steps: what one run did (status, options), and per step its mode, source hash and
 * high-water mark (where a resume re-reads from). Part of the checkpoint store (store.ts).
 */
import { ZpetlError } from '../core/errors.js';
import { redactDeep } from '../core/redact.js';
import type { StoreContext } from './store-context.js';
import type { HighWater, RunRow, RunStatus, StepRow, StepStatus } from './store-types.js';
import type { LoadMode } from '../core/load-mode.js';
import { DEFAULT_LOAD_MODE } from '../core/load-mode.js';

/** Keys whose values are never stored in run options, whatever their nesting. */
const SECRET_KEY = /secret|token|password|passwd|authorization|api[_-]?key|credential|cookie/i;

/** Drops secret-looking keys and redacts token-shaped strings from run options before they are stored. */
export function scrubOptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubOptions);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k)) continue;
      if (typeof v === 'function' || v === undefined) continue;
      out[k] = scrubOptions(v);
    }
    return out;
  }
  return redactDeep(value);
}

/** What a step is started (or resumed) with. */
export interface StartStepInput {
  name: string;
  entity: string;
  /** Default DEFAULT_LOAD_MODE (core/load-mode.ts) for a new step; on resume, the stored mode unless given. */
  mode?: LoadMode;
  sourcePath?: string;
  sourceSha256?: string;
}

/** Runs and steps. */
export interface RunStore {
  // runs
  startRun(pipeline: string, options?: Record<string, unknown>): RunRow;
  /** The newest run of the pipeline that did not finish ('running' or 'interrupted'), if any. */
  unfinishedRun(pipeline: string): RunRow | undefined;
  latestRun(pipeline: string): RunRow | undefined;
  getRun(runId: number): RunRow | undefined;
  /** Marks an unfinished run running again; throws RUN_NOTHING_TO_RESUME if it finished. */
  resumeRun(runId: number): RunRow;
  finishRun(runId: number, status: Exclude<RunStatus, 'running'>): void;
  // steps
  /** Creates the step row, or returns the existing one (with its high-water mark) on resume. */
  startStep(runId: number, input: StartStepInput): StepRow;
  getStep(runId: number, name: string): StepRow | undefined;
  listSteps(runId: number): StepRow[];
  setStepStatus(runId: number, name: string, status: StepStatus): void;
  /** Also written inside the record store's results transaction (record-store.ts). */
  setHighWater(runId: number, name: string, hw: HighWater | null): void;
}

interface RunDbRow {
  id: number;
  pipeline: string;
  started_ms: number;
  finished_ms: number | null;
  status: RunStatus;
  options_json: string;
}
interface StepDbRow {
  run_id: number;
  name: string;
  entity: string;
  status: StepStatus;
  mode: LoadMode;
  source_path: string | null;
  source_sha256: string | null;
  hw_byte_offset: number | null;
  hw_index: number | null;
  hw_line: number | null;
  started_ms: number | null;
  finished_ms: number | null;
}

const toRun = (r: RunDbRow): RunRow => ({
  id: r.id,
  pipeline: r.pipeline,
  startedMs: r.started_ms,
  finishedMs: r.finished_ms,
  status: r.status,
  options: JSON.parse(r.options_json) as Record<string, unknown>,
});

const toStep = (r: StepDbRow): StepRow => ({
  runId: r.run_id,
  name: r.name,
  entity: r.entity,
  status: r.status,
  mode: r.mode,
  sourcePath: r.source_path,
  sourceSha256: r.source_sha256,
  highWater:
    r.hw_index === null || r.hw_line === null
      ? null
      : { index: r.hw_index, line: r.hw_line, ...(r.hw_byte_offset === null ? {} : { byteOffset: r.hw_byte_offset }) },
  startedMs: r.started_ms,
  finishedMs: r.finished_ms,
});

function prepareRunStatements({ db }: StoreContext) {
  return {
    insertRun: db.prepare('INSERT INTO runs (pipeline, started_ms, status, options_json) VALUES (?, ?, ?, ?)'),
    getRun: db.prepare<[number], RunDbRow>('SELECT * FROM runs WHERE id = ?'),
    unfinishedRun: db.prepare<[string], RunDbRow>(
      "SELECT * FROM runs WHERE pipeline = ? AND status IN ('running', 'interrupted', 'outside-window') ORDER BY id DESC LIMIT 1",
    ),
    latestRun: db.prepare<[string], RunDbRow>('SELECT * FROM runs WHERE pipeline = ? ORDER BY id DESC LIMIT 1'),
    setRunStatus: db.prepare('UPDATE runs SET status = ?, finished_ms = ? WHERE id = ?'),
    insertStep: db.prepare(
      'INSERT INTO steps (run_id, name, entity, status, mode, source_path, source_sha256, started_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getStep: db.prepare<[number, string], StepDbRow>('SELECT * FROM steps WHERE run_id = ? AND name = ?'),
    listSteps: db.prepare<[number], StepDbRow>('SELECT * FROM steps WHERE run_id = ? ORDER BY rowid'),
    setStepStatus: db.prepare('UPDATE steps SET status = ?, finished_ms = ? WHERE run_id = ? AND name = ?'),
    setStepSource: db.prepare('UPDATE steps SET source_path = ?, source_sha256 = ?, mode = ? WHERE run_id = ? AND name = ?'),
    setHw: db.prepare('UPDATE steps SET hw_byte_offset = ?, hw_index = ?, hw_line = ? WHERE run_id = ? AND name = ?'),
  };
}

/** The runs and steps tables, over the shared handle. */
export function createRunStore(ctx: StoreContext): RunStore {
  const { now } = ctx;
  const s = prepareRunStatements(ctx);

  function requireRun(runId: number): RunDbRow {
    const r = s.getRun.get(runId);
    if (!r) throw new ZpetlError('RUN_NOTHING_TO_RESUME', `no run ${runId} in the checkpoint database`);
    return r;
  }

  return {
    startRun(pipeline, options = {}) {
      const opts = JSON.stringify(scrubOptions(options));
      const id = Number(s.insertRun.run(pipeline, now(), 'running', opts).lastInsertRowid);
      return toRun(requireRun(id));
    },
    unfinishedRun(pipeline) {
      const r = s.unfinishedRun.get(pipeline);
      return r ? toRun(r) : undefined;
    },
    latestRun(pipeline) {
      const r = s.latestRun.get(pipeline);
      return r ? toRun(r) : undefined;
    },
    getRun(runId) {
      const r = s.getRun.get(runId);
      return r ? toRun(r) : undefined;
    },
    resumeRun(runId) {
      const r = requireRun(runId);
      if (r.status === 'ok' || r.status === 'rejects' || r.status === 'failed') {
        throw new ZpetlError('RUN_NOTHING_TO_RESUME', `run ${runId} of pipeline ${r.pipeline} already finished (${r.status})`, {
          hint: 'Start a new run with `zpetl run`; keys already loaded are skipped through the crosswalk.',
        });
      }
      s.setRunStatus.run('running', null, runId);
      return toRun(requireRun(runId));
    },
    finishRun(runId, status) {
      requireRun(runId);
      // A run that may go on (stopped, or outside its window) has no finish time yet.
      const finished = status === 'interrupted' || status === 'outside-window' ? null : now();
      s.setRunStatus.run(status, finished, runId);
    },
    startStep(runId, input) {
      const existing = s.getStep.get(runId, input.name);
      if (existing) {
        if (input.sourcePath !== undefined || input.sourceSha256 !== undefined || input.mode !== undefined) {
          s.setStepSource.run(
            input.sourcePath ?? existing.source_path,
            input.sourceSha256 ?? existing.source_sha256,
            input.mode ?? existing.mode,
            runId,
            input.name,
          );
        }
        if (existing.status !== 'done') s.setStepStatus.run('running', null, runId, input.name);
        return toStep(s.getStep.get(runId, input.name)!);
      }
      s.insertStep.run(runId, input.name, input.entity, 'running', input.mode ?? DEFAULT_LOAD_MODE, input.sourcePath ?? null, input.sourceSha256 ?? null, now());
      return toStep(s.getStep.get(runId, input.name)!);
    },
    getStep(runId, name) {
      const r = s.getStep.get(runId, name);
      return r ? toStep(r) : undefined;
    },
    listSteps(runId) {
      return s.listSteps.all(runId).map(toStep);
    },
    setStepStatus(runId, name, status) {
      s.setStepStatus.run(status, status === 'done' || status === 'failed' ? now() : null, runId, name);
    },
    setHighWater(runId, name, hw) {
      s.setHw.run(hw?.byteOffset ?? null, hw?.index ?? null, hw?.line ?? null, runId, name);
    },
  };
}
