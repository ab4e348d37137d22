/**
 * The dry run over a generated time-log file with planted duplicate keys and over-24 h days at known
 * lines: every one found, on the right line with the right code, and no false duplicate.
 * Enough rows and distinct (user, day) pairs that the scratch store flushes its buffers many times.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { prng } from '../helpers/chaos-harness.js';
import { it } from '../helpers/fixtures.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { EXIT_REJECTS } from '../../src/pipeline/exit-codes.js';


const PIPELINE = `version: 1
name: planted
options:
  batchSize: 100
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [Code]
    fields:
      name: { from: Name, required: true }
  - name: users
    entity: user
    scope: project
    source: { type: csv, path: users.csv }
    key: [Email]
    fields:
      email: { from: Email, required: true }
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
  - name: timelogs
    entity: timelog
    source: { type: csv, path: timelogs.csv }
    key: [Log ID, Part]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      user: { from: User, converter: email, lookup: { kind: user-by-email } }
      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" }, required: true }
      billing: { default: Billable }
      logName: { default: General }
`;

const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

describe('dry run with planted duplicates and over-24 h days', () => {
  it('reports exactly the planted rejects, by line and code, across many scratch-store flushes', async ({ tmp: dir }) => {
    const rnd = prng(4);
    writeFileSync(join(dir, 'projects.csv'), 'Code,Name\nP1,Alpha\n');
    const users = Array.from({ length: 150 }, (_, i) => `u${i}@example.com`);
    const dates = Array.from({ length: 20 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
    const rows: { id: string; part: string; user: string; date: string; minutes: number }[] = [];
    const N = 12_000;
    for (let i = 0; i < N; i++) {
      const q = rnd();
      const prev = rows.length > 0 ? rows[rnd() < 0.5 ? Math.floor(rnd() * rows.length) : Math.max(0, rows.length - 1 - Math.floor(rnd() * 20))]! : undefined;
      const user = users[Math.floor(rnd() * users.length)]!;
      const date = dates[Math.floor(rnd() * dates.length)]!;
      const minutes = 30 + Math.floor(rnd() * 571);
      if (prev && q < 0.03) rows.push({ ...prev, user, date, minutes }); // a duplicate key (far back or recent)
      else if (prev && q < 0.06) rows.push({ ...prev, part: `${prev.part}0`, user, date, minutes }); // same Log ID, another part: not a duplicate
      else if (prev && q < 0.08) rows.push({ id: `L${i}`, part: '1', user: prev.user, date: prev.date, minutes: 1 + Math.floor(rnd() * 1440) }); // piles onto a day
      else rows.push({ id: `L${i}`, part: '1', user, date, minutes });
    }
    // Exactly 24 h is allowed; one minute more is not (planted on a day nobody else logs).
    rows.push({ id: 'X1', part: '1', user: 'edge@example.com', date: '2026-12-01', minutes: 1000 });
    rows.push({ id: 'X2', part: '1', user: 'edge@example.com', date: '2026-12-01', minutes: 440 });
    rows.push({ id: 'X3', part: '1', user: 'edge@example.com', date: '2026-12-01', minutes: 1 });
    rows.push({ id: 'X3', part: '1', user: 'edge@example.com', date: '2026-12-02', minutes: 1 });
    writeFileSync(join(dir, 'users.csv'), `Email,Project\n${[...users, 'edge@example.com'].map((u) => `${u},Alpha`).join('\n')}\n`);
    writeFileSync(join(dir, 'timelogs.csv'), `Log ID,Part,Project,User,Date,Hours\n${rows.map((r) => `${r.id},${r.part},Alpha,${r.user},${r.date},${hhmm(r.minutes)}`).join('\n')}\n`);
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);

    // The rules, naively: a key claimed once per step (even by a row then rejected for its day), then the day total.
    const claimed = new Set<string>();
    const days = new Map<string, number>();
    const expected: [string, string][] = [];
    rows.forEach((r, i) => {
      const line = String(i + 2);
      const key = JSON.stringify([r.id, r.part]);
      if (claimed.has(key)) return void expected.push([line, 'ROW_DUPLICATE_KEY']);
      claimed.add(key);
      const dk = `${r.user} ${r.date}`;
      const total = days.get(dk) ?? 0;
      if (total + r.minutes > 1440) return void expected.push([line, 'ROW_DAY_OVER_24H']);
      days.set(dk, total + r.minutes);
    });
    const dupCount = expected.filter(([, c]) => c === 'ROW_DUPLICATE_KEY').length;
    const overCount = expected.length - dupCount;
    expect(dupCount).toBeGreaterThan(200);
    expect(overCount).toBeGreaterThan(200);
    expect(expected.slice(-2)).toEqual([[String(rows.length), 'ROW_DAY_OVER_24H'], [String(rows.length + 1), 'ROW_DUPLICATE_KEY']]);

    const { report, exitCode, outDir } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir });
    expect(exitCode).toBe(EXIT_REJECTS);
    const step = report.steps.find((s) => s.name === 'timelogs')!;
    expect(step.counts).toMatchObject({ read: rows.length, valid: rows.length - expected.length, rejected: expected.length });
    expect(step.rejectsByCode).toEqual({ ROW_DUPLICATE_KEY: dupCount, ROW_DAY_OVER_24H: overCount });
    const got = (parse(readFileSync(join(outDir, 'rejects-timelogs.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((r) => [r['_line']!, r['_code']!]);
    expect(got).toEqual(expected);
  });

  it('finds a user that a project-scoped users step adds after a project owner lookup missed it (no false ROW_UNKNOWN_USER)', async ({ tmp: dir }) => {
    writeFileSync(join(dir, 'projects.csv'), 'Code,Name,Owner\nP1,Alpha,ana@example.com\nP2,Beta,\n');
    writeFileSync(join(dir, 'users.csv'), 'Email,Project\nana@example.com,Beta\n');
    writeFileSync(join(dir, 'timelogs.csv'), 'Log ID,Project,User,Date,Hours\nL1,Beta,ana@example.com,2026-11-02,01:00\nL2,Beta,zed@example.com,2026-11-02,01:00\n');
    writeFileSync(join(dir, 'p.yaml'), `version: 1
name: owners
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [Code]
    fields:
      name: { from: Name, required: true }
      owner: { from: Owner, lookup: { kind: user-by-email } }
  - name: users
    entity: user
    scope: project
    source: { type: csv, path: users.csv }
    key: [Email, Project]
    fields:
      email: { from: Email, converter: email, required: true }
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
  - name: timelogs
    entity: timelog
    source: { type: csv, path: timelogs.csv }
    key: [Log ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      user: { from: User, lookup: { kind: user-by-email } }
      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" }, required: true }
      billing: { default: Billable }
      logName: { default: General }
`);
    const { report } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir });
    expect(report.error).toBeUndefined();
    expect(report.steps.map((s) => s.name)).toEqual(['projects', 'users', 'timelogs']);
    // The owner is not there yet when projects run (users come after them): that row is rejected, as in a real run…
    expect(report.steps[0]!.rejectsByCode).toEqual({ ROW_UNKNOWN_USER: 1 });
    // …but by the time logs the users step has added her: only zed is unknown.
    expect(report.steps[2]!.counts).toMatchObject({ read: 2, valid: 1, rejected: 1 });
    expect(report.samples.filter((s) => s.step === 'timelogs').map((s) => [s.line, s.code])).toEqual([[3, 'ROW_UNKNOWN_USER']]);
  });

  it('counts one person per e-mail address whatever its case, even without the email converter', async ({ tmp: dir }) => {
    writeFileSync(join(dir, 'projects.csv'), 'Code,Name\nP1,Alpha\n');
    writeFileSync(join(dir, 'timelogs.csv'), 'Log ID,Part,Project,User,Date,Hours\nA,1,Alpha,Ana@Example.com,2026-11-02,13:00\nB,1,Alpha,ana@example.com,2026-11-02,12:00\nC,1,Alpha,ana@example.com,2026-11-03,12:00\n');
    writeFileSync(join(dir, 'users.csv'), 'Email,Project\nana@example.com,Alpha\n');
    const pipeline = PIPELINE.replace('user: { from: User, converter: email, lookup', 'user: { from: User, lookup');
    // The user column really is mapped without the converter (else the converter's lower-casing passes this test alone).
    expect(pipeline).not.toContain('converter: email');
    writeFileSync(join(dir, 'p.yaml'), pipeline);
    const r = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir });
    const rejects = parse(readFileSync(join(dir, 'out', 'rejects-timelogs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rejects.map((x) => [x['_line'], x['_code']])).toEqual([['3', 'ROW_DAY_OVER_24H']]);
    expect(r.report.steps.find((s) => s.name === 'timelogs')!.counts).toMatchObject({ read: 3, valid: 2, rejected: 1 });
  });
});
