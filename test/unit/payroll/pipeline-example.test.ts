import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PAYROLL_SCHEMA, ZOHO_TIMELOGS_SOURCE_SCHEMA } from '../../../src/payroll/config-schema.js';
import { PipelineSchema } from '../../../src/pipeline/file/schema.js';

describe('pipelines/nightly-payroll-export.yaml', () => {
  it('is a valid payroll section and zoho-timelogs step', () => {
    const doc = parse(readFileSync('pipelines/nightly-payroll-export.yaml', 'utf8')) as { payroll: unknown; steps: { source: unknown }[] };
    const payroll = PAYROLL_SCHEMA.parse(doc.payroll);
    expect(payroll.weekStart).toBe(1);
    expect(Object.keys(payroll.layouts)).toEqual(['payroll-import', 'hours-by-day']);
    expect(payroll.periods['fortnight']).toEqual({ type: 'biweekly', anchor: '2026-01-05', select: 'previous' });
    expect(ZOHO_TIMELOGS_SOURCE_SCHEMA.parse(doc.steps[0]!.source)).toMatchObject({ type: 'zoho-timelogs', period: 'yesterday' });
    const whole = PipelineSchema.safeParse(doc);
    expect(whole.error?.issues ?? []).toEqual([]);
  });
});
