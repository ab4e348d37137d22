import { describe, expect, it } from 'vitest';
import { loadFaultFile, parseFaults } from '../../../src/sandbox/faults.js';
import { sandboxEndpoints, sandboxOptionsSchema } from '../../../src/sandbox/index.js';
import { ENDPOINTS } from '../../../src/zoho/types.js';

describe('sandbox endpoint templates', () => {
  it('routes every template the client uses, spelled the same way (counter keys)', () => {
    const routed = new Set(sandboxEndpoints());
    for (const e of Object.values(ENDPOINTS)) expect(routed.has(e), e).toBe(true);
  });
});

describe('fault files', () => {
  it('loads the chaos profile (JSON) and the YAML example', () => {
    const chaos = loadFaultFile('fixtures/sandbox/chaos-faults.json');
    expect(chaos.map((f) => f.kind)).toEqual(['status', 'status', 'reset-before', 'reset-after', 'slow', 'revoke', 'lockout']);
    const yaml = loadFaultFile('fixtures/sandbox/faults-example.yaml');
    expect(yaml[1]).toMatchObject({ kind: 'reset-after', nth: [5, 9], endpoint: 'POST /projects/{project}/log' });
  });

  it('refuses a bad file with SANDBOX_FAULTS_INVALID naming the field', () => {
    expect(() => parseFaults([{ kind: 'explode', nth: 1 }], 'f.json')).toThrow(/f\.json: faults\[0\]\.kind: expected one of .*got "explode"/);
    expect(() => loadFaultFile('fixtures/sandbox/missing.json')).toThrow(/cannot read fault file/);
  });

  it('the options schema documents defaults the CLI can reuse', () => {
    expect(sandboxOptionsSchema.parse({})).toMatchObject({ port: 0, host: '127.0.0.1', db: ':memory:', seed: 'demo', timeScale: 1 });
    expect(sandboxOptionsSchema.safeParse({ timeScale: 0 }).success).toBe(false);
  });
});
