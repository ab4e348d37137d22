import { afterEach, describe, expect, it } from 'vitest';
import { harness, scaffold, type Harness } from '../../../helpers/sandbox-harness.js';

let h: Harness;
afterEach(async () => h?.s.close());

describe('sandbox milestones and task lists', () => {
  it('milestone create/list/get/PATCH; task list links with milestone:{id}; milestone_id is silently ignored', async () => {
    h = await harness();
    const { project } = scaffold(h);
    expect(h.b(h.call('POST', `/projects/${project}/milestones`, { name: 'M' })).error.title).toBe('LESS_THAN_MIN_OCCURANCE');
    const m = h.call('POST', `/projects/${project}/milestones`, { name: 'M', start_date: '2026-01-01', end_date: '2026-03-01' });
    expect(m.status).toBe(201);
    const mid = h.b(m).id;
    expect(h.b(h.call('GET', `/projects/${project}/milestones`)).milestones.map((x: any) => x.id)).toEqual([mid]);
    expect(h.b(h.call('PATCH', `/projects/${project}/milestones/${mid}`, { status: { name: 'Completed' } })).status_type).toBe('closed');
    const ignored = h.b(h.call('POST', `/projects/${project}/tasklists`, { name: 'A', milestone_id: mid }));
    expect(ignored.milestone).toBeUndefined();
    const linked = h.b(h.call('POST', `/projects/${project}/tasklists`, { name: 'B', milestone: { id: mid } }));
    expect(linked.milestone).toEqual({ id: mid, name: 'M' });
    expect(h.b(h.call('POST', `/projects/${project}/tasklists`, { name: 'C', milestone: mid })).error.title).toBe('JSON_PARSE_ERROR');
    const lists = h.b(h.call('GET', `/projects/${project}/tasklists`));
    expect(lists.tasklists).toHaveLength(3);
    expect(lists.page_info).toMatchObject({ page: 1, has_next_page: false });
    expect(h.b(h.call('PATCH', `/projects/${project}/tasklists/${linked.id}`, { name: 'B2' })).name).toBe('B2');
  });

  it('task-list create shape is configurable (root / tasklist / tasklists)', async () => {
    h = await harness({ config: { tasklistCreateShape: 'tasklists' } });
    const project = h.b(h.call('POST', '/projects', { name: 'P' })).id;
    expect(h.b(h.call('POST', `/projects/${project}/tasklists`, { name: 'A' })).tasklists[0].name).toBe('A');
  });
});

describe('sandbox tasks', () => {
  it('create answers the flat task with nested links; list includes subtasks; ?search and ?parent_task are ignored', async () => {
    h = await harness();
    const { project, tasklist, task } = scaffold(h);
    const sub = h.call('POST', `/projects/${project}/tasks`, { name: 'Sub', parental_info: { parent_task_id: task } });
    expect(sub.status).toBe(201);
    const s = h.b(sub);
    expect(s).toMatchObject({ depth: 1, parental_info: { parent_task_id: task, root_task_id: task }, tasklist: { id: tasklist } });
    const subsub = h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'SubSub', parental_info: { parent_task_id: s.id } }));
    expect(subsub).toMatchObject({ depth: 2, parental_info: { parent_task_id: s.id, root_task_id: task } });
    const all = h.b(h.call('GET', `/projects/${project}/tasks`));
    expect(all.tasks.map((t: any) => t.name)).toEqual(['T', 'Sub', 'SubSub']);
    expect(h.b(h.call('GET', `/projects/${project}/tasks?search=nonexistent&parent_task=${task}`)).tasks).toHaveLength(3);
    expect(h.b(h.call('GET', `/projects/${project}/tasks/${task}`)).association_info.has_subtasks).toBe(true);
  });

  it('depth and tasklist_id are silently ignored; no tasklist → the general list', async () => {
    h = await harness();
    const { project } = scaffold(h);
    const t = h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'X', depth: 1, tasklist_id: '1' }));
    expect(t.depth).toBe(0);
    expect(t.tasklist.name).toBe('General');
  });

  it('owners_and_work: owners by zpuid or email; array → JSON_PARSE_ERROR; PATCH replace and add/remove shapes', async () => {
    h = await harness();
    const { project, owner } = scaffold(h);
    const other = h.s.admin.insert('users', [{ email: 'x.y@example.com' }]).ids[0]!;
    const t = h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'O', owners_and_work: { owners: [{ zpuid: owner }] } }));
    expect(t.owners_and_work.owners.map((o: any) => o.zpuid)).toEqual([owner]);
    expect(t.owners_and_work).toMatchObject({ work_type: 'work_hours', unit: 'hours_per_day' });
    expect(h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'O', owners_and_work: [{ zpuid: owner }] })).error.title).toBe(
      'JSON_PARSE_ERROR',
    );
    const replaced = h.b(h.call('PATCH', `/projects/${project}/tasks/${t.id}`, { owners_and_work: { owners: [{ email: 'x.y@example.com' }] } }));
    expect(replaced.owners_and_work.owners.map((o: any) => o.zpuid)).toEqual([other]);
    const added = h.b(h.call('PATCH', `/projects/${project}/tasks/${t.id}`, { owners_and_work: { owners: [{ add: [{ zpuid: owner }] }] } }));
    expect(added.owners_and_work.owners.map((o: any) => o.zpuid)).toEqual([other, owner]);
    // top-level owners on PATCH does nothing (docs/zoho-api-notes.md#request-and-response-shapes)
    const same = h.b(h.call('PATCH', `/projects/${project}/tasks/${t.id}`, { owners: [{ zpuid: other }] }));
    expect(same.owners_and_work.owners).toHaveLength(2);
    expect(h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'A', assignees: [owner] })).error.title).toBe('INVALID_PARAMETER_VALUE');
  });

  it('PATCH only: PUT/POST on a task → INVALID_METHOD; DELETE → 204 and removes subtasks', async () => {
    h = await harness();
    const { project, task } = scaffold(h);
    h.call('POST', `/projects/${project}/tasks`, { name: 'Sub', parental_info: { parent_task_id: task } });
    expect(h.b(h.call('PUT', `/projects/${project}/tasks/${task}`, { name: 'x' })).error.title).toBe('INVALID_METHOD');
    expect(h.b(h.call('POST', `/projects/${project}/tasks/${task}`, { name: 'x' })).error.title).toBe('INVALID_METHOD');
    expect(h.b(h.call('PATCH', `/projects/${project}/tasks/${task}`, { priority: 'High' })).priority).toBe('high');
    const closed = (h.b(h.call('GET', `/projects/${project}`)) as any).tasks;
    expect(closed).toEqual({ open_count: 2, closed_count: 0 });
    expect(h.call('DELETE', `/projects/${project}/tasks/${task}`).status).toBe(204);
    expect(h.call('GET', `/projects/${project}/tasks/${task}`).status).toBe(404);
    expect(h.s.admin.counters().entities.tasks).toBe(0);
  });

  it('length limits: name 10000, description 80000', async () => {
    h = await harness();
    const { project } = scaffold(h);
    expect(h.call('POST', `/projects/${project}/tasks`, { name: 'n'.repeat(10_000), description: 'd'.repeat(80_000) }).status).toBe(201);
    expect(h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'n'.repeat(10_001) })).error).toMatchObject({
      title: 'INVALID_PARAMETER_VALUE',
      details: [{ field_name: 'name' }],
    });
    expect(h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'n', description: 'd'.repeat(80_001) })).error.details[0].field_name).toBe(
      'description',
    );
  });

  it('completion_percentage 100 closes a task; project counts follow; status ids come from tasks', async () => {
    h = await harness();
    const { project, task } = scaffold(h);
    const second = h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'second' }));
    expect(second.status).toMatchObject({ name: 'Open', is_closed_type: false });
    expect(h.b(h.call('GET', `/projects/${project}`))).toMatchObject({ tasks: { open_count: 2, closed_count: 0 }, percent_complete: 0 });
    const closed = h.b(h.call('PATCH', `/projects/${project}/tasks/${task}`, { completion_percentage: '100' }));
    expect(closed).toMatchObject({ is_completed: true, completion_percentage: 100, status: { name: 'Closed', is_closed_type: true } });
    expect(h.b(h.call('GET', `/projects/${project}`))).toMatchObject({ tasks: { open_count: 1, closed_count: 1 }, percent_complete: 50 });
    // the Closed status id read from one task closes another
    expect(h.b(h.call('PATCH', `/projects/${project}/tasks/${second.id}`, { status: { id: closed.status.id } })).is_completed).toBe(true);
  });

  it('status by {id} of the project; unknown parent → INVALID_PARAMETER_VALUE; pagination ends with has_next_page false', async () => {
    h = await harness();
    const { project, task } = scaffold(h);
    expect(h.b(h.call('PATCH', `/projects/${project}/tasks/${task}`, { status: { id: '1' } })).error.title).toBe('INVALID_PARAMETER_VALUE');
    expect(
      h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'S', parental_info: { parent_task_id: '1512955000000000000' } })).error.title,
    ).toBe('INVALID_PARAMETER_VALUE');
    for (let i = 0; i < 4; i++) h.call('POST', `/projects/${project}/tasks`, { name: `t${i}` });
    const p1 = h.b(h.call('GET', `/projects/${project}/tasks?page=1&per_page=3`));
    const p2 = h.b(h.call('GET', `/projects/${project}/tasks?page=2&per_page=3`));
    expect(p1.page_info).toMatchObject({ page: 1, per_page: 3, has_next_page: true });
    expect(p2.tasks).toHaveLength(2);
    expect(p2.page_info.has_next_page).toBe(false);
    expect(h.b(h.call('GET', `/projects/${project}/tasks?per_page=201`)).error).toMatchObject({
      title: 'INVALID_PARAMETER_VALUE',
      details: [{ field_name: 'per_page' }],
    });
  });
});
