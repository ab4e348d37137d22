/**
 * Internationalised e-mail addresses end to end on the sandbox (docs/zoho-api-notes.md#e-mail-addresses):
 * a user step adds `Anna@Bücher.de` (sent as `anna@xn--bcher-kva.de`) and a UTF-8 local part, refuses a
 * malformed address before sending, and a time-log step finds Anna by the A-label form of her address.
 * Under the sandbox's `emailAddresses: ascii` the UTF-8 local part is Zoho's refusal, ROW_REJECTED_BY_ZOHO.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createScaledClock } from '../../src/core/clock.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { runPipeline } from '../../src/pipeline/run/run.js';

const PIPELINE = `
version: 1
name: idn
steps:
  - name: people
    entity: user
    scope: project
    source: { type: csv, path: people.csv }
    key: [Email]
    fields:
      email: { from: Email, converter: email }
      project: { default: Sandbox sample project, lookup: { kind: project-by-name } }
  - name: logs
    entity: timelog
    source: { type: csv, path: logs.csv }
    key: [Log ID]
    fields:
      project: { default: Sandbox sample project, lookup: { kind: project-by-name } }
      user: { from: User, converter: email, lookup: { kind: user-by-email } }
      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" }, required: true }
      billing: { default: Billable }
      logName: { default: General }
`;

async function run(sandbox: Sandbox, tmp: string) {
  writeFileSync(join(tmp, 'people.csv'), 'Email\nAnna@Bücher.de\njörg@bücher.de\nanna@bücher\n');
  writeFileSync(join(tmp, 'logs.csv'), 'Log ID,User,Date,Hours\nL1,ANNA@xn--bcher-kva.de,2026-03-02,01:30\n');
  writeFileSync(join(tmp, 'idn.yaml'), PIPELINE);
  const events: PipelineEvent[] = [];
  const clock = createScaledClock(100, sandbox.clock.now());
  const res = await runPipeline(join(tmp, 'idn.yaml'), { env: { ...sandbox.env }, cwd: tmp, clock, onEvent: (e) => events.push(e) });
  const rejects = events.flatMap((e) => (e.type === 'reject' ? [{ step: e.step, code: e.error.code, value: e.error.value, message: e.error.message }] : []));
  const emails = (sandbox.admin.entities('users') as { email: string }[]).map((u) => u.email);
  return { res, rejects, emails };
}

describe('internationalised e-mail addresses in a run', () => {
  it.override({ sandboxOptions: { seed: 'demo', timeScale: 100 } });
  it('load: an IDN domain (as A-labels) and a UTF-8 local part; a malformed one is refused saying why; a log finds the user by either form', async ({ sandbox, tmp }) => {
    const { res, rejects, emails } = await run(sandbox, tmp);
    expect(res.counts.people).toMatchObject({ read: 3, created: 2, rejected: 1 });
    expect(emails).toEqual(expect.arrayContaining(['anna@xn--bcher-kva.de', 'jörg@xn--bcher-kva.de']));
    expect(rejects).toEqual([
      { step: 'people', code: 'ROW_INVALID_EMAIL', value: 'anna@bücher', message: '"anna@bücher" is not an e-mail address: the domain "bücher" has no dot (expected e.g. example.com)' },
    ]);
    expect(res.counts.logs).toMatchObject({ read: 1, created: 1, rejected: 0 });
  });
});

describe('internationalised e-mail addresses on a portal that takes ASCII only', () => {
  it.override({ sandboxOptions: { seed: 'demo', timeScale: 100, config: { emailAddresses: 'ascii' } } });
  it('the IDN domain still loads (it is sent as A-labels); the UTF-8 local part is ROW_REJECTED_BY_ZOHO', async ({ sandbox, tmp }) => {
    const { res, rejects, emails } = await run(sandbox, tmp);
    expect(res.counts.people).toMatchObject({ read: 3, created: 1, rejected: 2 });
    expect(emails).toContain('anna@xn--bcher-kva.de');
    expect(emails.some((e) => e.startsWith('jörg'))).toBe(false);
    const zoho = rejects.find((r) => r.code === 'ROW_REJECTED_BY_ZOHO');
    expect(zoho).toMatchObject({ step: 'people' });
    expect(zoho!.message).toContain('only ASCII characters are allowed');
    expect(res.counts.logs).toMatchObject({ read: 1, created: 1 });
  });
});
