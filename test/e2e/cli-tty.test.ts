/**
 * Progress output on a real terminal (tmux, or util-linux `script` for a pseudo-TTY) and in a pipe.
 * The replay helper feeds a scripted run's events through the renderer the CLI would choose.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CONTROL_CHARS, ROOT } from './cli-helpers.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const REPLAY = `${process.execPath} --import tsx test/e2e/fixtures/replay-events.ts`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress rendering (e2e)', () => {
  it.skipIf(!has('tmux'))('draws bars on a terminal that finish at 100%, with the summary below them (tmux)', async () => {
    const socket = `zpetl-test-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { cwd: ROOT, encoding: 'utf8' });
    try {
      const started = tmux('new-session', '-d', '-x', '140', '-y', '30', '-c', ROOT, `${REPLAY}; echo __DONE__; sleep 30`);
      expect(started.status).toBe(0);
      let screen = '';
      for (let i = 0; i < 200 && !screen.includes('__DONE__'); i++) {
        await sleep(100);
        screen = tmux('capture-pane', '-p').stdout;
      }
      expect(screen).toContain('__DONE__');
      expect(screen).toMatch(/tasks\s+\[█{10,}\]\s+40\/40\s+100%.*done/);
      expect(screen).toMatch(/timelogs\s+\[█{10,}\]\s+30\/30\s+100%.*done/);
      expect(screen).toMatch(/finished in \S+ \(exit 0\)/);
      expect(screen.indexOf('finished in')).toBeGreaterThan(screen.indexOf('40/40'));
    } finally {
      tmux('kill-server');
    }
  });

  it.skipIf(!has('script'))('redraws with cursor control on a pseudo-TTY and shows the rate-limit state (script)', () => {
    const r = spawnSync('script', ['-qfec', REPLAY, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\u001b[');
    expect(r.stdout).toContain('endpoint POST /projects/{project}/log rate-limited until 14:32');
  });

  it('prints plain lines with no control characters when piped', () => {
    const r = spawnSync('sh', ['-c', `${REPLAY} | cat`], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line).not.toMatch(CONTROL_CHARS);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d timelogs: endpoint POST \/projects\/\{project\}\/log rate-limited until 14:32$/m);
    expect(r.stdout).toMatch(/^finished in \S+ \(exit 0\)$/m);
  });
});
