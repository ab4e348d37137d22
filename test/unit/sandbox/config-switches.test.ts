import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { sandboxConfigFrom } from '../../../src/sandbox/config-switches.js';
import { it } from '../../helpers/fixtures.js';
import { errorOf } from '../../helpers/thrown.js';

describe('sandboxConfigFrom (zpetl sandbox --config / --set)', () => {
  it('gives nothing without a file or a switch, so the defaults hold', () => {
    expect(sandboxConfigFrom(undefined, [])).toBeUndefined();
  });

  it('reads --set values as YAML scalars and collections: strings, numbers, booleans, lists, maps', () => {
    expect(sandboxConfigFrom(undefined, ['roleListingPaths=both', 'portalUtcOffsetMin=330', 'ignoredKeys={tasks: [tasklist_id]}'])).toEqual({
      roleListingPaths: 'both',
      portalUtcOffsetMin: 330,
      ignoredKeys: { tasks: ['tasklist_id'] },
    });
  });

  it('applies --set after the file (YAML or JSON)', ({ tmp }) => {
    const yaml = join(tmp, 'switches.yaml');
    writeFileSync(yaml, 'roleListingPaths: plain\ntimelogWriteResponse: flat\n');
    expect(sandboxConfigFrom(yaml, ['roleListingPaths=both'])).toEqual({ roleListingPaths: 'both', timelogWriteResponse: 'flat' });
    const json = join(tmp, 'switches.json');
    writeFileSync(json, '{"createdTimeForm": "epoch-ms"}');
    expect(sandboxConfigFrom(json)).toEqual({ createdTimeForm: 'epoch-ms' });
  });

  it('refuses an unknown switch, a wrong value, a malformed --set and an unreadable file with SANDBOX_CONFIG_INVALID naming it', ({ tmp }) => {
    const unknown = errorOf(() => sandboxConfigFrom(undefined, ['roleListingPath=both']));
    expect(unknown).toMatchObject({ code: 'SANDBOX_CONFIG_INVALID' });
    expect(unknown.message).toContain('roleListingPath');
    expect(unknown.hint).toContain('roleListingPaths');
    const wrong = errorOf(() => sandboxConfigFrom(undefined, ['roleListingPaths=sometimes']));
    expect(wrong.message).toMatch(/^sandbox switch roleListingPaths: .*\(from --set\)$/);
    expect(errorOf(() => sandboxConfigFrom(undefined, ['roleListingPaths'])).message).toBe('--set roleListingPaths: expected SWITCH=VALUE, e.g. --set roleListingPaths=both');
    expect(errorOf(() => sandboxConfigFrom(join(tmp, 'absent.yaml'))).message).toContain('cannot read sandbox config file');
    const list = join(tmp, 'list.yaml');
    writeFileSync(list, '- a\n- b\n');
    expect(errorOf(() => sandboxConfigFrom(list)).message).toContain('expected a map of switches');
  });
});
