import { describe, expect, it } from 'vitest';
import { createTtyRenderer } from '../../../../src/cli/render/tty.js';
import { emptyCounts, type StepCounts } from '../../../../src/core/step-counts.js';

const counts = (c: Partial<StepCounts>): StepCounts => ({ ...emptyCounts(), ...c });

describe('tty renderer', () => {
  it('draws one bar per started step, logs above them, finishes every bar and prints the summary', () => {
    const chunks: string[] = [];
    const stdout = { write: (s: string) => chunks.push(s), isTTY: true, columns: 120 };
    let t = 0;
    const r = createTtyRenderer({ stdout, stderr: stdout, now: () => (t += 100), startedMs: 0, timeZone: 'UTC' });
    r.onEvent({ type: 'run-start', pipeline: 'demo', runId: 1, dryRun: false, steps: [{ name: 'tasks', entity: 'task' }, { name: 'timelogs', entity: 'timelog' }] });
    r.onEvent({ type: 'step-start', step: 'tasks', entity: 'task', total: 4 });
    r.onEvent({ type: 'step-progress', step: 'tasks', counts: counts({ read: 2, created: 2 }), etaMs: 5000 });
    r.onEvent({ type: 'step-state', step: 'tasks', state: { kind: 'waiting-window', untilMs: Date.UTC(2026, 0, 1, 22, 0) } });
    r.onEvent({ type: 'log', level: 'info', message: 'hello above the bars' });
    r.onEvent({ type: 'step-end', step: 'tasks', counts: counts({ read: 4, created: 4 }) });
    r.onEvent({ type: 'run-end', status: 'ok', exitCode: 0, counts: { tasks: counts({ read: 4, created: 4 }) } });
    r.close();
    const text = chunks.join('');
    expect(text).toContain('\u001b['); // cursor control: it is drawing bars
    expect(text).toContain('hello above the bars');
    expect(text).toMatch(/tasks\s+\[█+\]\s+4\/4\s+100%/);
    expect(text).not.toContain('timelogs ['); // never started: no bar
    expect(text).toMatch(/finished in \S+ \(exit 0\)/);
    expect(text.lastIndexOf('finished')).toBeGreaterThan(text.lastIndexOf('100%'));
  });
});
