import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { parse } from 'yaml';
import { guessDateFormat, guessDurationFormat } from '../../../../src/pipeline/file/init-guess.js';
import { readSourceSample } from '../../../../src/pipeline/file/init-sample.js';
import { renderStarterPipeline } from '../../../../src/pipeline/file/init-template.js';
import { it } from '../../../helpers/fixtures.js';

type Step = { name: string; entity: string; key: string[]; source: { type: string; path: string; delimiter?: string }; fields: Record<string, { from: string; lookup?: { kind: string }; converter?: unknown; required?: boolean }> };

describe('init template', () => {
  it('guesses date formats only as far as the values allow', () => {
    expect(guessDateFormat(['2026-11-02', '2026-1-5'])).toEqual({ format: 'YYYY-MM-DD', certain: true, hasTime: false });
    expect(guessDateFormat(['11/02/2026', '11/25/2026'])).toEqual({ format: 'MM/DD/YYYY', certain: true, hasTime: false });
    expect(guessDateFormat(['25/11/2026', '02/11/2026'])).toEqual({ format: 'DD/MM/YYYY', certain: true, hasTime: false });
    expect(guessDateFormat(['02/11/2026']).certain).toBe(false);
    expect(guessDateFormat(['24.12.2026'])).toEqual({ format: 'DD.MM.YYYY', certain: true, hasTime: false });
  });

  it('guesses duration formats and says when unsure', () => {
    expect(guessDurationFormat(['01:30', '10:05'])).toEqual({ format: 'hh:mm', certain: true });
    expect(guessDurationFormat(['1.5', '2.75']).format).toBe('decimal');
    expect(guessDurationFormat(['1.30', '2.15'])).toEqual({ format: 'h.mm', certain: false });
  });

  it('maps a generic project-tool export to a task step with lookups, converters and the key', async () => {
    const sample = await readSourceSample('fixtures/examples/project-tool-export.csv');
    const text = renderStarterPipeline({ name: 'tasks-from-tool', entity: 'task', sourcePath: '../fixtures/examples/project-tool-export.csv', sample });
    const doc = parse(text) as { version: number; name: string; steps: Step[] };
    expect(doc.version).toBe(1);
    expect(doc.name).toBe('tasks-from-tool');
    const step = doc.steps[0]!;
    expect(step.entity).toBe('task');
    expect(step.key).toEqual(['ID']);
    expect(step.fields['name']).toMatchObject({ from: 'Name', required: true });
    expect(step.fields['project']).toMatchObject({ from: 'Project', lookup: { kind: 'project-by-name' } });
    expect(step.fields['tasklist']).toMatchObject({ from: 'Section', lookup: { kind: 'tasklist-by-name', within: 'project' } });
    expect(step.fields['startDate']).toMatchObject({ from: 'Start Date', converter: { type: 'date', formats: ['MM/DD/YYYY'] } });
    expect(step.fields['owners']).toMatchObject({ from: 'Assignee Email', lookup: { kind: 'user-by-email' } });
    expect(step.fields['priority']).toMatchObject({ converter: { type: 'enum', map: { High: 'high', Low: 'low', Medium: 'medium' } } });
    expect(text).toContain('# columns not used: Parent ID');
  });

  it('keeps the delimiter, picks the entity key, and flags required fields it cannot fill', async ({ tmp: dir }) => {
    const hr = await readSourceSample('fixtures/examples/hr-employees.csv');
    const users = (parse(renderStarterPipeline({ name: 'hr', entity: 'user', sourcePath: 'hr.csv', sample: hr })) as { steps: Step[] }).steps[0]!;
    expect(users.source.delimiter).toBe(';');
    expect(users.key).toEqual(['Employee ID']);
    expect(users.fields['email']).toMatchObject({ from: 'Work Email', converter: 'email', required: true });

    const logs = await readSourceSample('fixtures/demo/timelogs.csv');
    const text = renderStarterPipeline({ name: 'logs', entity: 'timelog', sourcePath: 'timelogs.csv', sample: logs });
    const step = (parse(text) as { steps: Step[] }).steps[0]!;
    expect(step.key).toEqual(['Log ID']);
    expect(step.fields['minutes']).toMatchObject({ from: 'Hours', converter: { type: 'duration', format: 'hh:mm' } });
    expect(step.fields['billing']).toMatchObject({ converter: { type: 'enum', map: { Yes: 'Billable', No: 'Non Billable' } } });
    expect(step.fields['project']).toMatchObject({ from: 'Project', lookup: { kind: 'project-by-name' } });

    writeFileSync(join(dir, 'logs.csv'), 'Log ID,Task ID,User,Date,Hours,Billable\nL1,T1,a@b.example,2026-11-02,01:30,Yes\n');
    const noProject = renderStarterPipeline({ name: 'logs', entity: 'timelog', sourcePath: 'logs.csv', sample: await readSourceSample(join(dir, 'logs.csv')) });
    expect((parse(noProject) as { steps: Step[] }).steps[0]!.fields['project']!.from).toMatch(/^CHANGE_ME/);
    expect(noProject).toContain('no column looked like it');

    // Names are never mapped (validate refuses them); a role is, only where the step adds to projects.
    writeFileSync(join(dir, 'people.csv'), 'Email,First Name,Last Name,Role\na@b.example,Ann,Bo,Manager\n');
    const portal = renderStarterPipeline({ name: 'people', entity: 'user', sourcePath: 'people.csv', sample: await readSourceSample(join(dir, 'people.csv')) });
    expect(Object.keys((parse(portal) as { steps: Step[] }).steps[0]!.fields)).toEqual(['email']);
    expect(portal).toContain('columns not used: First Name, Last Name, Role');
    writeFileSync(join(dir, 'members.csv'), 'Email,First Name,Role,Project\na@b.example,Ann,Manager,Web\n');
    const members = (parse(renderStarterPipeline({ name: 'm', entity: 'user', sourcePath: 'members.csv', sample: await readSourceSample(join(dir, 'members.csv')) })) as { steps: Step[] }).steps[0]!;
    expect(members.fields['role']).toMatchObject({ from: 'Role', lookup: { kind: 'role-by-name' } });
    expect(members.fields['firstName']).toBeUndefined();
  });

  it('names the file in errors', async ({ tmp: dir }) => {
    writeFileSync(join(dir, 'empty.csv'), '');
    await expect(readSourceSample(join(dir, 'empty.csv'), 5, 'empty.csv')).rejects.toMatchObject({ code: 'SOURCE_EMPTY', message: 'empty.csv has no header line' });
    await expect(readSourceSample(join(dir, 'missing.csv'), 5, 'missing.csv')).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });
});

const SCHEMA_MODULE = '../../../../src/pipeline/file/schema.js';
const schemaCommitted = existsSync(new URL('../../../../src/pipeline/file/schema.ts', import.meta.url));

describe('init template against the pipeline schema', () => {
  it.skipIf(!schemaCommitted)('writes files the pipeline schema accepts (cross-step lookups aside, which name the user\'s own step)', async () => {
    const { PipelineSchema } = (await import(SCHEMA_MODULE)) as { PipelineSchema: { safeParse(v: unknown): { success: true } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } } };
    const cases = [
      ['fixtures/examples/project-tool-export.csv', 'task'],
      ['fixtures/examples/hr-employees.csv', 'user'],
      ['fixtures/demo/projects.csv', 'project'],
      ['fixtures/demo/milestones.csv', 'milestone'],
      ['fixtures/demo/tasklists.csv', 'tasklist'],
      // names are refused and a portal-scope step sends no role: neither may be mapped
      ['fixtures/demo/users.csv', 'user'],
    ] as const;
    for (const [file, entity] of cases) {
      const sample = await readSourceSample(file);
      const r = PipelineSchema.safeParse(parse(renderStarterPipeline({ name: 'starter', entity, sourcePath: file, sample })));
      expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), `${entity} from ${file}`).toEqual([]);
    }
  });
});

describe('readSourceSample positions', () => {
  it('a parse error names the line its record starts on, as the extractor counts lines (blank lines, records spanning lines, a BOM)', async ({ tmp: dir }) => {
    const text = 'id,note\n\n\n1,"two\r\nlines"\n2,"x"y\n';
    writeFileSync(join(dir, 'bad.csv'), `\uFEFF${text}`);
    const err = await readSourceSample(join(dir, 'bad.csv'), 5, 'bad.csv').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SOURCE_PARSE', pos: { source: 'bad.csv', line: 6, byteOffset: 3 + text.indexOf('2,"x"y') } });
  });
});
