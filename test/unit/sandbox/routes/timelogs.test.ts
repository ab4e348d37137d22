import { afterEach, describe, expect, it } from 'vitest';
import { parseLogHours } from '../../../../src/sandbox/routes/timelogs.js';
import { harness, scaffold, type Harness } from '../../../helpers/sandbox-harness.js';

let h: Harness;
afterEach(async () => h?.s.close());
const mod = (m: object) => encodeURIComponent(JSON.stringify(m));

describe('parseLogHours', () => {
  it('reads HH:MM, H.MM as hours.minutes and whole hours; refuses decimals past .59 and one-digit fractions', () => {
    expect(parseLogHours('01:30')).toBe(90);
    expect(parseLogHours('4.20')).toBe(260);
    expect(parseLogHours('01.00')).toBe(60);
    expect(parseLogHours('3')).toBe(180);
    expect(parseLogHours('1.75')).toBeUndefined();
    expect(parseLogHours('1.5')).toBeUndefined();
    expect(parseLogHours('1:60')).toBeUndefined();
  });
});

describe('sandbox time logs', () => {
  it('POST …/log with request names; the answer uses response names', async () => {
    h = await harness();
    const { project, task, owner } = scaffold(h);
    const r = h.call('POST', `/projects/${project}/log`, {
      date: '2026-03-02',
      bill_status: 'Non Billable',
      hours: '02.15',
      module: { type: 'task', id: task },
      owner_zpuid: owner,
      status: 'Approved',
      notes: '<div>n</div>',
      start_time: '09:00 AM',
      end_time: '11:15 AM',
    });
    expect(r.status).toBe(201);
    const e = h.b(r).time_logs[0].log_details[0];
    expect(e).toMatchObject({
      date: '2026-03-02',
      log_hour: '02:15',
      billing_status: 'Non Billable',
      type: 'task',
      module_detail: { id: task, type: 'task' },
      owner: { zpuid: owner },
      approval: { status: 'Approved' },
      start_time: '09:00 AM',
    });
    expect(e.id).toMatch(/^\d{19}$/);
    expect(h.b(h.call('GET', `/projects/${project}/tasks/${task}`)).log_hours.non_billable_hours).toBe('02:15');
  });

  it('validation: required fields, decimal hours, bad bill_status, module shape, issue, general needs log_name, membership', async () => {
    h = await harness();
    const { project, task } = scaffold(h);
    const base = { date: '2026-03-02', bill_status: 'Billable', hours: '01:00', module: { type: 'task', id: task } };
    const err = (b: object) => h.b(h.call('POST', `/projects/${project}/log`, b)).error;
    expect(err({ ...base, date: undefined })).toMatchObject({ title: 'LESS_THAN_MIN_OCCURANCE', details: [{ field_name: 'date' }] });
    expect(err({ ...base, module: undefined }).details[0].field_name).toBe('module');
    expect(err({ ...base, hours: '1.75' })).toMatchObject({ title: 'INVALID_PARAMETER_VALUE', details: [{ field_name: 'hours' }] });
    expect(err({ ...base, hours: 1.5 }).title).toBe('INVALID_PARAMETER_VALUE');
    expect(err({ ...base, bill_status: 'Maybe' }).details[0].field_name).toBe('bill_status');
    expect(err({ ...base, module: 'task' }).title).toBe('JSON_PARSE_ERROR');
    expect(err({ ...base, module: { type: 'issue', id: '1' } }).title).toBe('INVALID_PARAMETER_VALUE');
    expect(err({ ...base, module: { type: 'general' } })).toMatchObject({ title: 'LESS_THAN_MIN_OCCURANCE', details: [{ field_name: 'log_name' }] });
    expect(err({ ...base, log_hours: '1' }).title).toBe('EXTRA_KEY_FOUND_IN_JSON');
    const outsider = h.s.admin.insert('users', [{ email: 'out@x.com' }]).ids[0];
    expect(err({ ...base, owner_zpuid: outsider }).details[0].field_name).toBe('owner_zpuid');
    expect(h.call('POST', `/projects/${project}/log`, { ...base, module: { type: 'general' }, log_name: 'Admin' }).status).toBe(201);
  });

  it('list: view_type required; customdate window ≤ 6 months; module and users_list filters; grouping by date; pagination', async () => {
    h = await harness();
    const { project, task, owner } = scaffold(h);
    const other = h.s.admin.insert('users', [{ email: 'o@x.com' }]).ids[0]!;
    h.s.admin.insert('project-users', [{ project_id: project, zpuid: other }]);
    for (const [date, who] of [['2026-01-05', owner], ['2026-01-05', other], ['2026-01-06', owner], ['2026-02-10', owner]] as const) {
      h.call('POST', `/projects/${project}/log`, { date, bill_status: 'Billable', hours: '01:00', module: { type: 'task', id: task }, owner_zpuid: who });
    }
    const url = (q: string) => `/projects/${project}/timelogs?${q}`;
    expect(h.b(h.call('GET', url(`module=${mod({ type: 'task' })}`))).error).toMatchObject({
      title: 'LESS_THAN_MIN_OCCURANCE',
      details: [{ field_name: 'view_type' }],
    });
    expect(h.b(h.call('GET', url(`view_type=customdate&start_date=2026-01-01&end_date=2026-07-02&module=${mod({ type: 'task' })}`))).error).toMatchObject({
      title: 'INVALID_PARAMETER_VALUE',
      details: [{ field_name: 'end_date' }],
    });
    expect(h.b(h.call('GET', url('view_type=customdate&start_date=2026-01-01&end_date=2026-06-30'))).error.details[0].field_name).toBe('module');
    const all = h.b(h.call('GET', url(`view_type=customdate&start_date=2026-01-01&end_date=2026-06-30&module=${mod({ type: 'task' })}`)));
    expect(all.time_logs.map((g: any) => [g.date, g.log_hours, g.log_details.length])).toEqual([
      ['2026-01-05', '02:00', 2],
      ['2026-01-06', '01:00', 1],
      ['2026-02-10', '01:00', 1],
    ]);
    const mine = h.b(h.call('GET', url(`view_type=month&start_date=2026-01-20&module=${mod({ type: 'task' })}&users_list=${mod({ users: [{ id: other }] })}`)));
    expect(mine.time_logs.flatMap((g: any) => g.log_details.map((d: any) => d.owner.zpuid))).toEqual([other]);
    const day = h.b(h.call('GET', url(`view_type=day&start_date=2026-01-06&module=${mod({ type: 'task' })}`)));
    expect(day.time_logs).toHaveLength(1);
    expect(h.b(h.call('GET', url(`view_type=customdate&start_date=2026-01-01&end_date=2026-06-30&module=${mod({ type: 'general' })}`))).time_logs).toEqual([]);
    const p1 = h.b(h.call('GET', url(`view_type=customdate&start_date=2026-01-01&end_date=2026-06-30&module=${mod({ type: 'task' })}&per_page=3`)));
    const p2 = h.b(h.call('GET', url(`view_type=customdate&start_date=2026-01-01&end_date=2026-06-30&module=${mod({ type: 'task' })}&per_page=3&page=2`)));
    expect(p1.page_info.has_next_page).toBe(true);
    expect(p2.page_info).toMatchObject({ page: 2, has_next_page: false, page_count: 1 });
    // portal-wide listing
    const portal = h.b(h.call('GET', `/timelogs?view_type=customdate&start_date=2026-01-01&end_date=2026-06-30&module=${mod({ type: 'task' })}`));
    expect(portal.time_logs.flatMap((g: any) => g.log_details)).toHaveLength(4);
  });

  it("without owner_zpuid the log belongs to the caller, who is a member of the project it created", async () => {
    h = await harness();
    const project = h.b(h.call('POST', '/projects', { name: 'P' })).id;
    const task = h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'T' })).id;
    const r = h.call('POST', `/projects/${project}/log`, { date: '2026-03-02', bill_status: 'Billable', hours: '00:45', module: { type: 'task', id: task } });
    expect(r.status).toBe(201);
    expect(h.b(r).time_logs[0].log_details[0].owner.email).toBe('owner@sandbox.example');
  });

  it('PATCH and DELETE /projects/{J}/logs/{L}', async () => {
    h = await harness();
    const { project, task } = scaffold(h);
    const id = h.b(h.call('POST', `/projects/${project}/log`, { date: '2026-03-02', bill_status: 'Billable', hours: '01:00', module: { type: 'task', id: task } }))
      .time_logs[0].log_details[0].id;
    const u = h.call('PATCH', `/projects/${project}/logs/${id}`, { hours: '03:30', status: 'Approved', module: { type: 'task' } });
    expect(u.status).toBe(200);
    expect(h.b(u).time_logs[0].log_details[0]).toMatchObject({ id, log_hour: '03:30', approval: { status: 'Approved' } });
    expect(h.b(h.call('PATCH', `/projects/${project}/logs/${id}`, { module: { type: 'general' } })).error.title).toBe('INVALID_PARAMETER_VALUE');
    expect(h.b(h.call('PUT', `/projects/${project}/logs/${id}`, {})).error.title).toBe('INVALID_METHOD');
    expect(h.call('DELETE', `/projects/${project}/logs/${id}?module=${mod({ type: 'task' })}`).status).toBe(204);
    expect(h.call('DELETE', `/projects/${project}/logs/${id}`).status).toBe(404);
  });

  it('timelogWriteResponse flat answers the entry itself', async () => {
    h = await harness({ config: { timelogWriteResponse: 'flat' } });
    const { project, task } = scaffold(h);
    const r = h.b(h.call('POST', `/projects/${project}/log`, { date: '2026-03-02', bill_status: 'Billable', hours: '1', module: { type: 'task', id: task } }));
    expect(r.log_hour).toBe('01:00');
  });
});
