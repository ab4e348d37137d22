/**
 * The public library API of zoho-projects-etl. Everything the CLI does is available here, with the
 * same events the CLI renders (PipelineEvent). Errors are ZpetlError with a `code` from ERROR_CODES.
 */
export { VERSION } from './version.js';

// core: errors, records, clock, redaction, local dates
export * from './core/index.js';

// events: the one vocabulary of progress, for the CLI, library callers and reports
export type { EntityKind, StepCounts, StepState, PipelineEvent, EventListener } from './pipeline/events.js';
export { emptyCounts } from './pipeline/events.js';

// configuration and the Zoho client
export { loadConfig, DATA_CENTRES, DATA_CENTRE_NAMES } from './config/index.js';
export type { ZohoConfig, LoadConfigOptions, DataCentre } from './config/index.js';
export { createZohoClient } from './zoho/index.js';
export type { ZohoClient, ZohoApi, ZohoClientOptions, ZohoClientConfig, ClientEvent, EndpointStats, ZohoId } from './zoho/index.js';

// pipelines: load and validate, rehearse (dry run), run and resume
export { loadPipeline, validatePipelineFile, formatProblems } from './pipeline/load-pipeline.js';
export type { LoadedPipeline, PipelineProblem, ValidationResult } from './pipeline/load-pipeline.js';
export { PipelineSchema, isLoadStep } from './pipeline/schema.js';
export type { PipelineConfig, PipelineInput, StepConfig, LoadStepConfig, ExportStepConfig } from './pipeline/schema.js';
export { dryRun } from './pipeline/dry-run.js';
export type { DryRunOptions, DryRunResult } from './pipeline/dry-run.js';
export { runPipeline } from './pipeline/run.js';
export type { RunPipelineOptions, RunResult, RunFigures, RunStatusOut, RunResultWithExports, ExportStepOutcome } from './pipeline/run.js';
export type { RunReport } from './report/model.js';
export { runDemo, DEMO_PIPELINE } from './pipeline/demo.js';
export type { DemoOptions, DemoResult } from './pipeline/demo.js';
export { runTimesheetExport } from './pipeline/timesheet-export.js';
export type { TimesheetExportOptions } from './pipeline/timesheet-export.js';

// status, starter pipelines, the off-peak window
export { parseWindow } from './pipeline/window.js';
export type { OffPeakWindow, WindowSpan } from './pipeline/window.js';
export { readPipelineStatus, listRejects } from './pipeline/status.js';
export type { PipelineStatusReport, StepStatusReport, RejectListing } from './pipeline/status.js';
export { readSourceSample, renderStarterPipeline } from './pipeline/init-template.js';
export type { SourceSample, StarterPipelineOptions } from './pipeline/init-template.js';

// the payroll export
export { resolvePeriod } from './payroll/index.js';
export { exportTimesheets } from './pipeline/timesheet-file.js';
export type { ExportTimesheetsOptions, ExportResult, ExportTotals, ExportWarning, TimesheetSource, PayrollConfig } from './payroll/index.js';

// the sandbox
export { createSandbox, formatEnvLines, sandboxOptionsSchema } from './sandbox/index.js';
export type { Sandbox, SandboxEnv, SandboxOptions, SandboxAdmin } from './sandbox/index.js';
