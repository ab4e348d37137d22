/**
 * The new lookups end to end, in a dry run and then a real run on the same sandbox: display names
 * (one ambiguous), a missing owner under `onMissing: warn`, a default, task-by-name against tasks an
 * earlier step creates, and time logs on tasks and subtasks through task-by-key over two steps. The
 * dry run predicts what the run does, step by step.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { createScaledClock } from '../../src/core/clock.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import { listRejects } from '../../src/pipeline/status/status.js';
import { it } from '../helpers/fixtures.js';
import { sandboxClient } from '../helpers/sandbox-client.js';

const PIPELINE = `version: 1
name: lk
options: { batchSize: 10 }
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [Code]
    fields:
      name: { from: Name }
  - name: members
    entity: user
    scope: project
    source: { type: csv, path: members.csv }
    key: [Email]
    fields:
      email: { from: Email }
      project: { from: Project, lookup: { kind: project-by-name } }
  - name: tasks
    entity: task
    source: { type: csv, path: tasks.csv }
    key: [Key]
    fields:
      project: { from: Project, lookup: { kind: project-by-name } }
      name: { from: Summary }
      owners: { from: Assignee, converter: { type: list, separator: ";" }, lookup: { kind: user-by-name, onMissing: warn } }
  - name: subtasks
    entity: subtask
    source: { type: csv, path: subtasks.csv }
    key: [Key]
    fields:
      project: { from: Project, lookup: { kind: project-by-name } }
      parent: { from: Parent, lookup: { kind: task-by-key, step: tasks } }
      name: { from: Summary }
  - name: worklogs
    entity: timelog
    source: { type: csv, path: worklogs.csv }
    key: [Id]
    fields:
      project: { from: Project, lookup: { kind: project-by-name } }
      task: { from: Issue, lookup: { kind: task-by-key, step: [tasks, subtasks] } }
      user: { from: Author, lookup: { kind: user-by-name, onMissing: { default: Ann Lee } } }
      date: { from: Date }
      minutes: { from: Minutes, converter: number }
      billing: { default: Billable }
  - name: by-name
    entity: timelog
    dependsOn: [worklogs]
    source: { type: csv, path: by-name.csv }
    key: [Id]
    fields:
      project: { from: Project, lookup: { kind: project-by-name } }
      task: { from: Task, lookup: { kind: task-by-name, within: project } }
      user: { from: Author, lookup: { kind: user-by-email } }
      date: { from: Date }
      minutes: { from: Minutes, converter: number }
      billing: { default: Billable }
`;

it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });

describe('lookups in a dry run and a real run', () => {
  it('resolve the same way: user-by-name, onMissing warn and default, task-by-name, task-by-key over two steps', async ({ sandbox, tmp: dir }) => {
    sandbox.admin.insert('users', [
      { email: 'jonas.mueller@example.com', full_name: 'Jonas Müller' },
      { email: 'ann.lee@example.com', full_name: 'Ann Lee' },
      { email: 'sam.smith@example.com', full_name: 'Sam Smith' },
      { email: 's.smith@example.com', full_name: 'Sam Smith' },
    ]);
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    writeFileSync(join(dir, 'projects.csv'), 'Code,Name\nAP,Apollo\n');
    writeFileSync(join(dir, 'members.csv'), 'Email,Project\njonas.mueller@example.com,Apollo\nann.lee@example.com,Apollo\n');
    // "Mu\u0308ller" is Müller decomposed (NFD), as some exports write it.
    writeFileSync(join(dir, 'tasks.csv'), `Key,Project,Summary,Assignee\nAP-1,Apollo,Design,Jonas Mu\u0308ller\nAP-2,Apollo,Build,Nobody;ann lee\nAP-3,Apollo,Review,Sam Smith\n`);
    writeFileSync(join(dir, 'subtasks.csv'), 'Key,Project,Parent,Summary\nAP-4,Apollo,AP-1,Sketch\n');
    writeFileSync(
      join(dir, 'worklogs.csv'),
      'Id,Project,Issue,Author,Date,Minutes\nw1,Apollo,AP-1,Jonas Müller,2026-11-02,60\nw2,Apollo,AP-4,Jane Roe,2026-11-02,30\nw3,Apollo,AP-9,Jonas Müller,2026-11-03,30\nw4,Apollo,AP-2,Sam Smith,2026-11-03,30\n',
    );
    writeFileSync(join(dir, 'by-name.csv'), 'Id,Project,Task,Author,Date,Minutes\nn1,Apollo,sketch,ann.lee@example.com,2026-11-04,15\nn2,Apollo,Nope,ann.lee@example.com,2026-11-04,15\n');

    const clock = createScaledClock(100, sandbox.clock.now());
    const env = { ...sandbox.env };
    const dry = await dryRun(join(dir, 'p.yaml'), { api: sandboxClient(sandbox, { clock }), env, cwd: dir, outDir: join(dir, 'dry'), now: () => clock.now() });
    const run = await runPipeline(join(dir, 'p.yaml'), { env, cwd: dir, clock, outDir: false });

    const predicted = Object.fromEntries(dry.report.steps.map((s) => [s.name, { created: s.counts.wouldCreate, rejected: s.counts.rejected, codes: s.rejectsByCode }]));
    const rejects = listRejects(run.dbPath, 'lk', { owner: { pipeline: 'lk', portalId: sandbox.portalId, file: join(dir, 'p.yaml') } }).rejects;
    const done = Object.fromEntries(
      Object.entries(run.counts).map(([name, c]) => {
        const codes: Record<string, number> = {};
        for (const r of rejects.filter((x) => x.step === name)) codes[r.code] = (codes[r.code] ?? 0) + 1;
        return [name, { created: c.created, rejected: c.rejected, codes }];
      }),
    );
    expect(predicted).toEqual(done);
    expect(done).toEqual({
      projects: { created: 1, rejected: 0, codes: {} },
      members: { created: 2, rejected: 0, codes: {} },
      // Build's first owner is unknown: under warn it loads, with a warning. Review's owner is ambiguous:
      // a reject naming both candidates, under warn too.
      tasks: { created: 2, rejected: 1, codes: { ROW_AMBIGUOUS_REFERENCE: 1 } },
      subtasks: { created: 1, rejected: 0, codes: {} },
      worklogs: { created: 2, rejected: 2, codes: { ROW_MISSING_PARENT: 1, ROW_AMBIGUOUS_REFERENCE: 1 } },
      'by-name': { created: 1, rejected: 1, codes: { ROW_UNKNOWN_REFERENCE: 1 } },
    });
    for (const r of rejects.filter((x) => x.code === 'ROW_AMBIGUOUS_REFERENCE')) {
      expect(r.message).toContain('sam.smith@example.com');
      expect(r.message).toContain('s.smith@example.com');
    }

    // What Zoho holds: owners by display name, the unknown one dropped; logs on the task and the subtask.
    const users = Object.fromEntries((sandbox.admin.entities('users') as { id: string; email: string }[]).map((u) => [u.email, u.id]));
    const tasks = sandbox.admin.entities('tasks') as { id: string; name: string; owners_and_work?: { owners?: { zpuid: string }[] } }[];
    const ownersOf = (name: string) => (tasks.find((t) => t.name === name)!.owners_and_work?.owners ?? []).map((o) => o.zpuid);
    expect(ownersOf('Design')).toEqual([users['jonas.mueller@example.com']]);
    expect(ownersOf('Build')).toEqual([users['ann.lee@example.com']]);
    expect(tasks.some((t) => t.name === 'Review')).toBe(false);
    const logs = sandbox.admin.entities('timelogs') as { module_detail?: { id: string }; owner?: { zpuid?: string } }[];
    const taskId = (name: string) => tasks.find((t) => t.name === name)!.id;
    const logged = logs.map((l) => [l.module_detail?.id, l.owner?.zpuid]).sort();
    expect(logged).toEqual(
      [
        [taskId('Design'), users['jonas.mueller@example.com']],
        [taskId('Sketch'), users['ann.lee@example.com']],
        [taskId('Sketch'), users['ann.lee@example.com']],
      ].sort(),
    );
  });
});
