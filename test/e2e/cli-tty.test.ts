/**
 * Progress output on a real terminal (tmux, or util-linux `script` for a pseudo-TTY) and in a pipe.
 * The replay helper feeds a scripted run's events through the renderer the CLI would choose (states
 * such as rate-limited at fixed times); the real binary runs on a pseudo-TTY (`zpetl run`) and through
 * a pipe (`zpetl run`, `zpetl demo`) against a sandbox.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { CONTROL_CHARS, ROOT, cliEntry, ensureBuilt, testEnv } from '../helpers/cli-helpers.js';
import { it } from '../helpers/fixtures.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const REPLAY = `${process.execPath} --import tsx test/helpers/replay-events.ts`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `zpetl ARGS 2>&1 | cat` in a shell: stdout and stderr both through a pipe, as cron or a log shipper sees them. */
function piped(args: string[], o: { cwd: string; env?: Record<string, string> }): Promise<{ code: number | null; out: string }> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const cmd = `${[process.execPath, ...cliEntry(), ...args].map(quote).join(' ')} 2>&1 | cat; exit "\${PIPESTATUS[0]}"`;
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', cmd], { cwd: o.cwd, env: testEnv(o.env), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out }));
  });
}

/** Bytes below 0x20 other than newline and tab, and DEL: none may reach a pipe. */
// eslint-disable-next-line no-control-regex
const NOT_PLAIN = /[\u0000-\u0008\u000b-\u001f\u007f]/;

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

  it('zpetl run and zpetl demo, piped (stdout and stderr): plain lines, no escape, no carriage return, no control byte', async ({ makeSandbox, tmp }) => {
    await ensureBuilt();
    const sandbox = await makeSandbox({ seed: 'empty', timeScale: 60 });
    // The run's folder and an empty one for the demo, side by side in the test's temporary folder.
    const dir = join(tmp, 'run');
    const demoDir = join(tmp, 'demo');
    for (const d of [dir, demoDir]) mkdirSync(d);
    cpSync(join(ROOT, 'pipelines'), join(dir, 'pipelines'), { recursive: true });
    cpSync(join(ROOT, 'fixtures/examples'), join(dir, 'fixtures/examples'), { recursive: true });
    const run = await piped(['run', 'pipelines/provision-users-from-hr.yaml'], { cwd: dir, env: { ...sandbox.env } });
    expect([0, 3], run.out).toContain(run.code);
    const demo = await piped(['demo'], { cwd: demoDir });
    expect(demo.code, demo.out).toBe(0);
    for (const [what, r, step] of [['run', run, /^\d\d:\d\d:\d\d users: done: read \d+/m], ['demo', demo, /^\d\d:\d\d:\d\d tasks: done: read \d+/m]] as const) {
      const lines = r.out.split('\n');
      expect(lines.length, what).toBeGreaterThan(5);
      for (const line of lines) expect(line, `${what}: ${JSON.stringify(line)}`).not.toMatch(NOT_PLAIN);
      expect(r.out, what).toMatch(step);
    }
    // The check itself: escapes and carriage returns are caught, tabs are allowed.
    expect(['\u001b[2K', '\r', '\b', '\t'].map((c) => NOT_PLAIN.test(c))).toEqual([true, true, true, false]);
  }, 90_000);

  it.skipIf(!has('script'))('zpetl run on a pseudo-TTY (script): a bar per step redrawn in place, finishing at done/total 100%, the summary below', async ({ makeSandbox, tmp: dir }) => {
    await ensureBuilt();
    const sandbox = await makeSandbox({ seed: 'empty', timeScale: 60 });
    await fetch(`${sandbox.baseUrl}/__sandbox/entities/projects`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sandbox.adminToken}` }, body: JSON.stringify([{ name: 'Website relaunch' }, { name: 'Mobile app v2' }]) });
    cpSync(join(ROOT, 'pipelines'), join(dir, 'pipelines'), { recursive: true });
    cpSync(join(ROOT, 'fixtures/examples'), join(dir, 'fixtures/examples'), { recursive: true });
    const cmd = [process.execPath, ...cliEntry(), 'run', 'pipelines/provision-users-from-hr.yaml'].join(' ');
    const r = await new Promise<{ code: number | null; out: string }>((done, fail) => {
      const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: dir, env: testEnv({ ...sandbox.env, COLUMNS: '120', LINES: '30' }), stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('error', fail);
      child.on('close', (code) => done({ code, out }));
    });
    expect([0, 3], r.out).toContain(r.code);
    expect(r.out).toContain('\u001b[2K');
    expect(r.out).toMatch(/users\s+\[█{10}\]\s+9\/9\s+100%.*done/);
    expect(r.out.indexOf('finished')).toBeGreaterThan(r.out.search(/9\/9\s+100%/));
    expect(r.out).toMatch(/^users\s+9\s+\d+\s+0\s+0\s+\d+\s+0\r?$/m);
  }, 60_000);
});
