/**
 * The public library API of zoho-projects-etl, listed name by name (test/unit/index.test.ts pins the
 * list, so nothing internal leaks out by accident). Everything the CLI does is here, one function per
 * command, with the same events the CLI renders (PipelineEvent). Errors are ZpetlError with a `code`
 * from ERROR_CODES.
 */
export { VERSION } from './version.js';

// errors: one class, a closed list of codes, what to do with each (disposition)
export { ZpetlError, isZpetlError, ERROR_CODES } from './core/errors.js';
export type { ErrorCode, Disposition, SourcePosition, ZpetlErrorOptions } from './core/errors.js';
export type { RowError } from './core/record.js';
export type { Clock } from './core/clock.js';

// events: the one vocabulary of progress, for the CLI, library callers and reports
export type { EntityKind } from './core/entity-kind.js';
export type { StepCounts } from './core/step-counts.js';
export type { StepState } from './core/pipeline-event.js';
export type { PipelineEvent, EventListener } from './pipeline/events.js';
export type { SourceWarning } from './core/pipeline-event.js';

// configuration and the Zoho client
export { loadConfig } from './config/index.js';
export type { ZohoConfig, LoadConfigOptions, DataCentre } from './config/index.js';
export { createZohoClient } from './zoho/index.js';
export type { ZohoClient, ZohoApi, ZohoClientOptions, ZohoClientConfig, ClientEvent, EndpointStats, ZohoId } from './zoho/index.js';

// pipelines: load and validate (zpetl validate), rehearse (run --dry-run), run and resume, the demo
export { loadPipeline, validatePipelineFile, formatProblems } from './pipeline/file/load-pipeline.js';
export type { LoadedPipeline, PipelineProblem, ValidationResult } from './pipeline/file/load-pipeline.js';
export { PipelineSchema } from './pipeline/file/schema.js';
export type { PipelineConfig, PipelineInput, StepConfig, LoadStepConfig, ExportStepConfig } from './pipeline/file/schema.js';
export { dryRun } from './pipeline/dry-run/dry-run.js';
export type { DryRunOptions, DryRunResult } from './pipeline/dry-run/dry-run.js';
export { runPipeline } from './pipeline/run/run.js';
export type { RunPipelineOptions, RunResultWithExports, ExportStepOutcome } from './pipeline/run/run.js';
export type { RunResult, RunFigures, RunStatusOut } from './pipeline/run-result.js';
export type { RunReport } from './report/model.js';
export { runDemo } from './pipeline/demo/demo.js';
export type { DemoOptions, DemoResult } from './pipeline/demo/demo.js';

// zpetl status and zpetl rejects; starter pipelines (zpetl init); the off-peak window
export { pipelineStatus, pipelineRejects } from './pipeline/status/status.js';
export type { PipelineStatus, PipelineRejects, PipelineCheckpointOptions, PipelineStatusReport, StepStatusReport, RejectListing } from './pipeline/status/status.js';
export { initPipeline } from './pipeline/file/init-pipeline.js';
export type { InitPipelineOptions, InitPipelineResult } from './pipeline/file/init-pipeline.js';
export { renderStarterPipeline } from './pipeline/file/init-template.js';
export type { StarterPipelineOptions } from './pipeline/file/init-template.js';
export { readSourceSample } from './pipeline/file/init-sample.js';
export type { SourceSample } from './pipeline/file/init-sample.js';
export { parseWindow } from './pipeline/window.js';
export type { OffPeakWindow, WindowSpan } from './pipeline/window.js';

// the payroll export: zpetl export timesheets (pipeline file and flags), or the export itself
export { runTimesheetExport } from './pipeline/export/timesheet-export.js';
export type { TimesheetExportOptions } from './pipeline/export/timesheet-export.js';
export { exportTimesheets } from './pipeline/export/timesheet-file.js';
export type { ExportTimesheetsOptions, ExportResult, ExportTotals, ExportWarning, TimesheetSource, PayrollConfig } from './payroll/index.js';

// the sandbox: the emulated Zoho Projects V3 API
export { createSandbox, formatEnvLines } from './sandbox/index.js';
export type { Sandbox, SandboxEnv, SandboxOptions, SandboxAdmin } from './sandbox/index.js';
