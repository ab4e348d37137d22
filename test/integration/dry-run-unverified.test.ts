/**
 * An offline dry run (no Zoho credentials) cannot know what Zoho holds: rows whose fate depends on it
 * (skip-existing, portal-scope users, users in every mode) are counted as would-create and reported
 * unverified, per step and in a notice; rows under a parent the dry run would create are certain.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { dryRun, OFFLINE_NOTICE, unverifiedNotice } from '../../src/pipeline/dry-run/dry-run.js';

describe('offline dry run: unverified rows', () => {
  it('counts portal users and skip-existing rows as would-create, flagged unverified; creates under a new project are certain', async ({ tmp: dir }) => {
    writeFileSync(join(dir, 'users.csv'), 'Email\nana@example.com\nzed@example.com\n');
    writeFileSync(join(dir, 'projects.csv'), 'Code,Name\nP1,Alpha\n');
    writeFileSync(join(dir, 'tasks.csv'), 'ID,Project,Name\nT1,Alpha,Under a new project\nT2,Existing,Somewhere in Zoho\n');
    writeFileSync(join(dir, 'p.yaml'), `version: 1
name: offline
steps:
  - name: users
    entity: user
    scope: portal
    source: { type: csv, path: users.csv }
    key: [Email]
    fields:
      email: { from: Email, converter: email, required: true }
  - name: projects
    entity: project
    mode: skip-existing
    source: { type: csv, path: projects.csv }
    key: [Code]
    fields:
      name: { from: Name, required: true }
  - name: tasks
    entity: task
    mode: skip-existing
    source: { type: csv, path: tasks.csv }
    key: [ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: Name, required: true }
`);
    const notices: string[] = [];
    const { report } = await dryRun(join(dir, 'p.yaml'), { env: {}, cwd: dir, outDir: join(dir, 'out'), onNotice: (n) => notices.push(n) });
    const step = (name: string) => report.steps.find((s) => s.name === name)!;
    expect(step('users').counts).toMatchObject({ valid: 2, wouldCreate: 2, rejected: 0 });
    expect(step('users').unverified).toBe(2);
    expect(step('projects').counts).toMatchObject({ valid: 1, wouldCreate: 1 });
    expect(step('projects').unverified).toBe(1);
    // Under the project the dry run would create, nothing exists yet: certain. Offline, a project only in
    // Zoho is unknown (the offline notice says names must come from earlier steps).
    expect(step('tasks').counts).toMatchObject({ valid: 1, wouldCreate: 1, rejected: 1 });
    expect(step('tasks').unverified).toBeUndefined();
    expect(notices).toEqual([OFFLINE_NOTICE, unverifiedNotice('users', 2), unverifiedNotice('projects', 1)]);
    expect(notices[1]).toBe('users: 2 rows unverified (no read access to Zoho), counted as would-create; the run skips what Zoho already holds and rejects portal users who are not in the portal');
  });
});
