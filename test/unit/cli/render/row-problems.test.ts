import { describe, expect, it } from 'vitest';
import { emptyCounts, type StepCounts } from '../../../../src/core/step-counts.js';
import type { RowError } from '../../../../src/core/record.js';
import { createPlainRenderer } from '../../../../src/cli/render/plain.js';
import { summaryLines } from '../../../../src/cli/render/format.js';

const counts = (c: Partial<StepCounts>): StepCounts => ({ ...emptyCounts(), ...c });
const problem = (line: number, code: RowError['code'] = 'ROW_UNKNOWN_USER'): RowError => ({ code, message: 'owner "Ann B" is no user: left empty', field: 'owner', pos: { source: 'issues.csv', line, index: line - 2 } });

describe('warnings in the CLI', () => {
  it('plain: warnings print like rejects but as warnings, the first five per step, then where the rest are; counted apart from rejects', () => {
    const chunks: string[] = [];
    const r = createPlainRenderer({ stdout: { write: (s: string) => chunks.push(s), isTTY: false }, stderr: { write: () => {}, isTTY: false }, now: () => 0, startedMs: 0 });
    r.onEvent({ type: 'reject', step: 'tasks', error: problem(2, 'ROW_REQUIRED') });
    for (let line = 3; line < 10; line++) r.onEvent({ type: 'warning', step: 'tasks', error: problem(line) });
    r.onEvent({ type: 'warning', step: 'logs', error: problem(4) });
    r.onEvent({ type: 'step-end', step: 'tasks', counts: counts({ read: 10, created: 7, skipped: 2, folded: 2, warned: 7, rejected: 1 }) });
    const lines = chunks.join('').split('\n').map((l) => l.replace(/^\S+ /, ''));
    expect(lines.filter((l) => l.startsWith('tasks: warning'))).toEqual([3, 4, 5, 6, 7].map((n) => `tasks: warning ROW_UNKNOWN_USER owner: owner "Ann B" is no user: left empty (issues.csv:${n})`));
    expect(lines).toContain('tasks: more warnings; all of them are in warnings.csv');
    expect(lines).toContain('tasks: reject ROW_REQUIRED owner: owner "Ann B" is no user: left empty (issues.csv:2)');
    expect(lines).toContain('logs: warning ROW_UNKNOWN_USER owner: owner "Ann B" is no user: left empty (issues.csv:4)');
    expect(lines).toContain('tasks: done: read 10, created 7, updated 0, skipped 2, rejected 1, folded 2, with warnings 7');
  });

  it('the summary shows folded and warned columns only when a step has them', () => {
    const end = (c: Record<string, StepCounts>) => ({ type: 'run-end' as const, status: 'ok' as const, exitCode: 0, counts: c });
    expect(summaryLines(end({ a: counts({ read: 1, created: 1 }) }), false)[0]).toBe('step  read  created  updated  skipped  rejected  inDoubt');
    const header = summaryLines(end({ a: counts({ read: 3, created: 1, skipped: 2, folded: 2 }), b: counts({ read: 1, valid: 1, warned: 1 }) }), false);
    expect(header[0]).toMatch(/inDoubt {2}folded {2}warned$/);
    expect(header[1]).toMatch(/ 2 {7}0$/);
    expect(summaryLines(end({ a: counts({ read: 3, valid: 1, skipped: 2, folded: 2, wouldCreate: 1 }) }), true)[0]).toMatch(/wouldSkip {2}rejected {2}folded$/);
  });
});
