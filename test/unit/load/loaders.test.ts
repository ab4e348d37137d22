import { describe, expect, it } from 'vitest';
import { createEntityLoader } from '../../../src/load/loaders/index.js';
import { createFakeApi } from '../../helpers/fake-api.js';

const api = createFakeApi();
const noIdKeys = (body: Record<string, unknown>) => Object.keys(body).filter((k) => k.endsWith('_id') && k !== 'email_id' && k !== 'role_id' && k !== 'profile_id');

describe('V3 request bodies from target fields', () => {
  it('project', () => {
    const body = createEntityLoader('project', api).buildRequest({ name: 'P', startDate: '2026-01-01', endDate: '2026-02-01', owner: '1512955000000000001', isPublic: false, cf_region: 'EU' });
    expect(body).toEqual({ name: 'P', start_date: '2026-01-01', end_date: '2026-02-01', owner: { zpuid: '1512955000000000001' }, is_public_project: false, cf_region: 'EU' });
  });

  it('project with an external-id marker field', () => {
    const body = createEntityLoader('project', api, { externalIdField: 'cf_source_key' }).buildRequest({ name: 'P' }, 'SRC-1');
    expect(body).toEqual({ name: 'P', cf_source_key: 'SRC-1' });
  });

  it('milestone', () => {
    expect(createEntityLoader('milestone', api).buildRequest({ project: '9', name: 'M1', startDate: '2026-01-01', endDate: '2026-01-31', flag: 'internal' })).toEqual({
      name: 'M1',
      start_date: '2026-01-01',
      end_date: '2026-01-31',
      flag: 'internal',
    });
  });

  it('tasklist links its milestone as a nested object', () => {
    const body = createEntityLoader('tasklist', api).buildRequest({ project: '9', name: 'L', milestone: '1512955000000000777' });
    expect(body).toEqual({ name: 'L', milestone: { id: '1512955000000000777' } });
    expect(noIdKeys(body)).toEqual([]);
  });

  it('task: nested tasklist, owners by zpuid, lower-case enums, ids stay strings', () => {
    const body = createEntityLoader('task', api).buildRequest({
      project: '9',
      tasklist: '1512955000000000888',
      name: 'T',
      description: '<p>x</p>',
      startDate: '2026-03-01',
      endDate: '2026-03-02',
      priority: 'High',
      owners: ['1512955000000000001', '1512955000000000002'],
      completionPercentage: 40,
      billingType: 'billable',
    });
    expect(body).toEqual({
      name: 'T',
      description: '<p>x</p>',
      tasklist: { id: '1512955000000000888' },
      start_date: '2026-03-01',
      end_date: '2026-03-02',
      priority: 'high',
      owners_and_work: { owners: [{ zpuid: '1512955000000000001' }, { zpuid: '1512955000000000002' }] },
      completion_percentage: 40,
      billing_type: 'billable',
    });
    expect(noIdKeys(body)).toEqual([]);
  });

  it('subtask: parental_info from `parent`; missing parent is a row reject', () => {
    const l = createEntityLoader('subtask', api);
    expect(l.buildRequest({ project: '9', name: 'S', parent: '1512955000000000999' })).toEqual({ name: 'S', parental_info: { parent_task_id: '1512955000000000999' } });
    expect(() => l.buildRequest({ project: '9', name: 'S' })).toThrow(expect.objectContaining({ code: 'ROW_REQUIRED', disposition: 'reject-row' }));
  });

  it('time log: request names, minutes → HH:MM, 24-hour times → hh:mm AM/PM', () => {
    const body = createEntityLoader('timelog', api).buildRequest({
      project: '9',
      task: '1512955000000000555',
      user: '1512955000000000001',
      date: '2026-03-02',
      minutes: 95,
      billing: 'Non Billable',
      approval: 'Approved',
      notes: 'n',
      startTime: '13:05',
      endTime: '14:40',
    });
    expect(body).toEqual({
      date: '2026-03-02',
      bill_status: 'Non Billable',
      hours: '01:35',
      module: { type: 'task', id: '1512955000000000555' },
      notes: 'n',
      owner_zpuid: '1512955000000000001',
      start_time: '01:05 PM',
      end_time: '02:40 PM',
      status: 'Approved',
    });
    expect(createEntityLoader('timelog', api).buildRequest({ project: '9', date: '2026-03-02', minutes: 30, billing: 'Billable', logName: 'Admin' })).toMatchObject({
      module: { type: 'general' },
      log_name: 'Admin',
    });
  });

  it('user: email lower-cased, role and profile only as ids', () => {
    const l = createEntityLoader('user', api);
    expect(l.buildRequest({ email: 'Ann@X.io', project: '9', role: '1512955000000000102' })).toEqual({ email_id: 'ann@x.io', role_id: '1512955000000000102' });
    // A role name that was not looked up is refused before anything is sent, pointing at the lookup.
    const pos = { source: 'u.csv', line: 2, index: 0 };
    const refused = l.refuseUnmatched!({ key: 'k', values: { email: 'a@x.io', project: '9', role: 'Manager' }, pos });
    expect(refused).toMatchObject({ code: 'ROW_INVALID_VALUE', field: 'role', value: 'Manager', pos });
    expect(refused!.message).toContain('lookup: { kind: role-by-name }');
    expect(l.refuseUnmatched!({ key: 'k', values: { email: 'a@x.io', project: '9', profile: 'Employee' }, pos })!.message).toContain('profile-by-name');
    expect(l.refuseUnmatched!({ key: 'k', values: { email: 'a@x.io', project: '9', role: '1512955000000000102' }, pos })).toBeUndefined();
  });

  it('time log: `api-user` sends no owner (Zoho books it to the API user); any other user is the owner', () => {
    const l = createEntityLoader('timelog', api);
    const row = { project: '9', task: '7', date: '2026-03-02', minutes: 30, billing: 'Billable' };
    expect(l.buildRequest({ ...row, user: 'api-user' })).not.toHaveProperty('owner_zpuid');
    expect(l.buildRequest({ ...row, user: '1512955000000000001' })).toMatchObject({ owner_zpuid: '1512955000000000001' });
  });
});

describe('external-id marker', () => {
  it('matches by marker first and never takes an entity marked for another key', async () => {
    const fake = createFakeApi();
    const l = createEntityLoader('task', fake, { externalIdField: 'cf_src' });
    const a = await fake.tasks.create('100', { name: 'Same', tasklist: { id: '200' }, cf_src: 'K1' });
    const b = await fake.tasks.create('100', { name: 'Same', tasklist: { id: '200' }, cf_src: 'K2' });
    const c = await fake.tasks.create('100', { name: 'Same', tasklist: { id: '200' } });
    const values = { project: '100', tasklist: '200', name: 'Same' };
    expect(await l.findExisting(values, { key: 'K2' })).toEqual([b.id, c.id]);
    expect(await l.findExisting(values, { key: 'K3' })).toEqual([c.id]);
    expect(a.id).not.toBe(b.id);
    expect(l.buildRequest(values, 'K9')).toMatchObject({ cf_src: 'K9' });
  });
});

describe('findCandidates: the created time Zoho answers, for reconciliation', () => {
  it('projects, milestones, task lists, tasks and time logs report created_time as createdMs; users have none (one user per email)', async () => {
    const fake = createFakeApi();
    const at = '2026-06-24T16:45:31.884Z';
    const ms = Date.parse(at);
    fake.projects_.push({ id: '1000000000000000101', name: 'P', created_time: at } as never);
    fake.milestones_.push({ id: '1000000000000000102', name: 'M', project: { id: '101' }, created_time: at } as never);
    fake.tasklists_.push({ id: '1000000000000000103', name: 'L', project: { id: '101' }, created_time: at } as never);
    fake.tasks_.push({ id: '1000000000000000104', name: 'T', project: { id: '101' }, tasklist: { id: '200' }, created_time: at } as never);
    const cases: [Parameters<typeof createEntityLoader>[0], Record<string, unknown>, string][] = [
      ['project', { name: 'P' }, '1000000000000000101'],
      ['milestone', { name: 'M', project: '101' }, '1000000000000000102'],
      ['tasklist', { name: 'L', project: '101' }, '1000000000000000103'],
      ['task', { name: 'T', project: '101', tasklist: '200' }, '1000000000000000104'],
    ];
    for (const [entity, values, id] of cases) {
      const l = createEntityLoader(entity, fake);
      expect(await l.findCandidates!(values), entity).toEqual([{ id, createdMs: ms }]);
      expect(await l.findExisting(values), entity).toEqual([id]);
    }
    const logs = createEntityLoader('timelog', fake);
    const values = { project: '101', task: '301', date: '2026-03-02', hours: '01:30', owner: '401', notes: 'x' };
    await logs.create([{ key: 'k', values, pos: { source: 's', line: 2, index: 0 } }]);
    fake.timelogs_[0]!.created_time = at;
    expect(await createEntityLoader('timelog', fake).findCandidates!(values)).toEqual([{ id: fake.timelogs_[0]!.id, createdMs: ms }]);
    expect(createEntityLoader('user', fake).findCandidates).toBeUndefined();
  });
});

describe('ref fields hold Zoho ids (one check in every buildRequest)', () => {
  const api = createFakeApi();
  const log = { project: '9', task: '7', date: '2026-03-02', minutes: 30, billing: 'Billable' };

  it('a time-log user given as an e-mail without a lookup is refused, naming the field, the value and the lookup to add', () => {
    const l = createEntityLoader('timelog', api);
    expect(() => l.buildRequest({ ...log, user: 'ana@acme.example' })).toThrow(
      expect.objectContaining({
        code: 'ROW_INVALID_VALUE',
        disposition: 'reject-row',
        field: 'user',
        value: 'ana@acme.example',
        message: '"user" must hold Zoho ids (digits), got "ana@acme.example"; add a lookup (e.g. `lookup: { kind: user-by-email }`) to the field',
      }),
    );
    expect(l.buildRequest({ ...log, user: 'api-user' })).not.toHaveProperty('owner_zpuid');
  });

  it('every loader checks its refs: a project owner, a task list milestone, a task parent, a project by name', () => {
    expect(() => createEntityLoader('project', api).buildRequest({ name: 'P', owner: 'api-user' })).toThrow(expect.objectContaining({ field: 'owner', value: 'api-user' }));
    expect(() => createEntityLoader('tasklist', api).buildRequest({ project: '9', name: 'L', milestone: 'Phase 1' })).toThrow(expect.objectContaining({ field: 'milestone' }));
    expect(() => createEntityLoader('subtask', api).buildRequest({ project: '9', name: 'S', parent: 'JIRA-1' })).toThrow(expect.objectContaining({ field: 'parent' }));
    expect(() => createEntityLoader('milestone', api).buildRequest({ project: 'Apollo', name: 'M', startDate: '2026-01-01', endDate: '2026-01-02' })).toThrow(
      expect.objectContaining({ field: 'project', message: expect.stringContaining('project-by-name') }),
    );
    // Zoho takes a task owner by e-mail as well as by zpuid (docs/zoho-api-notes.md#tasks).
    expect(createEntityLoader('task', api).buildRequest({ project: '9', name: 'T', owners: ['ana@acme.example', '15'] })).toMatchObject({
      owners_and_work: { owners: [{ email: 'ana@acme.example' }, { zpuid: '15' }] },
    });
    expect(() => createEntityLoader('task', api).buildRequest({ project: '9', name: 'T', owners: ['15', 'Ana Lima'] })).toThrow(expect.objectContaining({ field: 'owners', value: 'Ana Lima' }));
  });

  it("the dry run's placeholders pass as ids when the loader is given its test; the run's loader refuses them", () => {
    const values = { ...log, project: 'dry:project:Apollo', task: 'dry:task:K-1', user: '15' };
    expect(() => createEntityLoader('timelog', api).buildRequest(values)).toThrow(expect.objectContaining({ field: 'project' }));
    expect(createEntityLoader('timelog', api, { isPlaceholder: (v) => v.startsWith('dry:') }).buildRequest(values)).toMatchObject({ owner_zpuid: '15' });
  });

  it('a single ref is one value: a placeholder holding a comma (a JSON key) is not split', () => {
    const dry = { isPlaceholder: (v: string) => v.startsWith('dry:') };
    expect(createEntityLoader('tasklist', api, dry).buildRequest({ project: '9', name: 'L', milestone: 'dry:milestone:["Apollo","Launch"]' })).toMatchObject({ milestone: { id: 'dry:milestone:["Apollo","Launch"]' } });
  });
});
