import { describe, expect, it } from 'vitest';
import { emptyCounts, type StepCounts } from '../../../../src/core/step-counts.js';
import type { PipelineEvent } from '../../../../src/pipeline/events.js';
import { createPlainRenderer } from '../../../../src/cli/render/plain.js';
import { createQuietRenderer } from '../../../../src/cli/render/quiet.js';
import { createJsonRenderer } from '../../../../src/cli/render/json.js';
import { chooseRenderMode } from '../../../../src/cli/render/index.js';

function sink() {
  const chunks: string[] = [];
  return { write: (s: string) => chunks.push(s), text: () => chunks.join(''), isTTY: false };
}
const counts = (c: Partial<StepCounts>): StepCounts => ({ ...emptyCounts(), ...c });

function script(): PipelineEvent[] {
  return [
    { type: 'run-start', pipeline: 'demo', runId: 1, dryRun: false, steps: [{ name: 'tasks', entity: 'task', total: 10 }] },
    { type: 'step-start', step: 'tasks', entity: 'task', total: 10 },
    { type: 'step-progress', step: 'tasks', counts: counts({ read: 4, created: 4 }), etaMs: 60_000 },
    { type: 'step-state', step: 'tasks', state: { kind: 'rate-limited', endpoint: 'POST /projects/{project}/tasks', untilMs: Date.UTC(2026, 10, 1, 14, 32) } },
    { type: 'reject', step: 'tasks', error: { code: 'ROW_REQUIRED', message: 'Title is required\u001b[31m\r', field: 'Title', pos: { source: 'tasks.csv', line: 7, index: 5 } } },
    { type: 'step-progress', step: 'tasks', counts: counts({ read: 10, created: 9, rejected: 1 }) },
    { type: 'step-end', step: 'tasks', counts: counts({ read: 10, created: 9, rejected: 1 }) },
    { type: 'log', level: 'warn', message: 'something odd' },
    { type: 'run-end', status: 'rejects', exitCode: 3, reportDir: 'out/demo-x', counts: { tasks: counts({ read: 10, created: 9, rejected: 1 }) } },
  ];
}

describe('plain renderer', () => {
  it('prints timestamped lines with states, rejects and a summary, and no control characters', () => {
    const out = sink();
    const err = sink();
    let t = Date.UTC(2026, 10, 1, 13, 0, 0);
    const r = createPlainRenderer({ stdout: out, stderr: err, now: () => (t += 2500), startedMs: t, timeZone: 'UTC' });
    for (const e of script()) r.onEvent(e);
    r.close();
    const text = out.text();
    expect(text).toMatch(/^\d\d:\d\d:\d\d run demo #1: tasks$/m);
    expect(text).toContain('tasks (task): started, 10 records');
    expect(text).toContain('tasks: 4/10 (40%)');
    expect(text).toContain('eta 1m00s');
    expect(text).toContain('tasks: endpoint POST /projects/{project}/tasks rate-limited until 14:32');
    expect(text).toContain('reject ROW_REQUIRED Title: Title is required');
    expect(text).toContain('(tasks.csv:7)');
    expect(text).toContain('tasks: done: read 10, created 9, updated 0, skipped 0, rejected 1');
    expect(text).toMatch(/finished with rejects in \S+ \(exit 3\)/);
    expect(text).toContain('reports: out/demo-x');
    expect(err.text()).toContain('warn: something odd');
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('throttles progress lines per step', () => {
    const out = sink();
    const t = 1_000_000;
    const r = createPlainRenderer({ stdout: out, stderr: sink(), now: () => t, startedMs: t });
    r.onEvent({ type: 'step-start', step: 's', entity: 'task', total: 100 });
    for (let i = 1; i <= 50; i++) r.onEvent({ type: 'step-progress', step: 's', counts: counts({ read: i, created: i }) });
    expect(out.text().split('\n').filter((l) => l.includes('s: ')).length).toBe(0);
  });
});

describe('quiet and json renderers', () => {
  it('quiet prints only errors and the summary', () => {
    const out = sink();
    const err = sink();
    const r = createQuietRenderer({ stdout: out, stderr: err, now: () => 0, startedMs: 0 });
    for (const e of script()) r.onEvent(e);
    r.onEvent({ type: 'log', level: 'error', message: 'boom' });
    expect(out.text()).not.toContain('started');
    expect(out.text()).not.toContain('ROW_REQUIRED');
    expect(out.text()).toContain('finished with rejects');
    expect(err.text()).toBe('error: boom\n');
  });

  it('json prints one parseable event per line', () => {
    const out = sink();
    const r = createJsonRenderer({ stdout: out, stderr: sink(), now: () => 0, startedMs: 0 });
    for (const e of script()) r.onEvent(e);
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual(script().map((e) => e.type));
  });

  it('chooses bars only on a TTY, json over quiet', () => {
    expect(chooseRenderMode({}, true, {})).toBe('tty');
    expect(chooseRenderMode({}, true, { TERM: 'dumb' })).toBe('plain');
    expect(chooseRenderMode({}, false, {})).toBe('plain');
    expect(chooseRenderMode({ quiet: true }, true, {})).toBe('quiet');
    expect(chooseRenderMode({ json: true, quiet: true }, true, {})).toBe('json');
  });

  it('dry run: step lines say what would be created, skipped (already in the crosswalk) and, for upsert, updated', () => {
    const out = sink();
    const r = createPlainRenderer({ stdout: out, stderr: sink(), now: () => 0, startedMs: 0, timeZone: 'UTC' });
    r.onEvent({ type: 'run-start', pipeline: 'demo', runId: null, dryRun: true, steps: [{ name: 'tasks', entity: 'task' }, { name: 'logs', entity: 'timelog' }] });
    r.onEvent({ type: 'step-end', step: 'tasks', counts: counts({ read: 5, valid: 5, wouldCreate: 2, wouldSkip: 0, wouldUpdate: 3 }) });
    r.onEvent({ type: 'step-end', step: 'logs', counts: counts({ read: 4, valid: 3, wouldCreate: 1, wouldSkip: 2, rejected: 1 }) });
    r.close();
    expect(out.text()).toContain('tasks: done: read 5, valid 5, would create 2, would skip 0, would update 3, rejected 0');
    expect(out.text()).toContain('logs: done: read 4, valid 3, would create 1, would skip 2, rejected 1');
  });
});
