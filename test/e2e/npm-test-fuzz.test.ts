/**
 * `npm run test:fuzz` as the README shows it: the fuzz files (test/fuzz/) at the size ZPETL_FUZZ_RUNS
 * sets (2,000 runs per property by default; here 5, so this stays quick). It must exit 0 and print,
 * for every property, its seed and the command that replays it.
 */
import { spawn } from 'node:child_process';
import { describe, expect } from 'vitest';
import { ROOT } from '../helpers/cli-helpers.js';
import { it } from '../helpers/fixtures.js';

describe('npm run test:fuzz (e2e)', () => {
  it('runs every fuzz property at the size asked, printing each seed with its replay command', async () => {
    const child = spawn('npm', ['run', '--silent', 'test:fuzz', '--', '--reporter=dot'], { cwd: ROOT, env: { ...process.env, ZPETL_FUZZ_RUNS: '5', ZPETL_FUZZ_SEED: '' } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code, out).toBe(0);
    const seeds = [...out.matchAll(/\[fuzz\] (.+?): seed (\d+), (\d+) runs \(replay: ZPETL_FUZZ_SEED=(\d+) npx vitest run test\/fuzz -t "(.+?)"\)/g)];
    expect(seeds.length).toBeGreaterThanOrEqual(6);
    for (const m of seeds) {
      expect(m[3]).toBe('5');
      expect(m[4]).toBe(m[2]);
      expect(m[5]).toBe(m[1]);
    }
  }, 120_000);
});
