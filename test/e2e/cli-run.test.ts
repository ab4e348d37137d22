/**
 * validate → run → status → rejects → fix the rejects CSV and load it again, through the CLI against a
 * sandbox (time ×100), like a user would.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { test } from '../helpers/fixtures.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { CONTROL_CHARS, ROOT, ensureBuilt, runZpetl } from '../helpers/cli-helpers.js';

const DEMO = join(ROOT, 'pipelines/demo-migration.yaml');
test.override({ fileSandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;
let db: string;
/**
 * The demo pipeline without its time-log step: a CLI run paces by the real clock, and the demo's 243
 * logs need a second 2-minute window of the log endpoint (the demo itself shares the sandbox clock).
 */
let PIPELINE: string;

beforeAll(() => ensureBuilt(), 120_000);
test.beforeAll(({ fileSandbox, fileTmp }) => {
  sandbox = fileSandbox;
  dir = fileTmp;
  db = join(dir, 'demo.db');
  const demo = readFileSync(DEMO, 'utf8');
  PIPELINE = join(dir, 'demo-migration.yaml');
  writeFileSync(PIPELINE, demo.slice(0, demo.indexOf('  - name: timelogs')).replaceAll('../fixtures/', `${join(ROOT, 'fixtures')}/`));
});

describe('zpetl validate / run / status / rejects (e2e)', () => {
  it('validate accepts every shipped pipeline (each file of pipelines/)', async () => {
    const files = readdirSync(join(ROOT, 'pipelines')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const r = await runZpetl(['validate', join(ROOT, 'pipelines', f)], { env: { ZOHO_PORTAL_ID: '1' } });
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('valid pipeline');
    }
  });

  it('validate lists every problem with path and line, exit 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nname: bad\nsteps:\n  - name: t\n    entity: task\n    source: {type: csv, path: x.csv}\n    key: []\n    fields: {nme: {from: A}}\n');
    const r = await runZpetl(['validate', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^PIPELINE_INVALID: .*bad\.yaml has \d+ problem/m);
    expect(r.stderr).toMatch(/bad\.yaml:7 steps\[0\]\.key: /);
    expect(r.stderr).toMatch(/bad\.yaml:8 steps\[0\]\.fields\.nme: unknown task field "nme"/);
  });

  it('run loads the demo with plain progress lines, exit 3 for its deliberate rejects; status and rejects read the checkpoint', async () => {
    const r = await runZpetl(['run', PIPELINE, '--db', db], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(3);
    for (const line of r.stdout.split('\n')) expect(line).not.toMatch(CONTROL_CHARS);
    expect(r.stdout).toMatch(/^tasks\s+106\s+102\s+0\s+0\s+4\s+0$/m);
    expect(r.stdout).toMatch(/finished with rejects in \S+ \(exit 3\)/);

    // A dry run over the same checkpoint (--db) counts what is loaded as would-skip, and leaves the file as it was.
    const before = readFileSync(db);
    const d = await runZpetl(['run', PIPELINE, '--dry-run', '--db', db, '--out', join(dir, 'dry')], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    expect(d.code, d.stderr).toBe(3);
    expect(d.stdout).toMatch(/tasks: done: read 106, valid 102, would create 0, would skip 102, rejected 4/);
    expect(readFileSync(db).equals(before)).toBe(true);

    const s = await runZpetl(['status', PIPELINE, '--db', db], { cwd: dir });
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^demo-migration: run #1 rejects/m);
    expect(s.stdout).toMatch(/^subtasks\s+subtask\s+done\s+69\s+68\s+0\s+0\s+1\s+0\s+0$/m);
    expect(s.stdout).toContain('nothing in doubt');

    const j = await runZpetl(['rejects', PIPELINE, '--db', db], { cwd: dir });
    expect(j.code).toBe(0);
    expect(j.stdout).toMatch(/^run #1 \(rejects\): 6 reject\(s\)$/m);
    expect(j.stdout).toMatch(/^users\s+\S*users\.csv:14\s+ROW_INVALID_EMAIL\s+email: /m);
    // status and rejects read the checkpoint read-only: never migrated, never written
    expect(readFileSync(db).equals(before)).toBe(true);

    const both = await runZpetl(['rejects', PIPELINE, '--db', db, '--csv', join(dir, 'all.csv')], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--step');
  }, 90_000);

  it('rejects --csv writes a file that, fixed, loads as the step source', async () => {
    const csv = join(dir, 'fix-tasks.csv');
    const w = await runZpetl(['rejects', PIPELINE, '--db', db, '--step', 'tasks', '--csv', csv], { cwd: dir });
    expect(w.code).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('Task ID,Project,Task List,Title,Description,Owner Email,Start Date,Due Date,Priority,_line,_step,_code,_field,_message');
    expect(lines).toHaveLength(5);
    // Fix the task without a title; leave the others as they are.
    writeFileSync(csv, readFileSync(csv, 'utf8').replace('T-271,Website relaunch,Build,,', 'T-271,Website relaunch,Build,Fixed title,'));
    const fix = join(dir, 'fix.yaml');
    const demo = readFileSync(DEMO, 'utf8');
    const tasksStep = demo.slice(demo.indexOf('  - name: tasks'), demo.indexOf('  - name: subtasks'));
    writeFileSync(fix, `version: 1\nname: demo-migration-fix\nsteps:\n${tasksStep.replace('path: ../fixtures/demo/tasks.csv', `path: ${JSON.stringify(csv)}`)}`);
    const r = await runZpetl(['run', fix, '--db', join(dir, 'fix.db'), '--quiet'], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    expect(r.stdout).toMatch(/^tasks\s+4\s+2\s+0\s+0\s+2\s+0$/m);
    expect(r.code).toBe(3);
  }, 90_000);
});
