import { describe, expect, it } from 'vitest';
import { formatDuration, formatState, rejectWhere, shownPath, sourceWarningLine, summaryLines } from '../../../../src/cli/render/format.js';
import { createRenderer } from '../../../../src/cli/render/index.js';
import { barText } from '../../../../src/cli/render/tty.js';
import type { StepView } from '../../../../src/cli/render/step-tracker.js';
import { emptyCounts } from '../../../../src/core/step-counts.js';

describe('format', () => {
  it("shows a reject's file from the pipeline's folder, as the user would open it, not as written in the pipeline", () => {
    const pos = { source: '../fixtures/demo/users.csv', line: 14 };
    expect(rejectWhere(pos, { sourceDir: '/w/p/pipelines', cwd: '/w/p' })).toBe('fixtures/demo/users.csv:14');
    expect(rejectWhere(pos, { sourceDir: '/w/p/pipelines', cwd: '/tmp/elsewhere' })).toBe('/w/p/fixtures/demo/users.csv:14');
    expect(rejectWhere({ source: '/data/x.csv', line: 2 }, { sourceDir: '/w/p/pipelines', cwd: '/w/p' })).toBe('/data/x.csv:2');
    expect(rejectWhere(pos, {})).toBe('../fixtures/demo/users.csv:14');
    let out = '';
    const stream = { write: (s: string) => ((out += s), true), isTTY: false };
    const r = createRenderer('plain', { stdout: stream, stderr: stream, now: () => 0, startedMs: 0, cwd: '/w/p', sourceDir: '/w/p/pipelines' });
    r.onEvent({ type: 'reject', step: 'users', error: { code: 'ROW_INVALID_EMAIL', field: 'email', message: 'not an e-mail address', pos: { ...pos, index: 13, offset: 400 } } } as never);
    r.close();
    expect(out).toMatch(/users: reject ROW_INVALID_EMAIL email: not an e-mail address \(fixtures\/demo\/users\.csv:14\)\n/);
  });

  it('shows a report folder relative to the working folder when under it, else absolute (as CLI errors do)', () => {
    expect(shownPath('/w/p/out/x', '/w/p')).toBe('out/x');
    expect(shownPath('/w/p/out/x', '/w/p/')).toBe('out/x');
    expect(shownPath('/w/p', '/w/p')).toBe('.');
    expect(shownPath('/w/px/out', '/w/p')).toBe('/w/px/out');
    expect(shownPath('/tmp/r', '/w/p')).toBe('/tmp/r');
    expect(shownPath('/w/p/out/x')).toBe('/w/p/out/x');
    const end = { type: 'run-end', status: 'ok', exitCode: 0, counts: {}, reportDir: '/w/p/out/x' } as const;
    expect(summaryLines(end, false, undefined, '/w/p').filter((l) => l.startsWith('reports:'))).toEqual(['reports: out/x']);
  });

  it('formats durations with units', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(17 * 3600_000 + 7 * 60_000)).toBe('17h07m');
    expect(formatDuration(-1)).toBe('?');
  });

  it('says what a step waits for, in the given zone', () => {
    const at = Date.UTC(2026, 10, 1, 21, 0);
    expect(formatState({ kind: 'waiting-window', untilMs: at }, 'Europe/Berlin')).toBe('waiting for the window until 22:00');
    expect(formatState({ kind: 'rate-limited', endpoint: 'POST /projects/{project}/log', untilMs: at }, 'UTC')).toBe(
      'endpoint POST /projects/{project}/log rate-limited until 21:00',
    );
    expect(formatState({ kind: 'reconciling' })).toBe('reconciling');
  });

  it('renders a bar with done/total, percent, rate, ETA and state', () => {
    const v: StepView = { name: 'tasks', entity: 'task', total: 300, counts: emptyCounts(), state: { kind: 'running' }, started: true, ended: false, rate: 12.34, etaMs: 130_000, done: 120 };
    const s = barText(v, 8, 10, 'UTC');
    expect(s).toContain('tasks    [████░░░░░░]');
    expect(s).toContain('120/300');
    expect(s).toContain(' 40%');
    expect(s).toContain('12.3/s');
    expect(s).toContain('ETA 2m10s');
    expect(s.trimEnd().endsWith('running')).toBe(true);
  });

  it('dry-run summary: wouldSkip always, wouldUpdate only when a step is in mode upsert', () => {
    const c = { ...emptyCounts(), read: 5, valid: 5, wouldCreate: 2, wouldSkip: 3 };
    const plain = summaryLines({ type: 'run-end', status: 'ok', exitCode: 0, counts: { tasks: c } }, true);
    expect(plain[0]).toMatch(/wouldCreate\s+wouldSkip\s+rejected/);
    expect(plain[1]).toMatch(/tasks\s+5\s+5\s+2\s+3\s+0/);
    const up = summaryLines({ type: 'run-end', status: 'ok', exitCode: 0, counts: { tasks: { ...c, wouldSkip: 0, wouldUpdate: 3 }, logs: c } }, true);
    expect(up[0]).toMatch(/wouldSkip\s+wouldUpdate\s+rejected/);
    expect(up[1]).toMatch(/tasks\s+5\s+5\s+2\s+0\s+3\s+0/);
    expect(up[2]).toMatch(/logs\s+5\s+5\s+2\s+3\s+0\s+0/);
  });
});

describe('source warnings in the console', () => {
  const event = (message: string, pos?: { source: string; line: number; index: number }) => ({ type: 'source-warning' as const, step: 'tasks', warning: { code: 'SOURCE_DUPLICATE_HEADER' as const, message, ...(pos ? { pos } : {}) } });

  it('one line with step, code, file:line and the message without the file name it starts with', () => {
    const pos = { source: '../data/tasks.csv', line: 1, index: 0 };
    const o = { sourceDir: '/w/p/pipelines', cwd: '/w/p' };
    const want = 'tasks: warning SOURCE_DUPLICATE_HEADER (data/tasks.csv:1): header "Email" appears more than once; column 3 is read as "Email_2"';
    expect(sourceWarningLine(event('../data/tasks.csv line 1: header "Email" appears more than once; column 3 is read as "Email_2"', pos), o)).toBe(want);
    expect(sourceWarningLine(event('../data/tasks.csv: header "Email" appears more than once; column 3 is read as "Email_2"', pos), o)).toBe(want);
    expect(sourceWarningLine(event('header "Email" appears more than once; column 3 is read as "Email_2"', pos), o)).toBe(want);
    expect(sourceWarningLine(event('x (y) [z]: said'), o)).toBe('tasks: warning SOURCE_DUPLICATE_HEADER: x (y) [z]: said');
  });

  it('the plain and TTY renderers print every one; --quiet none; the summary counts warnings per code', () => {
    for (const mode of ['plain', 'tty', 'quiet'] as const) {
      let out = '';
      const stream = { write: (s: string) => ((out += s), true), isTTY: mode === 'tty', columns: 120 };
      const r = createRenderer(mode, { stdout: stream, stderr: stream, now: () => 0, startedMs: 0 });
      r.onEvent(event('a.csv: header "A" appears more than once; column 2 is read as "A_2"', { source: 'a.csv', line: 1, index: 0 }));
      r.onEvent({ type: 'run-end', status: 'ok', exitCode: 0, counts: {}, warningsByCode: { ROW_UNKNOWN_USER: 2, SOURCE_DUPLICATE_HEADER: 1 } });
      r.close();
      expect(out.includes('tasks: warning SOURCE_DUPLICATE_HEADER (a.csv:1): header "A" appears more than once'), mode).toBe(mode !== 'quiet');
      expect(out, mode).toContain('warnings: ROW_UNKNOWN_USER 2, SOURCE_DUPLICATE_HEADER 1');
    }
  });
});
