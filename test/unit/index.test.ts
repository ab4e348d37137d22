/**
 * The public surface of the package (src/index.ts) is a decision, not an accident: every name it
 * exports is listed here, values and types apart, and it re-exports no module wholesale. A name added
 * or removed in src/index.ts must be added or removed here too, on purpose.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

const INDEX = resolve(import.meta.dirname, '../../src/index.ts');

const VALUES = [
  'ERROR_CODES',
  'PipelineSchema',
  'VERSION',
  'ZpetlError',
  'createSandbox',
  'createZohoClient',
  'dryRun',
  'exportTimesheets',
  'formatEnvLines',
  'formatProblems',
  'initPipeline',
  'isZpetlError',
  'loadConfig',
  'loadPipeline',
  'parseWindow',
  'pipelineRejects',
  'pipelineStatus',
  'readSourceSample',
  'renderStarterPipeline',
  'runDemo',
  'runPipeline',
  'runTimesheetExport',
  'validatePipelineFile',
];

const TYPES = [
  'ClientEvent',
  'Clock',
  'DataCentre',
  'DemoOptions',
  'DemoResult',
  'Disposition',
  'DryRunOptions',
  'DryRunResult',
  'EndpointStats',
  'EntityKind',
  'ErrorCode',
  'EventListener',
  'ExportResult',
  'ExportStepConfig',
  'ExportStepOutcome',
  'ExportTimesheetsOptions',
  'ExportTotals',
  'ExportWarning',
  'InitPipelineOptions',
  'InitPipelineResult',
  'LoadConfigOptions',
  'LoadStepConfig',
  'LoadedPipeline',
  'OffPeakWindow',
  'PayrollConfig',
  'PipelineCheckpointOptions',
  'PipelineConfig',
  'PipelineEvent',
  'PipelineInput',
  'PipelineProblem',
  'PipelineRejects',
  'PipelineStatus',
  'PipelineStatusReport',
  'RejectListing',
  'RowError',
  'RunFigures',
  'RunPipelineOptions',
  'RunReport',
  'RunResult',
  'RunResultWithExports',
  'RunStatusOut',
  'Sandbox',
  'SandboxAdmin',
  'SandboxEnv',
  'SandboxOptions',
  'SourcePosition',
  'SourceSample',
  'SourceWarning',
  'StarterPipelineOptions',
  'StepConfig',
  'StepCounts',
  'StepState',
  'StepStatusReport',
  'TimesheetExportOptions',
  'TimesheetSource',
  'ValidationResult',
  'WindowSpan',
  'ZohoApi',
  'ZohoClient',
  'ZohoClientConfig',
  'ZohoClientOptions',
  'ZohoConfig',
  'ZohoId',
  'ZpetlErrorOptions',
];

/** The export declarations of src/index.ts: each name with whether it is type-only, and any `export *`. */
function declaredExports(): { values: string[]; types: string[]; star: string[] } {
  const file = ts.createSourceFile(INDEX, readFileSync(INDEX, 'utf8'), ts.ScriptTarget.Latest, true);
  const values: string[] = [];
  const types: string[] = [];
  const star: string[] = [];
  for (const node of file.statements) {
    if (!ts.isExportDeclaration(node)) {
      const exported = ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (exported) throw new Error(`src/index.ts declares an export of its own (${node.getText().slice(0, 60)}): re-export it from its module`);
      continue;
    }
    const from = node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : '?';
    if (!node.exportClause || ts.isNamespaceExport(node.exportClause)) {
      star.push(from);
      continue;
    }
    for (const e of node.exportClause.elements) (node.isTypeOnly || e.isTypeOnly ? types : values).push(e.name.text);
  }
  return { values, types, star };
}

describe('src/index.ts, the public API', () => {
  it('re-exports no module wholesale (export * leaked about 30 internals of core)', () => {
    expect(declaredExports().star).toEqual([]);
  });

  it('exports exactly the listed values, at run time too', () => {
    const { values } = declaredExports();
    expect([...values].sort()).toEqual(VALUES);
    expect(Object.keys(api).sort()).toEqual(VALUES);
  });

  it('exports exactly the listed types', () => {
    expect([...declaredExports().types].sort()).toEqual(TYPES);
  });

  it('gives each function one name (no alias of another export)', () => {
    const fns = Object.entries(api).filter(([, v]) => typeof v === 'function');
    const byValue = new Map<unknown, string[]>();
    for (const [name, v] of fns) byValue.set(v, [...(byValue.get(v) ?? []), name]);
    expect([...byValue.values()].filter((names) => names.length > 1)).toEqual([]);
  });
});
