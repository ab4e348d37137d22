/**
 * Lookups during a dry run: against what earlier steps of the same dry run would create (the scratch
 * store), then, when an API is given, against Zoho (read-only, cached, within the budget). Ids from
 * earlier steps are placeholders `dry:<kind>:<name>`: they exist only in the report.
 */
import type { LookupResolver } from '../transform/lookup-types.js';
import type { LookupSpec } from '../transform/field-spec.js';
import type { ScratchStore } from './scratch-store.js';
import type { PreparedValid } from './prepare.js';
import type { LoadStepConfig } from './schema.js';

const KIND: Record<LookupSpec['kind'], string> = {
  'user-by-email': 'user',
  'project-by-name': 'project',
  'tasklist-by-name': 'tasklist',
  'milestone-by-name': 'milestone',
  'task-by-key': 'task',
};

const norm = (kind: string, v: string): string => (kind === 'user' ? v.trim().toLowerCase() : v.trim());

export function createDryRunResolver(scratch: ScratchStore, api?: LookupResolver): LookupResolver {
  // Lookups repeat (a few projects, a few hundred users, millions of logs): a bounded cache in front.
  const cache = new Map<string, string | undefined>();
  return {
    async resolve(spec, value, scope) {
      const kind = KIND[spec.kind];
      const sc = spec.kind === 'task-by-key' ? (spec.step ?? '') : (scope ?? '');
      const ck = `${kind}\u0000${sc}\u0000${value}`;
      if (cache.has(ck)) return cache.get(ck);
      let id = scratch.getName(kind, sc, norm(kind, value));
      if (id === undefined && api !== undefined && !(scope ?? '').startsWith('dry:')) id = await api.resolve(spec, value, scope);
      if (cache.size >= 10_000) cache.clear();
      cache.set(ck, id);
      return id;
    },
  };
}

/** Records what a valid item of `step` would create, so later steps' lookups find it. */
export function registerDryRecord(scratch: ScratchStore, step: LoadStepConfig, item: PreparedValid): void {
  const v = item.values;
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  switch (step.entity) {
    case 'user': {
      const email = norm('user', str(v['email']));
      if (email) scratch.putName('user', '', email, `dry:user:${email}`);
      return;
    }
    case 'project':
      scratch.putName('project', '', norm('project', str(v['name'])), `dry:project:${item.key}`);
      return;
    case 'milestone':
    case 'tasklist':
      scratch.putName(step.entity, str(v['project']), norm(step.entity, str(v['name'])), `dry:${step.entity}:${item.key}`);
      return;
    case 'task':
    case 'subtask':
      scratch.putName('task', step.name, item.key, `dry:task:${step.name}:${item.key}`);
      return;
    case 'timelog':
      return;
  }
}
