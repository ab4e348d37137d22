/**
 * The shared vocabulary is one set of types, not look-alike copies: these assertions are checked by
 * the typecheck (`tsc -p tsconfig.json`, which includes test/), and fail it if a layer declares its own.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { Estimate } from '../../../src/core/estimate.js';
import type { PipelineEventOf, StepState } from '../../../src/core/pipeline-event.js';
import type { PreparedItem } from '../../../src/core/prepared-item.js';
import type { ExportTimesheetsOptions } from '../../../src/payroll/run-payroll-export.js';
import type { estimateRun } from '../../../src/pipeline/estimate.js';
import type { EventListener, PipelineEvent } from '../../../src/pipeline/events.js';
import type { StepPreparer } from '../../../src/pipeline/prepare/prepare.js';
import type { StepPort } from '../../../src/pipeline/run/run-step.js';
import type { RunReport } from '../../../src/report/model.js';
import type { ClientEvent } from '../../../src/zoho/types.js';

describe('the shared vocabulary (types)', () => {
  it('PipelineEvent is the core union closed over the client\'s events; the payroll export takes a run\'s listener', () => {
    expectTypeOf<PipelineEvent>().toEqualTypeOf<PipelineEventOf<ClientEvent>>();
    expectTypeOf<Extract<PipelineEvent, { type: 'client' }>['event']>().toEqualTypeOf<ClientEvent>();
    expectTypeOf<Extract<PipelineEvent, { type: 'step-state' }>['state']>().toEqualTypeOf<StepState>();
    expectTypeOf<EventListener>().toMatchTypeOf<NonNullable<ExportTimesheetsOptions['onEvent']>>();
  });

  it('the preparer yields what the step loop reads', () => {
    expectTypeOf<ReturnType<StepPreparer['items']>>().toEqualTypeOf<AsyncIterable<PreparedItem>>();
    expectTypeOf<ReturnType<StepPort['items']>>().toEqualTypeOf<AsyncIterable<PreparedItem>>();
  });

  it('report.json carries the estimate the dry run computes, plus the stages', () => {
    expectTypeOf<ReturnType<typeof estimateRun>['estimate']>().toEqualTypeOf<Estimate>();
    expectTypeOf<NonNullable<RunReport['estimate']>>().toEqualTypeOf<Estimate & { stages: string[][] }>();
  });
});
