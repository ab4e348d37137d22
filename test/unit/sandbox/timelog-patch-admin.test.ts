/**
 * PATCH of time logs the admin API inserted (bulk.ts) without `module_detail`: the real API always
 * sends one (docs/zoho-api-notes.md#time-logs), so the sandbox keeps such a log
 * as it is (no module invented) and must answer the PATCH, never a 500.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { harness, scaffold, type Harness } from '../../helpers/sandbox-harness.js';

let h: Harness;
afterEach(async () => h?.s.close());

const entryOf = (h: Harness, r: ReturnType<Harness['call']>) => h.b(r).time_logs[0].log_details[0];

describe('PATCH of an admin-inserted time log', () => {
  it('a task log without module_detail: 200, the edit applies, no module is invented, the list still serves it', async () => {
    h = await harness();
    const { project, owner } = scaffold(h);
    const [id] = h.s.admin.insert('timelogs', [{ project_id: project, owner_zpuid: owner, date: '2026-03-02', log_hour: '01:00', type: 'task' }]).ids;
    const r = h.call('PATCH', `/projects/${project}/logs/${id}`, { hours: '02:30', notes: 'fixed' });
    expect(r.status).toBe(200);
    const e = entryOf(h, r);
    expect(e).toMatchObject({ id, log_hour: '02:30', notes: 'fixed', type: 'task', date: '2026-03-02' });
    expect(e.module_detail).toBeUndefined();
    const list = h.b(h.call('GET', `/projects/${project}/timelogs?view_type=day&date=2026-03-02&module=${encodeURIComponent('{"type":"task"}')}`));
    expect(list.time_logs[0].log_details).toEqual([expect.objectContaining({ id, log_hour: '02:30' })]);
  });

  it('the PATCH may attach the missing task with module {type, id}', async () => {
    h = await harness();
    const { project, task, owner } = scaffold(h);
    const [id] = h.s.admin.insert('timelogs', [{ project_id: project, owner_zpuid: owner, date: '2026-03-02', log_hour: '01:00', type: 'task' }]).ids;
    const r = h.call('PATCH', `/projects/${project}/logs/${id}`, { module: { type: 'task', id: task } });
    expect(r.status).toBe(200);
    expect(entryOf(h, r).module_detail).toMatchObject({ id: task, name: 'T', type: 'task' });
  });

  it('a general log without log_name keeps the name module_detail gives it', async () => {
    h = await harness();
    const { project, owner } = scaffold(h);
    const [id] = h.s.admin.insert('timelogs', [
      { project_id: project, owner_zpuid: owner, date: '2026-03-02', log_hour: '01:00', type: 'general', module_detail: { id: '1', name: 'Standup', type: 'general' } },
    ]).ids;
    const r = h.call('PATCH', `/projects/${project}/logs/${id}`, { hours: '00:45' });
    expect(r.status).toBe(200);
    expect(entryOf(h, r)).toMatchObject({ log_hour: '00:45', module_detail: { name: 'Standup', type: 'general' } });
  });

  it('a general log with neither log_name nor module_detail: a 400 naming log_name, not a 500', async () => {
    h = await harness();
    const { project, owner } = scaffold(h);
    const [id] = h.s.admin.insert('timelogs', [{ project_id: project, owner_zpuid: owner, date: '2026-03-02', log_hour: '01:00', type: 'general' }]).ids;
    const r = h.call('PATCH', `/projects/${project}/logs/${id}`, { hours: '00:45' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(h.b(r))).toContain('log_name');
    expect(h.call('PATCH', `/projects/${project}/logs/${id}`, { hours: '00:45', log_name: 'Standup' }).status).toBe(200);
  });
});
