/**
 * Checks what the sandbox really holds after a migration from generateMigration(): every expected
 * entity exactly once (by its unique name / email / notes), nothing extra, and the crosswalk of the
 * checkpoint database pointing at exactly those ids.
 */
import Database from 'better-sqlite3';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { Expected } from './synthetic-plan.js';

export interface Verification {
  /** Entities present more than once (same natural identity). */
  duplicates: string[];
  /** Expected entities absent from the sandbox. */
  missing: string[];
  /** Entities in the sandbox that no source row explains. */
  extra: string[];
  /** Crosswalk entries whose id is not the sandbox entity of that key, or keys without an entry. */
  crosswalkMismatches: string[];
  counts: Record<string, number>;
}

type Obj = Record<string, unknown>;

function tally(names: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

export function verifyMigration(sandbox: Sandbox, dbPath: string, expected: Expected, projectName = 'Chaos migration'): Verification {
  const out: Verification = { duplicates: [], missing: [], extra: [], crosswalkMismatches: [], counts: {} };
  const projects = (sandbox.admin.entities('projects') as Obj[]).filter((p) => p.name === projectName);
  if (projects.length !== 1) {
    if (projects.length === 0) out.missing.push(`project ${projectName}`);
    else out.duplicates.push(`project ${projectName} ×${projects.length}`);
  }
  const project = projects[0];
  const pid = project ? String(project.id) : '';
  const tasks = project ? (sandbox.admin.entities('tasks', { project: pid }) as Obj[]) : [];
  const top = tasks.filter((t) => !(t.parental_info as Obj | undefined)?.parent_task_id);
  const subs = tasks.filter((t) => (t.parental_info as Obj | undefined)?.parent_task_id);
  const lists = project ? (sandbox.admin.entities('tasklists', { project: pid }) as Obj[]) : [];
  const members = project ? (sandbox.admin.entities('project-users', { project: pid }) as Obj[]) : [];
  const logs = project ? (sandbox.admin.entities('timelogs', { project: pid }) as Obj[]) : [];

  const check = (kind: string, names: string[], want: string[]) => {
    const have = tally(names);
    for (const [n, c] of have) if (c > 1) out.duplicates.push(`${kind} ${n} ×${c}`);
    const wanted = new Set(want);
    for (const w of want) if (!have.has(w)) out.missing.push(`${kind} ${w}`);
    for (const n of have.keys()) if (!wanted.has(n)) out.extra.push(`${kind} ${n}`);
    out.counts[kind] = names.length;
  };
  const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
  const nums = (n: number) => Array.from({ length: n }, (_, i) => i);
  const subIdx: number[] = [];
  for (let i = 0; i < expected.tasks; i += expected.subtaskEvery) subIdx.push(i);

  check('tasklist', lists.map((l) => String(l.name)), range(expected.tasklists, (i) => `List ${i}`));
  check('task', top.map((t) => String(t.name)), range(expected.tasks, (i) => `Task ${i}`));
  check('subtask', subs.map((t) => String(t.name)), subIdx.map((i) => `Subtask of ${i}`));
  // The API user (portal owner) is a member of the project it created; only migrated emails count.
  check('user', members.map((u) => String(u.email)).filter((e) => e.endsWith('@example.com')), range(expected.users, (i) => `user${i}@example.com`));
  check('timelog', logs.map((l) => String(l.notes ?? l.log_notes ?? '').replace(/<[^>]*>/g, '')), range(expected.timelogs, (i) => `log ${i}`));

  // Crosswalk: every key has an entry, and its id is the sandbox entity with that key's identity.
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT step, key, zoho_id FROM crosswalk').all() as { step: string; key: string; zoho_id: string }[];
    const byStep = new Map<string, Map<string, string>>();
    for (const r of rows) {
      if (!byStep.has(r.step)) byStep.set(r.step, new Map());
      byStep.get(r.step)!.set(r.key, r.zoho_id);
    }
    const idOf = (list: Obj[], pick: (o: Obj) => string) => new Map(list.map((o) => [pick(o), String(o.id)]));
    const expectIds = (step: string, want: Map<string, string>) => {
      const got = byStep.get(step) ?? new Map<string, string>();
      for (const [key, id] of want) if (got.get(key) !== id) out.crosswalkMismatches.push(`${step} ${key}: crosswalk ${got.get(key) ?? 'none'}, sandbox ${id}`);
      for (const key of got.keys()) if (!want.has(key)) out.crosswalkMismatches.push(`${step} ${key}: in crosswalk, not expected`);
    };
    const listIds = idOf(lists, (o) => String(o.name));
    const taskIds = idOf(top, (o) => String(o.name));
    const subIds = idOf(subs, (o) => String(o.name));
    const userIds = idOf(members, (o) => String(o.email));
    const logIds = idOf(logs, (o) => String(o.notes ?? o.log_notes ?? '').replace(/<[^>]*>/g, ''));
    expectIds('projects', new Map(project ? [['P1', pid]] : []));
    expectIds('tasklists', new Map(nums(expected.tasklists).flatMap((i) => (listIds.has(`List ${i}`) ? [[`L${i}`, listIds.get(`List ${i}`)!] as [string, string]] : []))));
    expectIds('tasks', new Map(nums(expected.tasks).flatMap((i) => (taskIds.has(`Task ${i}`) ? [[`T${i}`, taskIds.get(`Task ${i}`)!] as [string, string]] : []))));
    expectIds('subtasks', new Map(subIdx.flatMap((i) => (subIds.has(`Subtask of ${i}`) ? [[`S${i}`, subIds.get(`Subtask of ${i}`)!] as [string, string]] : []))));
    expectIds('users', new Map(nums(expected.users).flatMap((i) => (userIds.has(`user${i}@example.com`) ? [[`U${i}`, userIds.get(`user${i}@example.com`)!] as [string, string]] : []))));
    expectIds('timelogs', new Map(nums(expected.timelogs).flatMap((i) => (logIds.has(`log ${i}`) ? [[`G${i}`, logIds.get(`log ${i}`)!] as [string, string]] : []))));
  } finally {
    db.close();
  }
  return out;
}
