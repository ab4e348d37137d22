/**
 * One person, however the file spells their address: a user step keyed by the column its `email`
 * field converts compares keys in the converter's form (src/pipeline/prepare/prepare.ts keyNormalisers,
 * core/norm-email.ts), so `Zed@Example.com` and `zed@example.com` (or `anna@bücher.de` and
 * `ANNA@xn--bcher-kva.de`) are one key: the second row is a ROW_DUPLICATE_KEY reject, not a second
 * `created`. The dry run predicts the same. Through the CLI (in process) on the sandbox.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { RunReport } from '../../src/report/model.js';

const PIPELINE = (distinct: boolean) => `
version: 1
name: people
steps:
  - name: users
    entity: user
    scope: project
    source: { type: csv, path: people.csv }
    key: [Email]${distinct ? '\n    distinct: true' : ''}
    fields:
      email: { from: Email, converter: email }
      project: { default: Sandbox sample project, lookup: { kind: project-by-name } }
`;

function setUp(tmp: string, rows: string[], distinct = false): void {
  writeFileSync(join(tmp, 'people.csv'), `Email\n${rows.join('\n')}\n`);
  writeFileSync(join(tmp, 'p.yaml'), PIPELINE(distinct));
}

type Events = { type: string; reportDir?: string; error?: { code: string; value?: unknown } }[];
const eventsOf = (stdout: string): Events => stdout.trim().split('\n').map((l) => JSON.parse(l) as Events[number]);
/** The run's report folder, as its run-end event names it. */
const reportDir = (stdout: string): string => eventsOf(stdout).find((e) => e.type === 'run-end')!.reportDir!;
const report = (stdout: string) => JSON.parse(readFileSync(join(reportDir(stdout), 'report.json'), 'utf8')) as RunReport;
const users = (r: RunReport) => r.steps.find((s) => s.name === 'users')!.counts;

/** The crosswalk.csv rows of a run, as records. */
function crosswalk(stdout: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(reportDir(stdout), 'crosswalk.csv'), 'utf8').trim().split(/\r?\n/);
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

async function dryAndReal(sandbox: Sandbox, tmp: string) {
  const env = { ...sandbox.env };
  const dry = await cliInProcess(['run', 'p.yaml', '--dry-run', '--out', 'dry', '--json'], tmp, env);
  const real = await cliInProcess(['run', 'p.yaml', '--out', 'real', '--json'], tmp, env);
  return { dry, real };
}

const rejectCodes = (stdout: string) => eventsOf(stdout).filter((e) => e.type === 'reject').map((e) => [e.error!.code, e.error!.value]);

describe('a user step keyed by its e-mail column', () => {
  it.override({ sandboxOptions: { seed: 'demo', timeScale: 100 } });

  for (const [name, rows, second] of [
    ['case', ['Zed@Example.com', 'zed@example.com'], 'zed@example.com'],
    ['IDN domain', ['anna@bücher.de', 'ANNA@xn--bcher-kva.de'], 'anna@xn--bcher-kva.de'],
  ] as const) {
    it(`two spellings of one address (${name}): created 1, one ROW_DUPLICATE_KEY reject; the dry run agrees`, async ({ sandbox, tmp }) => {
      setUp(tmp, [...rows]);
      const { dry, real } = await dryAndReal(sandbox, tmp);
      // 3: the run finished with rejects (README.md#exit-codes).
      expect(dry.code, dry.stderr).toBe(3);
      expect(real.code, real.stderr).toBe(3);
      expect(rejectCodes(real.stdout)).toEqual([['ROW_DUPLICATE_KEY', second]]);
      expect(rejectCodes(dry.stdout)).toEqual([['ROW_DUPLICATE_KEY', second]]);
      const cw = crosswalk(real.stdout);
      expect(cw).toHaveLength(1);
      expect(cw[0], JSON.stringify(cw)).toMatchObject({ step: 'users', origin: 'created' });
      const emails = (sandbox.admin.entities('users') as { email: string }[]).map((u) => u.email).filter((e) => e === rows[0].toLowerCase() || e.startsWith('anna@'));
      expect(emails).toHaveLength(1);
      expect(users(report(dry.stdout))).toMatchObject({ read: 2, wouldCreate: 1, rejected: 1 });
      expect(users(report(real.stdout))).toMatchObject({ read: 2, created: 1, rejected: 1 });
    });
  }

  it('under distinct: true the second spelling is folded (skipped), not created', async ({ sandbox, tmp }) => {
    setUp(tmp, ['Zed@Example.com', 'zed@example.com'], true);
    const { dry, real } = await dryAndReal(sandbox, tmp);
    expect(real.code, real.stderr).toBe(0);
    expect(dry.code, dry.stderr).toBe(0);
    expect(crosswalk(real.stdout)).toHaveLength(1);
    expect(users(report(dry.stdout))).toMatchObject({ read: 2, wouldCreate: 1, skipped: 1, rejected: 0 });
    expect(users(report(real.stdout))).toMatchObject({ read: 2, created: 1, skipped: 1, rejected: 0 });
  });
});
