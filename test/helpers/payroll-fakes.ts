import type { TimeLog, TimeLogQuery, User, ZohoApi } from '../../src/zoho/types.js';

let seq = 0;
/** A V3 time log as the API returns it; ids are 19-digit strings. */
export function tlog(p: Partial<TimeLog> & { date: string; log_hour: string; email?: string; approval_status?: string }): TimeLog {
  seq++;
  const email = p.email ?? 'ann@example.com';
  const { email: _e, approval_status, ...rest } = p;
  return {
    id: `1512955000019${String(seq).padStart(6, '0')}`,
    billing_status: 'Billable',
    type: 'task',
    project: { id: '1512955000000100001', name: 'Apollo' },
    owner: { zpuid: `z-${email}`, email, name: email.split('@')[0]! },
    module_detail: { id: '1512955000000200001', name: 'Build', type: 'task' },
    approval: { status: approval_status ?? 'Approved' },
    notes: '<div>work</div>',
    ...rest,
  };
}

/** An in-memory client over a mutable list of logs (what the sandbox does over HTTP). */
export function fakeClient(logs: TimeLog[], users: User[] = []): Pick<ZohoApi, 'timelogs' | 'users'> & { calls: TimeLogQuery[] } {
  const calls: TimeLogQuery[] = [];
  const within = (q: TimeLogQuery) => (t: TimeLog) => t.date >= q.startDate && t.date <= q.endDate;
  return {
    calls,
    timelogs: {
      async *listPortal(q) {
        calls.push(q);
        yield* logs.filter(within(q));
      },
      async *listProject(projectId, q) {
        calls.push(q);
        yield* logs.filter(within(q)).filter((t) => t.project.id === projectId);
      },
      create: () => Promise.reject(new Error('not used')),
      update: () => Promise.reject(new Error('not used')),
      delete: () => Promise.reject(new Error('not used')),
    },
    users: {
      async *listPortal() {
        yield* users;
      },
      getPortal: () => Promise.reject(new Error('not used')),
      listProject: () => (async function* () {})(),
      addToProject: () => Promise.reject(new Error('not used')),
      listRoles: () => Promise.reject(new Error('not used')),
      listProfiles: () => Promise.reject(new Error('not used')),
    },
  };
}

/** Parses our CSV output (no embedded newlines in fixtures) into objects. */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.trimEnd().split('\n');
  const split = (line: string) => {
    const out: string[] = [];
    let cur = '';
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (q) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') q = false;
        else cur += c;
      } else if (c === '"') q = true;
      else if (c === ',') {
        out.push(cur);
        cur = '';
      } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const header = split(lines[0]!);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [header[i]!, v])));
}
