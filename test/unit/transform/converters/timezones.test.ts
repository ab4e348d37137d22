import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROBE = resolve(import.meta.dirname, '../../../helpers/tz-probe.ts');
const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Chatham'];

describe('dates do not depend on the host time zone', () => {
  it('the same inputs give identical output under TZ=UTC, Los Angeles, Kolkata and Chatham (real child processes)', async () => {
    const outputs = await Promise.all(
      ZONES.map(async (tz) => {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE], { env: { ...process.env, TZ: tz }, cwd: resolve(import.meta.dirname, '../../../..') });
        return JSON.parse(stdout) as { tz: number; dates: unknown; datetimes: unknown; jira: unknown; timesheet: unknown };
      }),
    );
    // Each child really ran in its zone: host offsets in January (minutes, as getTimezoneOffset gives them).
    expect(outputs.map((o) => o.tz)).toEqual([0, 480, -330, -825]);
    const strip = ({ tz: _tz, ...rest }: { tz: number }) => rest;
    for (const o of outputs.slice(1)) expect(strip(o)).toEqual(strip(outputs[0]!));
    const first = outputs[0]!;
    expect((first.dates as { value?: unknown }[]).map((d) => d.value)).toEqual([
      '2026-03-01',
      '2025-12-31',
      '2026-03-29',
      '2026-10-25',
      '2026-03-08',
      '1999-12-31',
      '2024-02-29',
      '1970-01-01',
      '2026-04-05',
    ]);
    expect((first.datetimes as { value?: unknown }[]).map((d) => d.value)).toEqual([
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist in Berlin that night: shifted forward by the gap (03:30 CEST)
      '2026-10-25T00:30:00.000Z', // 02:30 happens twice: the earlier (CEST) instant
      '2025-12-31T23:00:00.000Z',
      '2026-06-15T23:59:59.000Z',
      '2026-06-15T06:30:00.000Z',
    ]);
    expect((first.jira as { value?: unknown }[]).map((d) => d.value)).toEqual(['2025-11-05', '1999-12-31', '2024-02-29', '2025-11-06', '05:00', '14:20']);
    expect(first.timesheet).toEqual(['2026-03-01', '2026-03-02', 'ROW_INVALID_DATE', 'ROW_INVALID_DURATION']);
  }, 60_000);
});
