/**
 * The payroll export against the sandbox over HTTP through the real client: windows and pages of a
 * period longer than 6 months (sandbox counters), an edit through the API after an export
 * (adjustment), and employee ids from a user custom field.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { openCheckpointDb, type CheckpointDb } from '../../src/checkpoint/db.js';
import { loadConfig } from '../../src/config/load-config.js';
import { runPayrollExport } from '../../src/payroll/run-payroll-export.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { createZohoClient } from '../../src/zoho/client.js';
import type { ZohoClient } from '../../src/zoho/types.js';
import { jumpClock } from '../helpers/client-helpers.js';

it.override({ sandboxOptions: { seed: 'empty' } });
let sandbox: Sandbox;
let client: ZohoClient;
let dir: string;
let db: CheckpointDb;
let projectId: string;
const zpuid: Record<string, string> = {};

it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  client = createZohoClient(loadConfig(sandbox.env, { dotenv: false }), { clock: jumpClock(sandbox), perPage: 200 });
  dir = tmp;
  db = openCheckpointDb(join(dir, 'cp.db'));
  const users = sandbox.admin.insert('users', [
    { email: 'ann@example.com', cf_employee_id: 'E001' },
    { email: 'bob@example.com', cf_employee_id: 'E002' },
    { email: 'ghost@example.com' },
  ]);
  ['ann@example.com', 'bob@example.com', 'ghost@example.com'].forEach((e, i) => (zpuid[e] = users.ids[i]!));
  projectId = sandbox.admin.insert('projects', [{ name: 'Apollo' }]).ids[0]!;
  sandbox.admin.insert('project-users', Object.values(zpuid).map((z) => ({ project_id: projectId, zpuid: z })));
  writeFileSync(join(dir, 'employees.csv'), 'email,employee_id\nann@example.com,E001\nbob@example.com,E002\n');
});
// Then the fixtures close the sandbox and remove the folder.
it.afterEach(async () => {
  db.close();
  await client.close();
});

const log = (email: string, date: string, hh: string, extra: Record<string, unknown> = {}) => ({
  project_id: projectId,
  module_detail: { id: '1512955000000990001', name: 'Build', type: 'task' },
  owner_zpuid: zpuid[email],
  date,
  log_hour: hh,
  ...extra,
});
const calls = (endpoint: string) => sandbox.admin.counters().endpoints[endpoint]?.calls ?? 0;

describe('payroll export against the sandbox', () => {
  it('reads a period longer than 6 months in windows, every page, every module type', async () => {
    // 2026-01-01..2026-09-30 → windows Jan–Jun and Jul–Sep; 250 task logs in the first (2 pages of 200), 3 issue logs, 2 general
    const items = [];
    for (let i = 0; i < 250; i++) items.push(log('ann@example.com', `2026-0${1 + (i % 6)}-1${i % 10}`, '00:30'));
    items.push(...[1, 2, 3].map((d) => log('bob@example.com', `2026-08-0${d}`, '01:00', { type: 'issue' })));
    items.push(...[1, 2].map((d) => log('bob@example.com', `2026-09-0${d}`, '02:00', { type: 'general' })));
    sandbox.admin.insert('timelogs', items);
    const before = calls('GET /timelogs');
    const r = await runPayrollExport({
      period: '2026-01-01..2026-09-30',
      tz: 'UTC',
      source: { type: 'api', client },
      employees: { csv: join(dir, 'employees.csv') },
      layout: 'summary',
      out: join(dir, 'out.csv'),
      db,
    });
    expect(r.counts.read).toBe(255);
    expect(r.totals.paidMinutes).toBe(250 * 30 + 3 * 60 + 2 * 120);
    const used = calls('GET /timelogs') - before;
    // 2 windows × 3 module types, plus a second page for the 250 task logs of the first window (200 per page)
    expect(used).toBe(7);
    expect(r.exitCode).toBe(0);
  });

  it('an edit and an approval through the API after an export come out as adjustments', async () => {
    const ids = sandbox.admin.insert('timelogs', [
      log('ann@example.com', '2026-11-02', '08:00'),
      log('ann@example.com', '2026-11-03', '00:00'),
      log('bob@example.com', '2026-11-03', '03:00', { approval: { status: 'Unapproved' } }),
      log('ghost@example.com', '2026-11-04', '01:00'),
    ]).ids;
    const base = {
      period: '2026-11-01..2026-11-15',
      tz: 'Europe/Berlin',
      source: { type: 'api' as const, client },
      employees: { customField: 'cf_employee_id' },
      db,
    };
    const first = await runPayrollExport({ ...base, out: join(dir, 'full.csv') });
    expect(first.exitCode).toBe(3); // ghost has no employee id
    expect(first.unmappedUsers.map((u) => u.email)).toEqual(['ghost@example.com']);
    expect(first.counts.excluded.approval).toEqual({ Unapproved: 1 });
    const full = readFileSync(join(dir, 'full.csv'), 'utf8');
    expect(full.split('\n').filter(Boolean)).toHaveLength(4); // header + ann×2 (one of 0 min) + ghost

    // unchanged re-run: byte-identical
    await runPayrollExport({ ...base, out: join(dir, 'again.csv') });
    expect(readFileSync(join(dir, 'again.csv'), 'utf8')).toBe(full);

    await client.timelogs.update(projectId, ids[0]!, { hours: '07:30', module: { type: 'task' } });
    await client.timelogs.update(projectId, ids[2]!, { status: 'Approved', module: { type: 'task' } });
    const adj = await runPayrollExport({ ...base, adjustments: true, out: join(dir, 'adj.csv') });
    expect(adj.adjustments!.byReason).toEqual({ 'changed-reversal': 1, changed: 1, 'newly-approved': 1 });
    const rows = readFileSync(join(dir, 'adj.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.map((r) => [r[0], r[1], r[13]])).toEqual([
      ['changed-reversal', 'E001', '-480'],
      ['changed', 'E001', '450'],
      ['newly-approved', 'E002', '180'],
    ]);
  });
});
