import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ensureBuilt, runZpetl } from './cli-helpers.js';

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  sandbox = await createSandbox({ port: 0, seed: 'demo' });
  dir = mkdtempSync(join(tmpdir(), 'zpetl-e2e-export-'));
});
afterAll(async () => {
  await sandbox?.close();
});

describe('zpetl export timesheets (e2e, against a sandbox)', () => {
  it('writes the payroll CSV and a one-object JSON summary; an unmapped user makes it exit 3', async () => {
    const out = join(dir, 'payroll.csv');
    const r = await runZpetl(['export', 'timesheets', '--period', '2026-01-01..2026-01-31', '--tz', 'UTC', '--out', out, '--db', join(dir, 'p.db'), '--json'], { env: { ...sandbox.env }, cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    const summary = JSON.parse(r.stdout) as { exitCode: number; rows: number; outPath: string; totals: { paidMinutes: number }; warnings: { code: string }[] };
    expect(summary.exitCode).toBe(3);
    expect(summary.outPath).toBe(out);
    expect(summary.warnings.map((w) => w.code)).toContain('ROW_NO_EMPLOYEE_ID');
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv.length - 1).toBe(summary.rows);
    const minutesCol = csv[0]!.split(',').indexOf('minutes');
    const sum = csv.slice(1).reduce((s, line) => s + Number(line.split(',')[minutesCol]), 0);
    expect(sum).toBe(summary.totals.paidMinutes);
    expect(r.stdout).not.toContain(sandbox.env.ZOHO_CLIENT_SECRET);
  });

  it('with every user mapped it exits 0 and prints a readable summary', async () => {
    const employees = join(dir, 'employees.csv');
    writeFileSync(employees, 'email,employee_id\nana.lima@sandbox.example,E1\nben.okafor@sandbox.example,E2\nchen.wei@sandbox.example,E3\n');
    const out = join(dir, 'mapped.csv');
    const r = await runZpetl(['export', 'timesheets', '--period', '2026-01-01..2026-01-31', '--tz', 'UTC', '--employees', employees, '--out', out, '--db', join(dir, 'p2.db')], { env: { ...sandbox.env }, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*mapped\.csv: \d+ row\(s\)/m);
    expect(r.stdout).toContain('export finished (exit 0)');
  });

  it('without the portal time zone it is a usage error (exit 2) with a hint', async () => {
    const r = await runZpetl(['export', 'timesheets', '--period', 'yesterday', '--out', join(dir, 'x.csv')], { env: { ...sandbox.env }, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^USAGE_INVALID: the portal time zone is needed/m);
    expect(r.stderr).toMatch(/^hint: Pass --tz/m);
  });

  it('without credentials it says which variable is missing (exit 2)', async () => {
    const r = await runZpetl(['export', 'timesheets', '--period', 'yesterday', '--tz', 'UTC', '--out', join(dir, 'y.csv')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^CONFIG_INVALID: .*ZOHO_/m);
  });
});
