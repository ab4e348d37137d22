import { describe, expect, it } from 'vitest';
import { ZpetlError } from '../../../../src/core/errors.js';
import type { PreparedValid } from '../../../../src/core/prepared-item.js';
import { createDryDecision, createdIdOf, type DryDecisionContext } from '../../../../src/pipeline/dry-run/dry-decision.js';
import type { EntityLoader } from '../../../../src/load/types.js';
import type { LookupResolver } from '../../../../src/transform/lookup-types.js';

const item = (values: Record<string, unknown>): PreparedValid => ({ kind: 'valid', key: 'K1', values, pos: { source: 'a.csv', line: 2, index: 0 }, data: {} });

/** A time-log-like loader: buildRequest refuses a row without a date, as the real one does (target-values.ts `required`). */
function loader(reads: string[]): EntityLoader {
  return {
    entity: 'timelog',
    buildRequest: (values: Record<string, unknown>) => {
      if (values['date'] === undefined) throw new ZpetlError('ROW_REQUIRED', 'date is required', { disposition: 'reject-row', field: 'date' });
      return { date: values['date'] };
    },
    describe: () => ({ name: 'n', scopeId: 'P1', parents: {} }),
    findExisting: async () => {
      reads.push('findExisting');
      return [];
    },
  } as unknown as EntityLoader;
}

function ctx(mode: DryDecisionContext['mode'], online: boolean, reads: string[]): DryDecisionContext {
  return { step: 'logs', mode, loader: loader(reads), online, claims: { claimedIds: () => new Set<string>(), crosswalkByName: () => undefined } as unknown as DryDecisionContext['claims'], isPlaceholder: () => false };
}

describe('dry decision: an answer without a promise when no Zoho read is needed', () => {
  it('mode create: a create, or the request\'s reject, as a value (the per-row loop awaits nothing)', () => {
    const decide = createDryDecision(ctx('create', false, []));
    const created = decide(item({ date: '2024-01-02' }), undefined);
    expect(created).not.toBeInstanceOf(Promise);
    expect(created).toEqual({ action: 'create' });
    const refused = decide(item({}), undefined);
    expect(refused).not.toBeInstanceOf(Promise);
    expect(refused).toMatchObject({ action: 'reject', error: { code: 'ROW_REQUIRED', field: 'date' } });
  });

  it('a key in the crosswalk: skip (or update under upsert) as a value', () => {
    expect(createDryDecision(ctx('skip-existing', true, []))(item({ date: '2024-01-02' }), 'Z9')).toEqual({ action: 'skip', zohoId: 'Z9' });
    expect(createDryDecision(ctx('upsert', true, []))(item({ date: '2024-01-02' }), 'Z9')).toEqual({ action: 'update', zohoId: 'Z9' });
  });

  it('a row needing the natural-key match still goes through it (a promise), offline unverified, its request still checked', async () => {
    const offline = createDryDecision(ctx('skip-existing', false, []))(item({ date: '2024-01-02' }), undefined);
    expect(offline).toBeInstanceOf(Promise);
    expect(await offline).toEqual({ action: 'create', unverified: true });
    expect(await createDryDecision(ctx('skip-existing', false, []))(item({}), undefined)).toMatchObject({ action: 'reject', error: { code: 'ROW_REQUIRED' } });
  });

  it('createdIdOf: undefined as a value except for a user online, whose id Zoho is asked for', async () => {
    const asked: string[] = [];
    const zoho = { resolve: async (_s: unknown, v: string) => (asked.push(v), 'U7') } as unknown as LookupResolver;
    expect(createdIdOf('timelog', item({ email: 'a@x.com' }), { zoho, newProjectOwners: new Map() })).toBeUndefined();
    expect(createdIdOf('user', item({ email: 'a@x.com' }), { zoho: undefined, newProjectOwners: new Map() })).toBeUndefined();
    const online = createdIdOf('user', item({ email: 'a@x.com' }), { zoho, newProjectOwners: new Map() });
    expect(online).toBeInstanceOf(Promise);
    expect(await online).toBe('U7');
    expect(asked).toEqual(['a@x.com']);
  });
});
